package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The proxy-proof gate, the 401 contract (reason codes, proxy note) and the serve-start hook as a
 * client sees them on the wire.
 */
class ProxyProofHttpTest {
  private static final byte[] SECRET = HexFormat.of().parseHex("11".repeat(32));
  private static final String KID = "conformance-proxy";
  private static final String ORIGIN = "conformance-origin";

  private static ProxyProofConfig config(ProxyProofMode mode) {
    return ProxyProofConfig.of(mode, ORIGIN, ProxyProofConfig.parseSecrets(KID + ":" + "11".repeat(32)));
  }

  private interface Body {
    void run(HttpHarness harness, String url);
  }

  private static void serve(UnaryOperator<HttpRpcServer.Builder> configure, Body body) {
    HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> configure.apply(b.prefix("/vgi")), c -> c);
    try {
      body.run(harness, harness.http().url());
      assertEquals(0, harness.serverBytes(), "server allocator");
    } finally {
      harness.close();
    }
  }

  private static byte[] echo() {
    return Raw.requestBody(s -> s.echo("x"));
  }

  private static HttpResponse<byte[]> call(String url, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("Content-Type", Responses.ARROW);
    return Raw.post(url + "/HttpStreams/echo", echo(), headers);
  }

  private static Map<?, ?> json(HttpResponse<byte[]> response) {
    return (Map<?, ?>) Json.parse(Raw.text(response));
  }

  @Test
  void requireModeRefusesEveryBadProofIdenticallyAndAcceptsAGoodOne() {
    serve(b -> b.proxyProof(config(ProxyProofMode.REQUIRE)), (harness, url) -> {
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, ORIGIN))).statusCode());
      String good = ProxyProof.mint(SECRET, KID, ORIGIN);
      String tampered = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");
      List<HttpResponse<byte[]>> refused = List.of(call(url, Map.of()),
          call(url, Map.of(ProxyProof.HEADER, "not-a-proof")),
          call(url, Map.of(ProxyProof.HEADER, tampered)),
          call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, "no-such-kid", ORIGIN))),
          call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, "another-worker"))),
          call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, ORIGIN, 1, "AAAAAAAAAAAAAAAAAAAAAA"))));
      Set<Object> details = new java.util.HashSet<>();
      for (HttpResponse<byte[]> response : refused) {
        assertEquals(401, response.statusCode());
        assertEquals("proxy_required", Raw.header(response, "VGI-Auth-Reason").orElseThrow());
        assertEquals("true", Raw.header(response, "VGI-Auth-Proxy-Required").orElseThrow());
        assertTrue(Raw.header(response, "Cache-Control").orElseThrow().contains("no-store"));
        Map<?, ?> body = json(response);
        assertEquals("unauthorized", body.get("error"));
        assertEquals("proxy_required", body.get("reason"));
        assertTrue(((String) body.get("proxy_hint")).contains(ProxyProof.HEADER));
        assertFalse(Raw.text(response).contains("no-such-kid"), "the claimed kid is never echoed");
        details.add(body.get("detail"));
      }
      assertEquals(1, details.size(), "one detail for every failure");
      // a replayed proof is refused; the capability header rides on every response
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, good)).statusCode());
      assertEquals(401, call(url, Map.of(ProxyProof.HEADER, good)).statusCode());
      HttpResponse<byte[]> health = Raw.get(url + "/health", Map.of());
      assertEquals(200, health.statusCode(), "health is exempt");
      assertEquals("true", Raw.header(health, ProxyProof.REQUIRED_HEADER).orElseThrow());
      assertEquals(200, Raw.send("OPTIONS", url + "/HttpStreams/echo", null, Map.of()).statusCode());
      HttpResponse<byte[]> page = Raw.get(url + "/HttpStreams/echo", Map.of("Accept", "text/html"));
      assertEquals(401, page.statusCode());
      assertTrue(Raw.header(page, "Content-Type").orElseThrow().startsWith("text/html"));
    });
  }

  @Test
  void theProofIsAndedWithTheAuthenticatorWhichARefusedProofNeverReaches() {
    AtomicInteger consulted = new AtomicInteger();
    Authenticator bearer = BearerTokenAuthenticator.of("s3cret", "alice");
    Authenticator counting = request -> {
      consulted.incrementAndGet();
      return bearer.authenticate(request);
    };
    serve(b -> b.proxyProof(config(ProxyProofMode.REQUIRE)).authenticator(counting), (harness, url) -> {
      HttpResponse<byte[]> noProof = call(url, Map.of("Authorization", "Bearer s3cret"));
      assertEquals(401, noProof.statusCode());
      assertEquals(0, consulted.get(), "the authenticator is not consulted after the gate refuses");
      HttpResponse<byte[]> badToken = call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, ORIGIN),
          "Authorization", "Bearer wrong"));
      assertEquals(401, badToken.statusCode());
      assertEquals("invalid_credential", Raw.header(badToken, "VGI-Auth-Reason").orElseThrow());
      assertEquals("true", Raw.header(badToken, "VGI-Auth-Proxy-Required").orElseThrow(),
          "the note is configuration, on every 401");
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, ORIGIN),
          "Authorization", "Bearer s3cret")).statusCode());
    });
  }

  @Test
  void allowModeVerifiesButNeverRefusesNorAdvertises() {
    serve(b -> b.proxyProof(config(ProxyProofMode.ALLOW)), (harness, url) -> {
      assertEquals(200, call(url, Map.of()).statusCode());
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, "garbage")).statusCode());
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, ProxyProof.mint(SECRET, KID, ORIGIN))).statusCode());
      assertTrue(Raw.header(Raw.get(url + "/health", Map.of()), ProxyProof.REQUIRED_HEADER).isEmpty());
    });
    serve(b -> b.proxyProof(config(ProxyProofMode.OFF)), (harness, url) -> {
      assertEquals(200, call(url, Map.of(ProxyProof.HEADER, "v1.whatever.0.x.y")).statusCode());
      assertTrue(Raw.header(Raw.get(url + "/health", Map.of()), ProxyProof.REQUIRED_HEADER).isEmpty());
    });
  }

  @Test
  void aServiceWithoutAProxyDependencyGivesNoProxyNote() {
    serve(b -> b.authenticator(BearerTokenAuthenticator.of("s3cret", "alice")), (harness, url) -> {
      HttpResponse<byte[]> refused = call(url, Map.of());
      assertEquals(401, refused.statusCode());
      assertEquals("missing_credential", Raw.header(refused, "VGI-Auth-Reason").orElseThrow());
      assertTrue(Raw.header(refused, "VGI-Auth-Proxy-Required").isEmpty());
      assertFalse(json(refused).containsKey("proxy_hint"));
    });
    serve(b -> b.authenticator(BearerTokenAuthenticator.of("s3cret", "alice")).proxyAuthHeaders("X-Forwarded-Client-Cert"),
        (harness, url) -> {
          HttpResponse<byte[]> refused = call(url, Map.of());
          assertEquals("true", Raw.header(refused, "VGI-Auth-Proxy-Required").orElseThrow());
          assertTrue(((String) json(refused).get("proxy_hint")).contains("X-Forwarded-Client-Cert"));
        });
  }

  @Test
  void theWorkersRejectAllAuthenticatorReportsTheRequestedReason() {
    HttpWorker.Options options = HttpWorker.Options.parse(List.of("--http", "--http-auth"));
    serve(options::apply, (harness, url) -> {
      for (String reason : List.of("missing_credential", "invalid_credential", "expired_credential",
          "insufficient_scope")) {
        HttpResponse<byte[]> refused = call(url, Map.of("X-Conformance-Auth-Reason", reason));
        assertEquals(401, refused.statusCode());
        assertEquals(reason, Raw.header(refused, "VGI-Auth-Reason").orElseThrow());
        assertEquals(reason, json(refused).get("reason"));
      }
      assertEquals("unauthorized", Raw.header(call(url, Map.of()), "VGI-Auth-Reason").orElseThrow());
      assertEquals("unauthorized", Raw.header(call(url, Map.of("X-Conformance-Auth-Reason", "proxy_required")),
          "VGI-Auth-Reason").orElseThrow(), "the proxy reason is configuration, never requested");
    });
  }

  @Test
  void theWorkerFlagsBuildTheGateAndFailClosed() {
    HttpWorker.Options options = HttpWorker.Options.parse(List.of("--http", "--proof-origin-id", ORIGIN,
        "--proof-secrets", KID + ":" + "11".repeat(32), "--proof-skew", "10", "--proof-no-replay-cache"));
    ProxyProofConfig proof = options.proxyProof().orElseThrow();
    assertEquals(ProxyProofMode.REQUIRE, proof.mode());
    assertEquals(10, proof.skew().toSeconds());
    assertFalse(proof.replayCache());
    assertTrue(HttpWorker.Options.parse(List.of("--http")).proxyProof().isEmpty());
    for (List<String> bad : List.of(List.of("--proof-mode", "require", "--proof-origin-id", ORIGIN),
        List.of("--proof-mode", "allow", "--proof-secrets", KID + ":" + "11".repeat(32)),
        List.of("--proof-origin-id", ORIGIN, "--proof-secrets", KID + ":1234"),
        List.of("--proof-mode", "sometimes"))) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> HttpWorker.Options.parse(bad), bad.toString());
    }
  }

  @Test
  void aFailedServeStartIsAnsweredWith500AndRetriedByTheNextRequest() {
    AtomicInteger runs = new AtomicInteger();
    serve(b -> b.onServeStart(() -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
    }), (harness, url) -> {
      assertEquals(500, call(url, Map.of()).statusCode());
      assertEquals(200, call(url, Map.of()).statusCode());
      assertEquals(200, call(url, Map.of()).statusCode());
      assertEquals(2, runs.get(), "the hook runs until it succeeds once");
    });
  }

  @Test
  void overHttpARequestWithoutARoutingKeyIsRoutedByItsPath() throws IOException {
    byte[] unrouted;
    try (RootAllocator memory = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(echo()), memory).orElseThrow()) {
      assertTrue(reader.next());
      Map<String, String> metadata = new LinkedHashMap<>(reader.metadata());
      assertTrue(metadata.remove(MetadataKeys.PROTOCOL) != null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, reader.schema())) {
        writer.write(reader.root(), metadata);
      }
      unrouted = out.toByteArray();
    }
    serve(b -> b, (harness, url) -> {
      HttpResponse<byte[]> response = Raw.postArrow(url + "/HttpStreams/echo", unrouted);
      assertEquals(200, response.statusCode());
      assertTrue(Raw.arrowError(response.body()).isEmpty());
    });
  }
}
