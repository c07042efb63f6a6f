package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.server.ServiceBinding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server built with small {@link WireLimits} refuses a request just over each limit with a
 * {@code ProtocolError} naming the setting, answers one just under, and goes on serving.
 */
class WireLimitsTest {
  /** Methods whose requests cross each limit by one. */
  @RpcService
  public interface Sized {
    long count(List<Long> xs);

    long deep(List<List<Long>> xss);

    long three(long a, long b, long c);

    long four(long a, long b, long c, long d);

    long size(byte[] data);
  }

  /** Counts what it is given. */
  public static final class SizedImpl implements Sized {
    @Override
    public long count(List<Long> xs) {
      return xs.size();
    }

    @Override
    public long deep(List<List<Long>> xss) {
      return xss.size();
    }

    @Override
    public long three(long a, long b, long c) {
      return a + b + c;
    }

    @Override
    public long four(long a, long b, long c, long d) {
      return a + b + c + d;
    }

    @Override
    public long size(byte[] data) {
      return data.length;
    }
  }

  private static final Map<String, MethodSpec> METHODS =
      ServiceBinding.bind(Sized.class, new SizedImpl()).spec().methods();

  private BufferAllocator memory;

  @BeforeEach
  void start() {
    memory = new RootAllocator(64L << 20);
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** A request stream of {@code batches} copies of one row of the arguments, with extra metadata. */
  private byte[] padded(String method, Map<String, String> extra, int batches, Object... args) throws Exception {
    MethodSpec spec = METHODS.get(method);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, "Sized");
    metadata.put(MetadataKeys.REQUEST_VERSION, "1");
    metadata.putAll(extra);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Batch batch = spec.params().encode(1, (r, c) -> args[c], memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, spec.params().schema())) {
      for (int i = 0; i < batches; i++) {
        writer.append(batch, metadata);
      }
    }
    return out.toByteArray();
  }

  private byte[] request(String method, Object... args) throws Exception {
    return padded(method, Map.of(), 1, args);
  }

  /** The body bytes of the request's messages, summed, as the server counts them. */
  private long bodyBytes(byte[] stream) throws Exception {
    MessageReader reader = new MessageReader(new ByteArrayInputStream(stream), memory, WireLimits.DEFAULT);
    long total = 0;
    while (true) {
      MessageReader.Raw raw = reader.next();
      if (raw == null) {
        return total;
      }
      total += raw.message().bodyLength();
      raw.closeBody();
    }
  }

  /** The largest metadata length of the request's messages. */
  private static int metadataBytes(byte[] stream) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(stream).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int largest = 0;
    while (b.remaining() >= 8) {
      b.getInt(); // continuation
      int length = b.getInt();
      if (length == 0) {
        break;
      }
      largest = Math.max(largest, length);
      org.apache.arrow.flatbuf.Message message = org.apache.arrow.flatbuf.Message.getRootAsMessage(
          b.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN));
      b.position(b.position() + length + (int) message.bodyLength());
    }
    return largest;
  }

  /** Serves the requests on one connection; each response's error or value. */
  private List<Object> serve(RpcServer server, byte[]... requests) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] request : requests) {
      all.write(request);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.serve(new ByteArrayInputStream(all.toByteArray()), out);
    assertEquals(0, server.allocator().getAllocatedMemory());
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    List<Object> result = new ArrayList<>();
    while (true) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return result;
      }
      try (IpcStreamReader reader = opened.get()) {
        Object value = null;
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e && value == null) {
            value = e.error();
          } else if (kind instanceof LogBatches.Data && value == null && reader.root().getRowCount() == 1) {
            value = reader.root().getVector(0).getObject(0);
          }
        }
        result.add(value);
      }
    }
  }

  /**
   * Under the limits: answered, and a second call on the connection too; over: a typed refusal
   * naming the limit; the server then answers the next connection (and the under request).
   */
  private void refusesJustOver(WireLimits limits, byte[] under, Object answer, byte[] over, String... named)
      throws Exception {
    try (RpcServer server = RpcServer.builder(Sized.class, new SizedImpl()).wireLimits(limits).build()) {
      assertEquals(List.of(answer, 6L), serve(server, under, request("three", 1L, 2L, 3L)));
      List<Object> refused = serve(server, over);
      assertEquals(1, refused.size(), refused.toString());
      assertTrue(refused.get(0) instanceof RpcException, refused.toString());
      RpcException error = (RpcException) refused.get(0);
      assertEquals("ProtocolError", error.errorType(), error.toString());
      for (String part : named) {
        assertTrue(error.getMessage().contains(part), error.getMessage());
      }
      assertEquals(List.of(answer), serve(server, under));
    }
  }

  @Test
  void rowsPerBatch() throws Exception {
    WireLimits limits = WireLimits.DEFAULT.withMaxRowsPerBatch(4);
    refusesJustOver(limits, request("count", List.of(1L, 2L, 3L, 4L)), 4L,
        request("count", List.of(1L, 2L, 3L, 4L, 5L)), "maxRowsPerBatch", "5 values", "at most 4");
  }

  @Test
  void nestingDepth() throws Exception {
    WireLimits limits = WireLimits.DEFAULT.withMaxNestingDepth(2);
    refusesJustOver(limits, request("count", List.of(1L)), 1L,
        request("deep", List.of(List.of(1L))), "maxNestingDepth=2", "'xss'");
  }

  @Test
  void schemaFields() throws Exception {
    WireLimits limits = WireLimits.DEFAULT.withMaxSchemaFields(3);
    refusesJustOver(limits, request("three", 1L, 2L, 3L), 6L,
        request("four", 1L, 2L, 3L, 4L), "maxSchemaFields=3");
  }

  @Test
  void bodyBytes() throws Exception {
    byte[] under = request("size", (Object) new byte[1000]);
    long body = bodyBytes(under);
    byte[] over = request("size", (Object) new byte[1001]);
    assertEquals(body + 8, bodyBytes(over), "a byte more, padded to 8");
    // one message carries the body here: its length is the limit
    refusesJustOver(WireLimits.DEFAULT.withMaxBodyBytes(body), under, 1000L, over,
        "maxBodyBytes", "at most " + body, String.valueOf(body + 8));
  }

  @Test
  void metadataBytes() throws Exception {
    byte[] under = padded("three", Map.of("x-pad", "p".repeat(500)), 1, 1L, 2L, 3L);
    int limit = metadataBytes(under);
    byte[] over = padded("three", Map.of("x-pad", "p".repeat(512)), 1, 1L, 2L, 3L);
    assertTrue(metadataBytes(over) > limit);
    refusesJustOver(WireLimits.DEFAULT.withMaxMetadataBytes(limit), under, 6L, over,
        "maxMetadataBytes", "at most " + limit);
  }

  @Test
  void requestBytes() throws Exception {
    byte[] one = padded("size", Map.of(), 1, (Object) new byte[1000]);
    long body = bodyBytes(one);
    byte[] two = padded("size", Map.of(), 2, (Object) new byte[1000]);
    assertEquals(2 * body, bodyBytes(two));
    // every message is within maxBodyBytes, but the stream's bodies together pass maxRequestBytes
    refusesJustOver(WireLimits.DEFAULT.withMaxRequestBytes(2 * body - 1), one, 1000L, two,
        "maxRequestBytes", String.valueOf(2 * body - 1));
  }

  @Test
  void defaultsAreTodaysBounds() {
    assertEquals(1L << 32, WireLimits.DEFAULT.maxBodyBytes());
    assertEquals(64 << 20, WireLimits.DEFAULT.maxMetadataBytes());
    assertEquals(1L << 26, WireLimits.DEFAULT.maxRowsPerBatch());
    assertEquals(64, WireLimits.DEFAULT.maxNestingDepth());
    assertEquals(1 << 16, WireLimits.DEFAULT.maxSchemaFields());
    assertEquals(16L << 20, WireLimits.DEFAULT.maxImpliedBytes());
    assertEquals(1L << 32, WireLimits.DEFAULT.maxRequestBytes());
    assertThrows(IllegalArgumentException.class, () -> WireLimits.DEFAULT.withMaxNestingDepth(0));
  }
}
