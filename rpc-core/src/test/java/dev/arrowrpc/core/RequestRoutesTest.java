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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection routes a request whose metadata is byte for byte the last one's by the route it took
 * then: everything that depends on more than the metadata is still checked per request (the
 * parameter schema, the rows), and a request with other metadata is routed afresh.
 */
class RequestRoutesTest {
  @RpcService
  public interface Routed {
    String echo(String text);

    long twice(long value);
  }

  public static final class Impl implements Routed {
    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public long twice(long value) {
      return 2 * value;
    }
  }

  private final BufferAllocator memory = new RootAllocator();
  private final ServiceSpec spec = ServiceSpec.of(Routed.class);

  @AfterEach
  void noLeaks() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** A request for {@code method} on {@code protocol}, its parameters those of {@code paramsOf}. */
  private byte[] request(String method, String protocol, String paramsOf, int rows, Object argument)
      throws Exception {
    MethodSpec params = spec.methods().get(paramsOf);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, protocol);
    metadata.put(MetadataKeys.REQUEST_VERSION, "1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, params.params().schema());
        Batch batch = params.params().encode(rows, (row, column) -> argument, memory)) {
      writer.write(batch, metadata);
    }
    return out.toByteArray();
  }

  private byte[] request(String method, Object argument) throws Exception {
    return request(method, "Routed", method, 1, argument);
  }

  /** Each answer: its error's type and message, or its first value as text. */
  private List<String> answers(byte[]... requests) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] request : requests) {
      all.write(request);
    }
    ByteArrayOutputStream answered = new ByteArrayOutputStream();
    try (BufferAllocator serverMemory = new RootAllocator()) {
      ServerState server = new ServerState(ServiceBinding.bind(Routed.class, new Impl()), serverMemory, "abcdefabcdef");
      new ServerConnection(server, new ByteArrayInputStream(all.toByteArray()), answered).run();
      assertEquals(0, serverMemory.getAllocatedMemory());
    }
    ByteArrayInputStream in = new ByteArrayInputStream(answered.toByteArray());
    List<String> out = new ArrayList<>();
    while (true) {
      var opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return out;
      }
      try (IpcStreamReader reader = opened.get()) {
        String value = null;
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e && value == null) {
            value = e.error().errorType() + ": " + e.error().errorMessage();
          } else if (kind instanceof LogBatches.Data && value == null && reader.root().getRowCount() == 1) {
            value = String.valueOf(reader.root().getVector(0).getObject(0));
          }
        }
        out.add(value);
      }
    }
  }

  @Test
  void theSameMetadataWithOtherParametersIsCheckedAgain() throws Exception {
    List<String> answers = answers(
        request("echo", "a"),
        request("echo", "Routed", "twice", 1, 5L), // echo's metadata, twice's parameter schema
        request("echo", "b"),
        request("echo", "Routed", "echo", 2, "x"), // echo's metadata and schema, two rows
        request("echo", "c"));
    assertEquals("a", answers.get(0));
    assertTrue(answers.get(1).startsWith("TypeError: Parameter schema mismatch for 'echo'"), answers.get(1));
    assertEquals("b", answers.get(2));
    assertEquals("TypeError: request batch for 'echo' has 2 rows, expected 1", answers.get(3));
    assertEquals("c", answers.get(4));
    assertEquals(5, answers.size());
  }

  @Test
  void otherMetadataIsRoutedAfresh() throws Exception {
    List<String> answers = answers(
        request("echo", "a"),
        request("twice", 21L),
        request("echo", "Elsewhere", "echo", 1, "x"),
        request("nothing", "Routed", "echo", 1, "x"),
        request("twice", 4L),
        request("echo", "b"));
    assertEquals("a", answers.get(0));
    assertEquals("42", answers.get(1));
    assertTrue(answers.get(2).contains("does not host protocol 'Elsewhere'"), answers.get(2));
    assertTrue(answers.get(3).contains("has no method 'nothing'"), answers.get(3));
    assertEquals("8", answers.get(4));
    assertEquals("b", answers.get(5));
  }
}
