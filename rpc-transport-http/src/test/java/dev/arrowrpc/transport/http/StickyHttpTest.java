package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.Sessions;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sticky sessions on the wire: capabilities, open/resume/close, loss, drain and the teardown route. */
class StickyHttpTest {
  /** A counter kept in a sticky session. */
  @RpcService(name = "Sticky", version = "1.0.0")
  public interface Counter {
    long open(long initial);

    long add(long by);

    long end();

    long sessionsPresent();
  }

  /** The counter's implementation; counts the states closed. */
  public static final class Impl implements Counter {
    static final AtomicInteger CLOSED = new AtomicInteger();

    /** A counter whose close is observed. */
    static final class State extends AtomicLong implements AutoCloseable {
      private static final long serialVersionUID = 1L;

      State(long initial) {
        super(initial);
      }

      @Override
      public void close() {
        CLOSED.incrementAndGet();
      }
    }

    private static Sessions sessions() {
      return CallContext.current().orElseThrow().sessions()
          .orElseThrow(() -> new IllegalStateException("sticky sessions not available on this transport"));
    }

    private static State state() {
      return sessions().state().map(State.class::cast)
          .orElseThrow(() -> new IllegalStateException("no counter bound"));
    }

    @Override
    public long open(long initial) {
      sessions().open(new State(initial));
      return initial;
    }

    @Override
    public long add(long by) {
      return state().addAndGet(by);
    }

    @Override
    public long end() {
      long last = state().get();
      sessions().close();
      return last;
    }

    @Override
    public long sessionsPresent() {
      return CallContext.current().orElseThrow().sessions().isPresent() ? 1 : 0;
    }
  }

  private final List<CallRecord> records = new CopyOnWriteArrayList<>();
  private RpcServer server;
  private HttpRpcServer http;
  private String url;

  @BeforeEach
  void start() {
    Impl.CLOSED.set(0);
    server = RpcServer.builder(Counter.class, new Impl()).allocator(new RootAllocator()).listener(records::add).build();
    http = HttpRpcServer.builder(server).signingKey(HttpHarness.KEY)
        .authenticator(request -> request.header("X-Principal").map(p -> Identity.of(p, "test"))
            .orElse(Identity.ANONYMOUS))
        .sticky(StickyConfig.builder().defaultTtl(Duration.ofSeconds(30)).echoHeader("X-Route", "here").build())
        .start();
    url = http.url();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  /** The request body the typed client sends for a call. */
  private static byte[] body(Consumer<Counter> call) {
    AtomicReference<byte[]> captured = new AtomicReference<>();
    RequestTransport capturing = new RequestTransport() {
      @Override
      public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
        captured.set(body);
        throw new IOException("captured");
      }

      @Override
      public void close() {}
    };
    try (RpcClient client = RpcClient.connect(capturing)) {
      call.accept(client.proxy(Counter.class));
    } catch (RpcException expected) {
      // never answered
    }
    return captured.get();
  }

  private HttpResponse<byte[]> call(String method, Consumer<Counter> call, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Content-Type", Responses.ARROW);
    return Raw.post(url + "/Sticky/" + method, body(call), all);
  }

