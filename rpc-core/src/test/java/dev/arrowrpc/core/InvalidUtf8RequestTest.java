package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServerState;
import dev.arrowrpc.core.server.ServiceBinding;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A string cell holding bytes that are not UTF-8 is refused with a TypeError naming the field,
 * never decoded with U+FFFD in place of the bad bytes, in every string layout a request can carry;
 * the next valid request on the same connection is answered.
 */
class InvalidUtf8RequestTest {
  /** A marker written into each string value, then overwritten with a byte that is not UTF-8. */
  private static final String MARK = "Qz";

  public record Item(String name) {}

  @RpcService
  public interface Strings {
    String echo(String text);

    String echoLarge(@Wire(Wire.Type.LARGE_UTF8) String text);

    String echoDictionary(@Wire(Wire.Type.DICTIONARY_UTF8) String text);

    long countKeys(Map<String, Long> entries);

    String label(Item item);

    long size(List<String> names);
  }

  public static final class Impl implements Strings {
    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public String echoLarge(String text) {
      return text;
    }

    @Override
    public String echoDictionary(String text) {
      return text;
    }

    @Override
    public long countKeys(Map<String, Long> entries) {
      return entries.size();
    }

    @Override
    public String label(Item item) {
      return item.name();
    }

    @Override
    public long size(List<String> names) {
      return names.size();
    }
  }

  private final BufferAllocator memory = new RootAllocator();
  private final ServiceSpec spec = ServiceSpec.of(Strings.class);

  @AfterEach
  void noLeaks() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** A request for {@code method} with the given argument, as the bytes a client would send. */
  private byte[] request(String method, Object argument) throws Exception {
    MethodSpec methodSpec = spec.methods().get(method);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, "Strings");
    metadata.put(MetadataKeys.REQUEST_VERSION, "1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, methodSpec.params().schema());
        Batch batch = methodSpec.params().encode(1, (row, column) -> argument, memory)) {
      writer.write(batch, metadata);
    }
    return out.toByteArray();
  }

  /** The same request with every marker's second byte replaced by a lone continuation byte. */
  private byte[] corrupted(String method, Object argument) throws Exception {
    byte[] bytes = request(method, argument);
    byte[] mark = MARK.getBytes(StandardCharsets.US_ASCII);
    int hits = 0;
    outer:
    for (int i = 0; i + mark.length <= bytes.length; i++) {
      for (int j = 0; j < mark.length; j++) {
        if (bytes[i + j] != mark[j]) {
          continue outer;
        }
      }
      bytes[i + 1] = (byte) 0x80;
      hits++;
    }
    assertTrue(hits > 0, "the marker is in the request body");
    return bytes;
  }

  private byte[] serve(byte[] requests) throws Exception {
    try (BufferAllocator serverMemory = new RootAllocator()) {
      ServerState dispatcher =
          new ServerState(ServiceBinding.bind(Strings.class, new Impl()), serverMemory, "abcdefabcdef");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ServerConnection(dispatcher, new ByteArrayInputStream(requests), out).run();
      assertEquals(0, serverMemory.getAllocatedMemory());
      return out.toByteArray();
    }
  }

  /** Each response: its error, or its first data value. */
  private List<Object> responses(byte[] bytes) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    List<Object> out = new ArrayList<>();
    while (true) {
      var opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return out;
      }
      try (IpcStreamReader reader = opened.get()) {
        Object value = null;
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e && value == null) {
            value = e.error();
          } else if (kind instanceof LogBatches.Data && value == null && reader.root().getRowCount() == 1) {
            Object cell = reader.root().getVector(0).getObject(0);
            value = cell == null ? null : cell.toString();
          }
        }
        out.add(value);
      }
    }
  }

  private void assertRefused(String method, Object argument, String field) throws Exception {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(corrupted(method, argument));
    requests.write(request("echo", "after"));
    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(2, responses.size(), String.valueOf(responses));
    assertTrue(responses.get(0) instanceof RpcException, method + ": " + responses.get(0));
    RpcException refused = (RpcException) responses.get(0);
    assertEquals("TypeError", refused.errorType(), refused.getMessage());
    assertTrue(refused.errorMessage().contains("not valid UTF-8"), refused.errorMessage());
    assertTrue(refused.errorMessage().contains("'" + field + "'"), refused.errorMessage());
    assertEquals("after", responses.get(1), "the connection stays in step");
  }

  @Test
  void aValidRequestRoundTrips() throws Exception {
    assertEquals(List.of("x" + MARK + "\u00e9"), responses(serve(request("echo", "x" + MARK + "\u00e9"))));
  }

  @Test
  void utf8() throws Exception {
    assertRefused("echo", "a" + MARK + "b", "text");
  }

  @Test
  void largeUtf8() throws Exception {
    assertRefused("echoLarge", "a" + MARK + "b", "text");
  }

  @Test
  void dictionaryUtf8() throws Exception {
    assertRefused("echoDictionary", "a" + MARK + "b", "text");
  }

  @Test
  void mapKey() throws Exception {
    assertRefused("countKeys", Map.of("k" + MARK, 1L), "entries[0].key");
  }

  @Test
  void structField() throws Exception {
    assertRefused("label", new Item(MARK + "!"), "item.name");
  }

  @Test
  void listElement() throws Exception {
    assertRefused("size", List.of("ok", MARK), "names[1]");
  }
}
