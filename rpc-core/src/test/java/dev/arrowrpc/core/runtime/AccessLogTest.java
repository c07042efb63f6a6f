package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.testing.Loopback;
import dev.arrowrpc.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Access records: one per call, in the vgi-rpc 0.52 JSONL layout, never carrying a payload. */
class AccessLogTest {
  private static final String HASH = "ab".repeat(32);
  private static final List<String> ALWAYS = List.of("timestamp", "level", "logger", "message", "server_id",
      "protocol", "protocol_hash", "method", "method_type", "principal", "auth_domain", "authenticated",
      "remote_addr", "duration_ms", "status", "error_type");
  private static final List<String> PAYLOADS = List.of("request_data", "request_state", "response_state");

  public record N(long n) {}

  @RpcService(name = "Logged")
  public interface Logged {
    long square(long x);

    void fail(String why);

    Producer<N> numbers(long count);
  }

  public static final class Impl implements Logged {
    @Override
    public long square(long x) {
      return x * x;
    }

    @Override
    public void fail(String why) {
      throw new IllegalArgumentException(why);
    }

    @Override
    public Producer<N> numbers(long count) {
      long[] i = {0};
      return Producer.of((out, ctx) -> {
        if (i[0] >= count) {
          out.finish();
        } else {
          out.emitRow(new N(i[0]++));
        }
      });
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String line) {
    return (Map<String, Object>) Json.parse(line);
  }

  private static List<String> lines(ByteArrayOutputStream sink, JsonlAccessLog log, int expected)
      throws InterruptedException {
    // the server writes a record after its response, so the last one may trail the client
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> lines = List.of();
    while (lines.size() < expected && System.nanoTime() < deadline) {
      synchronized (log) {
        lines = sink.toString(StandardCharsets.UTF_8).lines().toList();
      }
      if (lines.size() < expected) {
        Thread.sleep(10);
      }
    }
    return lines;
  }

  private static List<String> servedCalls(JsonlAccessLog.Level level) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (JsonlAccessLog log = JsonlAccessLog.to(sink, level);
        Loopback loop = new Loopback(Logged.class, new Impl(), b -> b.listener(log))) {
      Logged service = loop.proxy(Logged.class);
      assertEquals(49, service.square(7));
      assertThrows(RpcException.class, () -> service.fail("nope"));
      try (Producer<N> numbers = service.numbers(5)) {
        numbers.iterator().next();
      }
      loop.client().describe(); // list_protocols, then describe
      List<String> lines = lines(sink, log, 5);
      assertEquals(0, loop.clientBytes());
      assertEquals(0, loop.serverBytes());
      return lines;
    }
  }