  private static long result(HttpResponse<byte[]> response) {
    assertTrue(Raw.arrowError(response.body()).isEmpty(), () -> Raw.arrowError(response.body()).get().getMessage());
    try (RootAllocator memory = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(response.body()), memory).orElseThrow()) {
      assertTrue(reader.next());
      long value = ((BigIntVector) reader.root().getVector(0)).get(0);
      reader.drain();
      return value;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static RpcException error(HttpResponse<byte[]> response) {
    assertEquals(200, response.statusCode());
    assertEquals("true", Raw.header(response, "X-VGI-RPC-Error").orElseThrow());
    return Raw.arrowError(response.body()).orElseThrow();
  }

  @Test
  void theContextHasSessionsOverStickyHttp() {
    assertEquals(1, result(call("sessionsPresent", Counter::sessionsPresent, Map.of())));
  }

  @Test
  void advertisesOnEveryResponse() {
    HttpResponse<byte[]> health = Raw.get(url + "/health", Map.of());
    assertEquals("true", Raw.header(health, "VGI-Sticky-Enabled").orElseThrow());
    assertEquals("30", Raw.header(health, "VGI-Sticky-Default-TTL").orElseThrow());
    assertEquals("x-route", Raw.header(health, "VGI-Sticky-Echo-Headers").orElseThrow());
    assertTrue(http.stickySessions().isPresent());
  }

  @Test
  void opensResumesAndCloses() {
    Map<String, String> accept = Map.of("VGI-Session-Accept", "true");
    HttpResponse<byte[]> opened = call("open", c -> c.open(7), accept);
    assertEquals(7, result(opened));
    String token = Raw.header(opened, "VGI-Session").orElseThrow();
    assertEquals("here", Raw.header(opened, "VGI-Echo-x-route").orElseThrow());
    Map<String, String> resume = Map.of("VGI-Session-Accept", "true", "VGI-Session", token);
    HttpResponse<byte[]> added = call("add", c -> c.add(3), resume);
    assertEquals(10, result(added));
    assertTrue(Raw.header(added, "VGI-Session").isEmpty(), "a token is minted only on open");
    assertTrue(Raw.header(added, "VGI-Echo-x-route").isEmpty(), "echo headers only on open");
    HttpResponse<byte[]> ended = call("end", Counter::end, resume);
    assertEquals(10, result(ended));
    assertEquals("true", Raw.header(ended, "VGI-Session-Close").orElseThrow());
    assertEquals(1, Impl.CLOSED.get());
    RpcException lost = error(call("add", c -> c.add(1), resume));
    assertEquals("SessionLostError", lost.errorType());
    assertEquals("session_lost", lost.errorKind().orElseThrow());
  }

  @Test
  void accessRecordsCarryTheSessionLifecycle() {
    call("sessionsPresent", Counter::sessionsPresent, Map.of());
    HttpResponse<byte[]> opened = call("open", c -> c.open(1), Map.of("VGI-Session-Accept", "true"));
    Map<String, String> resume = Map.of("VGI-Session", Raw.header(opened, "VGI-Session").orElseThrow());
    call("add", c -> c.add(1), resume);
    call("end", Counter::end, resume);
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (records.size() < 4 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(new CallRecord.Session("none", Optional.empty()), records.get(0).session().orElseThrow());
    String id = records.get(1).session().orElseThrow().id().orElseThrow();
    assertTrue(id.matches("[0-9a-f]{24}"), id);
    assertEquals(new CallRecord.Session("open", Optional.of(id)), records.get(1).session().orElseThrow());
    assertEquals(new CallRecord.Session("resume", Optional.of(id)), records.get(2).session().orElseThrow());
    assertEquals(new CallRecord.Session("close", Optional.of(id)), records.get(3).session().orElseThrow());
  }

  @Test
  void aLostSessionWithACompressedBodyIsStillSessionLost() {
    // the refusal comes before the body is read: its unread IPC stream is not trailing garbage
    Map<String, String> headers = Map.of("Content-Type", Responses.ARROW, "Content-Encoding", "zstd",
        "VGI-Session", "not-a-real-token");
    HttpResponse<byte[]> lost = Raw.post(url + "/Sticky/add",
        com.github.luben.zstd.Zstd.compress(body(c -> c.add(1)), 3), headers);
    assertEquals("SessionLostError", error(lost).errorType());
  }

  @Test
  void openingNeedsTheAcceptHeader() {
    HttpResponse<byte[]> refused = call("open", c -> c.open(1), Map.of());
    RpcException e = error(refused);
    assertEquals("RuntimeError", e.errorType());
    assertTrue(e.getMessage().contains("VGI-Session-Accept"), e.getMessage());
    assertTrue(Raw.header(refused, "VGI-Session").isEmpty());
    assertEquals(0, http.stickySessions().orElseThrow().liveSessions());
  }

  @Test
  void anotherPrincipalLosesTheSession() {
    HttpResponse<byte[]> opened = call("open", c -> c.open(5), Map.of("VGI-Session-Accept", "true", "X-Principal", "alice"));
    String token = Raw.header(opened, "VGI-Session").orElseThrow();
    assertEquals("SessionLostError", error(call("add", c -> c.add(1), Map.of("VGI-Session", token,
        "X-Principal", "bob"))).errorType());
    assertEquals("SessionLostError", error(call("add", c -> c.add(1), Map.of("VGI-Session", token))).errorType());
    // the owner still resumes it, and bob cannot end it either
    assertEquals(200, Raw.send("DELETE", url + "/__session__", null, Map.of("VGI-Session", token,
        "X-Principal", "bob")).statusCode());
    assertEquals(6, result(call("add", c -> c.add(1), Map.of("VGI-Session", token, "X-Principal", "alice"))));
  }

  @Test
  void garbageTokensAreLost() {
    assertEquals("SessionLostError", error(call("add", c -> c.add(1), Map.of("VGI-Session", "garbage"))).errorType());
  }

  @Test
  void teardownRouteIsIdempotent() {
    assertEquals(200, Raw.send("DELETE", url + "/__session__", null, Map.of()).statusCode());
    assertEquals(200, Raw.send("DELETE", url + "/__session__", null, Map.of("VGI-Session", "garbage")).statusCode());
    String token = Raw.header(call("open", c -> c.open(1), Map.of("VGI-Session-Accept", "true")), "VGI-Session")
        .orElseThrow();
    HttpResponse<byte[]> deleted = Raw.send("DELETE", url + "/__session__", null, Map.of("VGI-Session", token));
    assertEquals(204, deleted.statusCode());
    assertEquals(1, Impl.CLOSED.get());
    assertEquals(200, Raw.send("DELETE", url + "/__session__", null, Map.of("VGI-Session", token)).statusCode());
    // the test drain route is not served unless configured
    assertFalse(Raw.send("POST", url + "/__test_drain__", null, Map.of("Content-Type", Responses.ARROW))
        .statusCode() == 204);
  }

  @Test
  void drainingRefusesOpensButServesOpenSessions() {
    String token = Raw.header(call("open", c -> c.open(10), Map.of("VGI-Session-Accept", "true")), "VGI-Session")
        .orElseThrow();
    http.drainSessions();
    assertTrue(http.stickySessions().orElseThrow().draining());
    assertEquals(15, result(call("add", c -> c.add(5), Map.of("VGI-Session", token))));
    RpcException refused = error(call("open", c -> c.open(1), Map.of("VGI-Session-Accept", "true")));
    assertEquals("ServerDrainingError", refused.errorType());
    assertEquals("server_draining", refused.errorKind().orElseThrow());
    assertTrue(refused.retryInfo().isPresent());
    http.stickySessions().orElseThrow().undrain();
    assertEquals(1, result(call("open", c -> c.open(1), Map.of("VGI-Session-Accept", "true"))));
  }

  @Test
  void closingTheServerClosesItsSessions() {
    call("open", c -> c.open(1), Map.of("VGI-Session-Accept", "true"));
    call("open", c -> c.open(2), Map.of("VGI-Session-Accept", "true"));
    http.close();
    assertEquals(2, Impl.CLOSED.get());
  }

  @Test
  void withoutStickyTheContextHasNoSessionsAndNoHeaders() {
    RpcServer plain = RpcServer.builder(Counter.class, new Impl()).allocator(new RootAllocator()).build();
    try (HttpRpcServer bare = HttpRpcServer.builder(plain).signingKey(HttpHarness.KEY).start()) {
      HttpResponse<byte[]> health = Raw.get(bare.url() + "/health", Map.of());
      assertTrue(Raw.header(health, "VGI-Sticky-Enabled").isEmpty());
      assertTrue(bare.stickySessions().isEmpty());
      HttpResponse<byte[]> answer = Raw.post(bare.url() + "/Sticky/sessionsPresent",
          body(Counter::sessionsPresent), Map.of("Content-Type", Responses.ARROW, "VGI-Session-Accept", "true"));
      assertEquals(0, result(answer));
      // no teardown route: a DELETE to it is refused like one to any other route
      assertEquals(405, Raw.send("DELETE", bare.url() + "/__session__", null, Map.of()).statusCode());
    } finally {
      plain.close();
    }
  }
}
