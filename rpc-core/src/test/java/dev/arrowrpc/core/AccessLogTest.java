package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.testing.Loopback;
import dev.arrowrpc.core.util.Json;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.Keys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Access records: one per call, in the vgi-rpc JSONL layout. */
class AccessLogTest {
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
  @Test
  void everyCallIsRecordedWithTheRequestPayload() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (JsonlAccessLog log = JsonlAccessLog.to(sink, true);
        Loopback loop = new Loopback(Logged.class, new Impl(), b -> b.listener(log))) {
      Logged service = loop.proxy(Logged.class);
      assertEquals(49, service.square(7));
      assertThrows(RpcException.class, () -> service.fail("nope"));
      try (Producer<N> numbers = service.numbers(5)) {
        numbers.iterator().next();
      }
      loop.client().describe();
      // the server writes a record after its response, so the last one may trail the client
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<String> lines = List.of();
      while (lines.size() < 4 && System.nanoTime() < deadline) {
        synchronized (log) {
          lines = sink.toString(StandardCharsets.UTF_8).lines().toList();
        }
        if (lines.size() < 4) {
          Thread.sleep(10);
        }
      }
      assertEquals(4, lines.size(), String.join("\n", lines));
      Map<String, Object> square = (Map<String, Object>) Json.parse(lines.get(0));
      for (String key : List.of("timestamp", "level", "logger", "message", "server_id", "protocol",
          "protocol_hash", "method", "method_type", "principal", "auth_domain", "authenticated",
          "remote_addr", "duration_ms", "status", "error_type")) {
        assertTrue(square.containsKey(key), key);
      }
      assertTrue(((String) square.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
      assertEquals("vgi_rpc.access", square.get("logger"));
      assertEquals("square", square.get("method"));
      assertEquals("unary", square.get("method_type"));
      assertEquals("ok", square.get("status"));
      assertEquals("", square.get("error_type"));
      assertEquals(false, square.get("authenticated"));
      assertTrue(((String) square.get("protocol_hash")).matches("[0-9a-f]{64}"));
      byte[] request = Base64.getDecoder().decode((String) square.get("request_data"));
      try (RootAllocator memory = new RootAllocator();
          IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(request), memory).orElseThrow()) {
        assertTrue(reader.next());
        assertEquals("square", reader.metadata().get(Keys.METHOD));
        assertEquals(1, reader.root().getRowCount());
        assertFalse(reader.next());
      }
      Map<String, Object> fail = (Map<String, Object>) Json.parse(lines.get(1));
      assertEquals("error", fail.get("status"));
      assertEquals("ValueError", fail.get("error_type"));
      assertEquals("nope", fail.get("error_message"));
      Map<String, Object> stream = (Map<String, Object>) Json.parse(lines.get(2));
      assertEquals("stream", stream.get("method_type"));
      assertTrue(((String) stream.get("stream_id")).matches("[0-9a-f]{32}"));
      assertEquals(true, stream.get("cancelled"));
      Map<String, Object> describe = (Map<String, Object>) Json.parse(lines.get(3));
      assertEquals("__describe__", describe.get("method"));
      assertEquals(0, loop.clientBytes());
      assertEquals(0, loop.serverBytes());
    }
  }
}