  @Test
  void everyCallIsRecordedWithTheShapeOfItsRequest() throws Exception {
    List<String> lines = servedCalls(JsonlAccessLog.Level.INFO);
    assertEquals(5, lines.size(), String.join("\n", lines));
    for (String line : lines) {
      Map<String, Object> record = parse(line);
      for (String key : ALWAYS) {
        assertTrue(record.containsKey(key), key + " in " + line);
      }
      for (String key : PAYLOADS) {
        assertFalse(record.containsKey(key), key + " in " + line);
      }
      assertEquals("INFO", record.get("level"));
      assertEquals("vgi_rpc.access", record.get("logger"));
      assertTrue(record.get("protocol").equals("Logged") || record.get("protocol").equals("vgi_rpc.Reflection.v1"),
          line);
      assertTrue(((String) record.get("protocol_hash")).matches("[0-9a-f]{64}"));
      assertTrue(((String) record.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
      assertFalse(record.containsKey("http_status"), "a pipe has no HTTP status: " + line);
      assertEquals(record.containsKey("request_fields"), record.containsKey("request_rows"), line);
    }
    Map<String, Object> square = parse(lines.get(0));
    assertEquals("square", square.get("method"));
    assertEquals("unary", square.get("method_type"));
    assertEquals("ok", square.get("status"));
    assertEquals("", square.get("error_type"));
    assertFalse(square.containsKey("error_code"));
    assertFalse(square.containsKey("error_message"));
    assertEquals(false, square.get("authenticated"));
    assertEquals(List.of(Map.of("name", "x", "type", "int64")), square.get("request_fields"));
    assertEquals(1L, square.get("request_rows"));

    Map<String, Object> fail = parse(lines.get(1));
    assertEquals("error", fail.get("status"));
    assertEquals("ValueError", fail.get("error_type"));
    assertEquals("nope", fail.get("error_message"));
    assertEquals("UNKNOWN", fail.get("error_code"));
    assertEquals("Logged.fail error", fail.get("message"));
    assertEquals(List.of(Map.of("name", "why", "type", "string")), fail.get("request_fields"));

    Map<String, Object> stream = parse(lines.get(2));
    assertEquals("stream", stream.get("method_type"));
    assertTrue(((String) stream.get("stream_id")).matches("[0-9a-f]{32}"));
    assertEquals(true, stream.get("cancelled"));
    assertEquals("ok", stream.get("status"));
    assertEquals(List.of(Map.of("name", "count", "type", "int64")), stream.get("request_fields"));

    Map<String, Object> listing = parse(lines.get(3));
    assertEquals("list_protocols", listing.get("method"));
    assertEquals("vgi_rpc.Reflection.v1", listing.get("protocol"));
    assertEquals(List.of(), listing.get("request_fields"));
    Map<String, Object> describe = parse(lines.get(4));
    assertEquals("describe", describe.get("method"));
    assertEquals("3c7db4cae8cdfc93dc4a76e73b8b759e18e45e6a5811adba4e520366344b919a", describe.get("protocol_hash"));
  }

  @Test
  void debugAddsNothingToTheRecordsAndKeepsTheirLevel() throws Exception {
    List<String> info = servedCalls(JsonlAccessLog.Level.INFO);
    List<String> debug = servedCalls(JsonlAccessLog.Level.DEBUG);
    assertEquals(info.size(), debug.size());
    for (int i = 0; i < info.size(); i++) {
      Map<String, Object> a = parse(info.get(i));
      Map<String, Object> b = parse(debug.get(i));
      assertEquals(a.keySet(), b.keySet(), debug.get(i));
      assertEquals("INFO", b.get("level"), "the schema admits one level");
      assertEquals(a.get("request_fields"), b.get("request_fields"));
    }
    assertEquals(JsonlAccessLog.Level.DEBUG, JsonlAccessLog.to(new ByteArrayOutputStream(), true).level());
  }

  private static CallRecord record(Optional<CallRecord.Failure> failure, String methodType, Optional<String> streamId,
      Optional<RequestShape> request, Map<String, Object> http, OptionalLong requestState, OptionalLong responseState) {
    return new CallRecord(Instant.parse("2026-04-26T15:30:45.123456Z"), "a85cd92650b7", "P.v1", HASH, "m",
        methodType, "f41f090e23b84789", Optional.of("alice"), "jwt", "10.0.0.1:5", Duration.ofNanos(1_234_567),
        failure, streamId, false, request, http, OptionalLong.of(412), requestState, responseState);
  }

  @Test
  void aRecordIsFlatWithEveryFieldInItsSchemaForm() {
    Map<String, Object> line = JsonlAccessLog.fields(record(Optional.empty(), "unary", Optional.empty(),
        Optional.of(new RequestShape(List.of(new RequestShape.Param("name", "string")), 1)), Map.of("http_status", 200),
        OptionalLong.empty(), OptionalLong.empty()));
    assertEquals("2026-04-26T15:30:45.123Z", line.get("timestamp"));
    assertEquals("P.v1.m ok", line.get("message"));
    assertEquals(1.23, line.get("duration_ms"));
    assertEquals("alice", line.get("principal"));
    assertEquals(true, line.get("authenticated"));
    assertEquals("jwt", line.get("auth_domain"));
    assertEquals("10.0.0.1:5", line.get("remote_addr"));
    assertEquals(200, line.get("http_status"));
    assertEquals("f41f090e23b84789", line.get("request_id"));
    assertEquals(412L, line.get("request_bytes"));
    assertEquals(1, line.get("request_rows"));
    assertEquals("[{\"name\": \"name\", \"type\": \"string\"}]", Json.write(line.get("request_fields")));
    for (String absent : List.of("error_code", "error_message", "stream_id", "cancelled", "request_state_bytes",
        "response_state_bytes", "truncated")) {
      assertFalse(line.containsKey(absent), absent);
    }
  }

  @Test
  void stickySessionFieldsOnlyWhenTheServerHasSessions() {
    CallRecord plain = record(Optional.empty(), "unary", Optional.empty(), Optional.empty(), Map.of("http_status", 200),
        OptionalLong.empty(), OptionalLong.empty());
    Map<String, Object> none = JsonlAccessLog.fields(plain);
    assertFalse(none.containsKey("session_action"));
    assertFalse(none.containsKey("session_id"));
    Map<String, Object> untouched = JsonlAccessLog.fields(withSession(plain, new CallRecord.Session("none",
        Optional.empty())));
    assertEquals("none", untouched.get("session_action"));
    assertFalse(untouched.containsKey("session_id"));
    String id = "0123456789abcdef01234567";
    Map<String, Object> resumed = JsonlAccessLog.fields(withSession(plain, new CallRecord.Session("resume",
        Optional.of(id))));
    assertEquals("resume", resumed.get("session_action"));
    assertEquals(id, resumed.get("session_id"));
  }

  private static CallRecord withSession(CallRecord r, CallRecord.Session session) {
    return new CallRecord(r.timestamp(), r.serverId(), r.protocol(), r.protocolHash(), r.method(), r.methodType(),
        r.requestId(), r.principal(), r.authDomain(), r.remoteAddress(), r.duration(), r.failure(), r.streamId(),
        r.cancelled(), r.request(), r.transportFields(), r.requestBytes(), r.requestStateBytes(), r.responseStateBytes(),
        Optional.of(session));
  }

  @Test
  void anErrorRecordCarriesItsCodeAndAFullMessage() {
    CallRecord.Failure failure = new CallRecord.Failure("RuntimeError", "", "UNAVAILABLE", Optional.of("server_draining"));
    Map<String, Object> line = JsonlAccessLog.fields(record(Optional.of(failure), "stream",
        Optional.of("0".repeat(32)), Optional.empty(), Map.of("http_status", 500), OptionalLong.of(88), OptionalLong.of(96)));
    assertEquals("error", line.get("status"));
    assertEquals("RuntimeError", line.get("error_type"));
    assertEquals("RuntimeError", line.get("error_message"), "an empty message is replaced by the type");
    assertEquals("UNAVAILABLE", line.get("error_code"));
    assertEquals("0".repeat(32), line.get("stream_id"));
    assertEquals(88L, line.get("request_state_bytes"));
    assertEquals(96L, line.get("response_state_bytes"));
    assertFalse(line.containsKey("request_fields"));
    assertFalse(line.containsKey("request_rows"));
    assertFalse(line.containsKey("error_kind"), "not a schema field");
  }

  @Test
  void aRecordCannotBreakTheSchemaConditions() {
    assertThrows(IllegalArgumentException.class, () -> record(Optional.empty(), "stream", Optional.empty(),
        Optional.empty(), Map.of(), OptionalLong.empty(), OptionalLong.empty()));
    assertThrows(IllegalArgumentException.class, () -> record(Optional.empty(), "bidi", Optional.empty(),
        Optional.empty(), Map.of(), OptionalLong.empty(), OptionalLong.empty()));
    assertThrows(IllegalArgumentException.class, () -> new RequestShape(List.of(), -1));
  }
}
