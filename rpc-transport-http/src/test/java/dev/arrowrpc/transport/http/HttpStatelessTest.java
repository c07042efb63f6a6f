package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.StreamService.Row;
import dev.arrowrpc.transport.http.StreamService.Sample;
import dev.arrowrpc.transport.http.StreamService.Total;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Streams whose turns land on different servers, identities bound into the tokens, authentication,
 * and a graceful shutdown that lets calls in flight finish.
 */
class HttpStatelessTest {
  /** Sends each request through the transport the route picks, recording the routes. */
  private static final class Routing implements RequestTransport {
    private final Function<String, RequestTransport> pick;
    private final List<RequestTransport> all;
    final List<String> routes = new CopyOnWriteArrayList<>();

    Routing(Function<String, RequestTransport> pick, RequestTransport... all) {
      this.pick = pick;
      this.all = List.of(all);
    }

    @Override
    public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
      String route = HttpTransport.route(protocol, method, kind);
      routes.add(route);
      return pick.apply(route).call(protocol, method, kind, body);
    }

    @Override
    public void close() throws IOException {
      for (RequestTransport transport : all) {
        transport.close();
      }
    }
  }

  /** An RPC server and its HTTP front in this JVM. */
  private record Replica(BufferAllocator memory, RpcServer rpc, HttpRpcServer http) implements AutoCloseable {
    static Replica start(Function<HttpRpcServer.Builder, HttpRpcServer.Builder> configure) {
      BufferAllocator memory = new RootAllocator();
      RpcServer rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(memory).build();
      return new Replica(memory, rpc, configure.apply(HttpRpcServer.builder(rpc)).start());
    }

    @Override
    public void close() {
      http.close();
      rpc.close();
      memory.close();
    }
  }

  @Test
  void aStreamCompletesWithItsTurnsAlternatingBetweenReplicasSharingAKey() {
    StreamService.Impl.CANCELS.set(0);
    try (Replica a = Replica.start(b -> b.signingKey(HttpHarness.KEY));
        Replica b = Replica.start(b2 -> b2.signingKey(HttpHarness.KEY));
        BufferAllocator clientMemory = new RootAllocator()) {
      HttpTransport toA = HttpRpc.builder(a.http().url()).transport();
      HttpTransport toB = HttpRpc.builder(b.http().url()).transport();
      int[] counter = {0};
      Routing alternating = new Routing(route -> counter[0]++ % 2 == 0 ? toA : toB, toA, toB);
      try (RpcClient client = RpcClient.builder(alternating).allocator(clientMemory).build()) {
        StreamService service = client.proxy(StreamService.class);
        List<Long> seen = new ArrayList<>();
        try (Producer<Row> rows = service.count(5)) {
          rows.forEach(r -> seen.add(r.n()));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        try (Exchange<Sample, Total> sums = service.accumulate()) {
          for (int i = 1; i <= 4; i++) {
            assertEquals(new Total(i * (i + 1) / 2.0, i), sums.exchangeOne(new Sample(i)));
          }
        }
        Producer<Row> cancelled = service.count(100);
        cancelled.iterator().next();
        cancelled.cancel();
        assertEquals(1, service.cancels(), "the cancel reached whichever replica got it");
      }
      assertTrue(alternating.routes.contains("HttpStreams/count/exchange"));
      assertEquals(0, clientMemory.getAllocatedMemory());
    }
  }

  @Test
  void replicasWithDifferentKeysRefuseEachOthersTokens() {
    try (Replica a = Replica.start(b -> b.signingKey(HttpHarness.KEY));
        Replica b = Replica.start(b2 -> b2.signingKey("another key, 32 bytes long......".getBytes()))) {
      HttpTransport toA = HttpRpc.builder(a.http().url()).transport();
      HttpTransport toB = HttpRpc.builder(b.http().url()).transport();
      Routing split = new Routing(route -> route.endsWith("/exchange") ? toB : toA, toA, toB);
      try (RpcClient client = RpcClient.connect(split)) {
        Producer<Row> rows = client.proxy(StreamService.class).count(5);
        var it = rows.iterator();
        assertEquals(0, it.next().n(), "the first batch comes with /init");
        RpcException e = assertThrows(RpcException.class, it::next);
        assertEquals("ProtocolError", e.errorType());
        assertEquals("invalid stream token: signature verification failed", e.errorMessage());
        assertFalse(it.hasNext());
        rows.close();
      }
    }
  }

  @Test
  void bearerAuthenticationReachesTheMethodAndBindsTheTokens() {
    Authenticator bearer = BearerTokenAuthenticator.of(Map.of("alice-secret", "alice", "bob-secret", "bob"));
    try (Replica server = Replica.start(b -> b.signingKey(HttpHarness.KEY).authenticator(bearer))) {
      String url = server.http().url();
      try (RpcClient alice = HttpRpc.builder(url).bearerToken("alice-secret").build()) {
        assertEquals("alice@bearer", alice.proxy(StreamService.class).whoami());
      }
      try (RpcClient nobody = HttpRpc.connect(url)) {
        RpcException e = assertThrows(RpcException.class, () -> nobody.proxy(StreamService.class).whoami());
        assertEquals("AuthenticationError", e.errorType());
        assertTrue(e.errorMessage().startsWith("HTTP 401: "), e.errorMessage());
        assertTrue(e.errorMessage().contains("missing_credential"), e.errorMessage());
      }
      try (RpcClient wrong = HttpRpc.builder(url).bearerToken("guess").build()) {
        RpcException e = assertThrows(RpcException.class, () -> wrong.proxy(StreamService.class).whoami());
        assertTrue(e.errorMessage().contains("invalid_credential"), e.errorMessage());
      }
      // alice opens a stream; bob presents her tokens for the next turn
      HttpTransport asAlice = HttpRpc.builder(url).bearerToken("alice-secret").transport();
      HttpTransport asBob = HttpRpc.builder(url).bearerToken("bob-secret").transport();
      Routing stolen = new Routing(route -> route.endsWith("/exchange") ? asBob : asAlice, asAlice, asBob);
      try (RpcClient client = RpcClient.connect(stolen)) {
        Producer<Row> rows = client.proxy(StreamService.class).count(3);
        var it = rows.iterator();
        it.next();
        RpcException e = assertThrows(RpcException.class, it::next);
        assertEquals("invalid stream token: signature verification failed", e.errorMessage());
        rows.close();
      }
    }
  }

  @Test
  void the401EnvelopeAndTheHealthExemption() {
    Authenticator bearer = BearerTokenAuthenticator.of("secret", "client");
    try (Replica server = Replica.start(b -> b.authenticator(bearer))) {
      String url = server.http().url();
      HttpResponse<byte[]> json = Raw.post(url + "/echo", new byte[0], Map.of());
      assertEquals(401, json.statusCode(), "authentication comes before any check of the request");
      assertEquals("missing_credential", Raw.header(json, "VGI-Auth-Reason").orElseThrow());
      assertEquals("no-store", Raw.header(json, "Cache-Control").orElseThrow());
      assertEquals("Bearer", Raw.header(json, "WWW-Authenticate").orElseThrow());
      assertEquals("application/json", Raw.header(json, "Content-Type").orElseThrow());
      Map<?, ?> body = (Map<?, ?>) Json.parse(Raw.text(json));
      assertEquals("unauthorized", body.get("error"));
      assertEquals("missing_credential", body.get("reason"));
      assertTrue(((String) body.get("detail")).contains("Bearer"));
      HttpResponse<byte[]> html = Raw.post(url + "/echo", new byte[0], Map.of("Accept", "text/html"));
      assertEquals(401, html.statusCode());
      assertTrue(Raw.text(html).contains("missing_credential"));
      assertEquals(200, Raw.get(url + "/health", Map.of()).statusCode());
      assertEquals(200, Raw.send("OPTIONS", url + "/echo", null, Map.of()).statusCode());
      assertEquals(401, Raw.get(url + "/", Map.of()).statusCode());
    }
  }

  @Test
  void aPrefixedServiceAnswersUnderItsPrefixOnly() {
    try (Replica server = Replica.start(b -> b.prefix("vgi/"))) {
      String url = server.http().url();
      assertTrue(url.endsWith("/vgi"), url);
      try (RpcClient client = HttpRpc.connect(url + "/")) {
        StreamService service = client.proxy(StreamService.class);
        assertEquals("prefixed", service.echo("prefixed"));
        try (Producer<Row> rows = service.count(2)) {
          assertEquals(2, rows.batches().iterator().next().size() + 1);
        }
      }
      assertEquals(200, Raw.get(url + "/health", Map.of()).statusCode());
      assertEquals(200, Raw.get(url, Map.of()).statusCode(), "the landing page sits at the prefix");
      assertEquals(404, Raw.get(url.replace("/vgi", "") + "/health", Map.of()).statusCode());
    }
  }

  @Test
  void closeDrainsCallsInFlight() throws Exception {
    Replica server = Replica.start(b -> b.drainTimeout(Duration.ofSeconds(10)));
    try (RpcClient client = HttpRpc.connect(server.http().url())) {
      StreamService service = client.proxy(StreamService.class);
      assertEquals(1, service.slow(1));
      CompletableFuture<Long> inFlight = CompletableFuture.supplyAsync(() -> service.slow(700));
      Thread.sleep(200);
      long closing = System.nanoTime();
      server.close();
      assertTrue(System.nanoTime() - closing > 300_000_000L, "close waited for the call");
      assertEquals(700, inFlight.get(5, TimeUnit.SECONDS));
      RpcException refused = assertThrows(RpcException.class, () -> service.echo("too late"));
      assertEquals("TransportError", refused.errorType());
    }
  }
}
