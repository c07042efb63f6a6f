package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.runtime.JsonlAccessLog;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.testing.Loopback;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Writes the access records of a pipe and an HTTP-style server, served calls and refused requests
 * alike, to {@code target/access-log-sample.jsonl}: the file {@code
 * conformance/src/test/python/validate_access_log.py} checks with the reference's validator.
 */
class AccessLogSampleTest {
  /** Where the sample is written (relative to the module, as Maven runs tests). */
  static final Path SAMPLE = Path.of("target", "access-log-sample.jsonl");

  public record Row(long n) {}

  @RpcService(name = "Sampled")
  public interface Sampled {
    long add(long a, long b);

    String greet(String name, List<Long> tags);

    void fail(String why);

    Producer<Row> count(long n);
  }

  /** A producer state that travels in tokens. */
  public static final class Counting implements ProducerState<Row> {
    long next;
    long limit;

    @Override
    public void produce(dev.arrowrpc.core.StreamOutput<Row> out, dev.arrowrpc.core.CallContext context) {
      if (next >= limit) {
        out.finish();
      } else {
        out.emitRow(new Row(next++));
      }
    }
  }

  public static final class Impl implements Sampled {
    @Override
    public long add(long a, long b) {
      return a + b;
    }

    @Override
    public String greet(String name, List<Long> tags) {
      return "hello " + name + tags;
    }

    @Override
    public void fail(String why) {
      throw new IllegalStateException(why);
    }

    @Override
    public Producer<Row> count(long n) {
      Counting state = new Counting();
      state.limit = n;
      return Producer.of(state);
    }
  }

  /** Tokens that are the payload in base64 (sealing is the transport's business). */
  private static final StreamTokens PLAIN = new StreamTokens() {
    @Override
    public String seal(byte[] payload, Identity identity) {
      return Base64.getEncoder().encodeToString(payload);
    }

    @Override
    public byte[] open(String token, Identity identity) {
      return Base64.getDecoder().decode(token);
    }
  };

  @Test
  void writesTheRecordsOfServedAndRefusedCalls() throws Exception {
    Files.createDirectories(SAMPLE.getParent());
    Files.deleteIfExists(SAMPLE);
    try (JsonlAccessLog log = JsonlAccessLog.append(SAMPLE, JsonlAccessLog.Level.DEBUG)) {
      pipeCalls(log);
      httpCalls(log);
    }
    List<String> lines = Files.readAllLines(SAMPLE);
    List<String> methods = lines.stream().map(l -> (String) ((Map<?, ?>) Json.parse(l)).get("method")).toList();
    assertEquals(List.of("add", "greet", "fail", "count", "list_protocols", "describe", "nope", "add",
        "add", "count", "count", "count", "nope", "add", "count"), methods);
    for (String line : lines) {
      Map<?, ?> record = (Map<?, ?>) Json.parse(line);
      for (String payload : List.of("request_data", "request_state", "response_state")) {
        assertFalse(record.containsKey(payload), line);
      }
      assertEquals(record.containsKey("request_fields"), record.containsKey("request_rows"), line);
      assertEquals("error".equals(record.get("status")), record.containsKey("error_code"), line);
    }
    Map<?, ?> greet = (Map<?, ?>) Json.parse(lines.get(1));
    assertEquals(List.of(Map.of("name", "name", "type", "string"), Map.of("name", "tags", "type", "list<item: int64>")),
        greet.get("request_fields"));
    Map<?, ?> refused = (Map<?, ?>) Json.parse(lines.get(6));
    assertEquals("UNIMPLEMENTED", refused.get("error_code"));
    assertEquals("MethodNotImplementedError", refused.get("error_type"));
    Map<?, ?> turn = (Map<?, ?>) Json.parse(lines.get(10));
    assertTrue(turn.containsKey("request_state_bytes"), lines.get(10));
    assertFalse(turn.containsKey("request_fields"), lines.get(10));
  }

  private static void pipeCalls(JsonlAccessLog log) throws Exception {
    try (Loopback loop = new Loopback(Sampled.class, new Impl(), b -> b.listener(log))) {
      Sampled service = loop.proxy(Sampled.class);
      assertEquals(5, service.add(2, 3));
      assertEquals("hello a[1, 2]", service.greet("a", List.of(1L, 2L)));
      try {
        service.fail("on purpose");
      } catch (RpcException expected) {
        // recorded as an error
      }
      try (Producer<Row> rows = service.count(3)) {
        rows.iterator().next();
      }
      loop.client().describe();
      awaitLines(log, 5);
    }
    // a request the pipe refuses, then one that names no method (not recorded: nothing to name)
    try (BufferAllocator memory = new RootAllocator();
        RpcServer server = RpcServer.builder(Sampled.class, new Impl()).allocator(memory).listener(log).build()) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      requests.write(request(memory, "nope", 1));
      requests.write(request(memory, "add", 1)); // a parameter schema that does not match
      requests.write(stream(memory, Map.of(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE), 1));
      server.serve(new ByteArrayInputStream(requests.toByteArray()), new ByteArrayOutputStream());
    }
  }

  private static void httpCalls(JsonlAccessLog log) throws IOException {
    try (BufferAllocator memory = new RootAllocator();
        RpcServer server = RpcServer.builder(Sampled.class, new Impl()).allocator(memory).listener(log).build()) {
      RequestEngine handler = server.requestEngine(PLAIN);
      RequestEngine.Caller caller = new RequestEngine.Caller(Identity.of("alice", "bearer"), "req-1", "127.0.0.1:4242");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.handle(RequestEngine.Route.UNARY, "Sampled", "add", new ByteArrayInputStream(addRequest(server, memory)), out, caller);
      // init, a turn, and a cancel
      out = new ByteArrayOutputStream();
      handler.handle(RequestEngine.Route.INIT, "Sampled", "count", new ByteArrayInputStream(countRequest(server, memory)), out,
          caller);
      Map<String, String> tokens = tokens(out.toByteArray(), memory);
      handler.handle(RequestEngine.Route.EXCHANGE, "Sampled", "count", new ByteArrayInputStream(stream(memory, tokens, 0)),
          new ByteArrayOutputStream(), caller);
      Map<String, String> cancel = new LinkedHashMap<>(tokens);
      cancel.put(MetadataKeys.CANCEL, "");
      handler.handle(RequestEngine.Route.EXCHANGE, "Sampled", "count", new ByteArrayInputStream(stream(memory, cancel, 0)),
          new ByteArrayOutputStream(), caller);
      // refusals: an unknown method, an empty body, a turn without tokens
      handler.handle(RequestEngine.Route.UNARY, "Sampled", "nope", new ByteArrayInputStream(new byte[0]),
          new ByteArrayOutputStream(), caller);
      handler.handle(RequestEngine.Route.UNARY, "Sampled", "add", new ByteArrayInputStream(new byte[0]),
          new ByteArrayOutputStream(), caller);
      handler.handle(RequestEngine.Route.EXCHANGE, "Sampled", "count", new ByteArrayInputStream(stream(memory, Map.of(), 0)),
          new ByteArrayOutputStream(), caller);
    }
  }

  private static byte[] addRequest(RpcServer server, BufferAllocator memory) throws IOException {
    MethodSpec spec = ServiceSpec.of(Sampled.class).methods().get("add");
    return encoded(spec, memory, 2L, 3L);
  }

  private static byte[] countRequest(RpcServer server, BufferAllocator memory) throws IOException {
    MethodSpec spec = ServiceSpec.of(Sampled.class).methods().get("count");
    return encoded(spec, memory, 2L);
  }

  private static byte[] encoded(MethodSpec spec, BufferAllocator memory, Object... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var batch = spec.params().encode(1, (row, column) -> args[column], memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, spec.params().schema())) {
      writer.write(batch, Map.of(MetadataKeys.METHOD, spec.name(), MetadataKeys.PROTOCOL, "Sampled", MetadataKeys.REQUEST_VERSION,
          MetadataKeys.REQUEST_VERSION_VALUE));
    }
    return out.toByteArray();
  }

  private static Map<String, String> tokens(byte[] body, BufferAllocator memory) throws IOException {
    Map<String, String> tokens = new LinkedHashMap<>();
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    java.util.Optional<IpcStreamReader> opened;
    while ((opened = IpcStreamReader.open(in, memory)).isPresent()) {
      try (IpcStreamReader reader = opened.get()) {
        while (reader.next()) {
          if (reader.metadata().containsKey(MetadataKeys.CALL_STATE)) {
            tokens.put(MetadataKeys.STREAM_STATE, reader.metadata().get(MetadataKeys.STREAM_STATE));
            tokens.put(MetadataKeys.CALL_STATE, reader.metadata().get(MetadataKeys.CALL_STATE));
          }
        }
      }
    }
    return tokens;
  }

  private static byte[] request(BufferAllocator memory, String method, int rows) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, "Sampled");
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    return stream(memory, metadata, rows);
  }

  private static byte[] stream(BufferAllocator memory, Map<String, String> metadata, int rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      root.setRowCount(rows);
      writer.write(root, metadata);
    }
    return out.toByteArray();
  }

  private static void awaitLines(JsonlAccessLog log, int count) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (Files.readAllLines(SAMPLE).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
