package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.StreamService.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the server puts on the wire: statuses, headers, refusals, encodings, pages. */
class HttpProtocolTest {
  private static final long LIMIT = 1 << 20;

  private HttpHarness harness;
  private String url;

  @BeforeEach
  void start() {
    harness = new HttpHarness(StreamService.class, new StreamService.Impl(), b -> b.maxRequestBytes(LIMIT), c -> c);
    url = harness.http().url();
  }

  @AfterEach
  void stop() {
    assertEquals(0, harness.serverBytes(), "server allocator");
    harness.close();
  }

  private static byte[] echo(String value) {
    return Raw.requestBody(s -> s.echo(value));
  }

  private static void assertCapabilities(HttpResponse<?> response) {
    assertEquals("", Raw.header(response, "VGI-Supported-Encodings").orElseThrow(), "present but empty");
    assertEquals(Long.toString(LIMIT), Raw.header(response, "VGI-Max-Request-Bytes").orElseThrow());
    assertEquals("false", Raw.header(response, "VGI-Externalization-Enabled").orElseThrow());
    assertTrue(Raw.header(response, "X-Request-ID").isPresent());
  }

  @Test
  void healthAnswersGetHeadAndOptionsWithCapabilities() {
    HttpResponse<byte[]> get = Raw.get(url + "/health", Map.of());
    assertEquals(200, get.statusCode());
    assertEquals("application/json", Raw.header(get, "Content-Type").orElseThrow());
    Map<?, ?> body = (Map<?, ?>) Json.parse(Raw.text(get));
    assertEquals("ok", body.get("status"));
    assertEquals(harness.server().serverId(), body.get("server_id"));
    assertEquals("HttpStreams", body.get("protocol"));
    assertCapabilities(get);
    HttpResponse<byte[]> head = Raw.send("HEAD", url + "/health", null, Map.of());
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    HttpResponse<byte[]> options = Raw.send("OPTIONS", url + "/health", null, Map.of());
    assertEquals(200, options.statusCode());
    assertEquals("public, max-age=300", Raw.header(options, "Cache-Control").orElseThrow());
    assertCapabilities(options);
  }

  @Test
  void requestIdsAreEchoedOrMintedUniquely() {
    HttpResponse<byte[]> mine = Raw.post(url + "/HttpStreams/echo", echo("x"),
        Map.of("Content-Type", Responses.ARROW, "X-Request-ID", "caller-chosen-id-42"));
    assertEquals("caller-chosen-id-42", Raw.header(mine, "X-Request-ID").orElseThrow());
    String first = Raw.header(Raw.postArrow(url + "/HttpStreams/echo", echo("x")), "X-Request-ID").orElseThrow();
    String second = Raw.header(Raw.postArrow(url + "/HttpStreams/echo", echo("x")), "X-Request-ID").orElseThrow();
    assertTrue(first.matches("[0-9a-f]{16}"), first);
    assertNotEquals(first, second);
    HttpResponse<byte[]> failing = Raw.post(url + "/HttpStreams/raise", Raw.requestBody(s -> s.raise("value")),
        Map.of("Content-Type", Responses.ARROW, "X-Request-ID", "failing-call-7"));
    assertEquals("failing-call-7", Raw.arrowError(failing.body()).orElseThrow().requestId(),
        "the error batch names the same request");
  }

  @Test
  void theErrorFlagMarksMethodErrorsOnly() {
    for (String kind : List.of("value", "type", "runtime")) {
      HttpResponse<byte[]> failed = Raw.postArrow(url + "/HttpStreams/raise", Raw.requestBody(s -> s.raise(kind)));
      assertEquals(200, failed.statusCode(), "a method error is a 200");
      assertEquals("true", Raw.header(failed, "X-VGI-RPC-Error").orElseThrow());
      assertTrue(Raw.arrowError(failed.body()).isPresent());
    }
    HttpResponse<byte[]> ok = Raw.postArrow(url + "/HttpStreams/echo", echo("fine"));
    assertEquals(200, ok.statusCode());
    assertFalse(Raw.header(ok, "X-VGI-RPC-Error").isPresent());
    assertTrue(Raw.arrowError(ok.body()).isEmpty());
  }

  @Test
  void aBodyThatIsNotArrowIsRefusedWith415() {
    HttpResponse<byte[]> wrong = Raw.post(url + "/HttpStreams/echo", echo("x"), Map.of("Content-Type", "application/json"));
    assertEquals(415, wrong.statusCode());
    assertEquals(Responses.ARROW, Raw.header(wrong, "Content-Type").orElseThrow());
    RpcException error = Raw.arrowError(wrong.body()).orElseThrow();
    assertEquals("TypeError", error.errorType());
    assertTrue(error.errorMessage().contains("Expected Content-Type"), error.errorMessage());
    assertCapabilities(wrong);
  }

  @Test
  void unknownMethodsPathsAndVerbs() {
    HttpResponse<byte[]> unknown = Raw.postArrow(url + "/HttpStreams/nope", echo("x"));
    assertEquals(404, unknown.statusCode());
    RpcException error = Raw.arrowError(unknown.body()).orElseThrow();
    assertEquals("MethodNotImplementedError", error.errorType());
    assertEquals("method_not_implemented", error.errorKind().orElseThrow());
    assertEquals(404, Raw.postArrow(url + "/HttpStreams/nope/exchange", echo("x")).statusCode());
    HttpResponse<byte[]> page = Raw.get(url + "/no/such/page", Map.of());
    assertEquals(404, page.statusCode());
    assertTrue(Raw.text(page).contains("HttpStreams"));
    assertEquals(405, Raw.get(url + "/HttpStreams/echo", Map.of()).statusCode());
    HttpResponse<byte[]> streamOnUnary = Raw.postArrow(url + "/HttpStreams/count", Raw.requestBody(s -> s.count(1)));
    assertEquals(400, streamOnUnary.statusCode());
    assertEquals("TypeError", Raw.arrowError(streamOnUnary.body()).orElseThrow().errorType());
    HttpResponse<byte[]> unaryOnInit = Raw.postArrow(url + "/HttpStreams/echo/init", echo("x"));
    assertEquals(400, unaryOnInit.statusCode());
    HttpResponse<byte[]> mismatch = Raw.postArrow(url + "/HttpStreams/whoami", echo("x"));
    assertEquals(400, mismatch.statusCode(), "the URL and the request must name the same method");
    HttpResponse<byte[]> garbage = Raw.postArrow(url + "/HttpStreams/echo", "not arrow at all".getBytes());
    assertEquals(400, garbage.statusCode());
    assertEquals("ProtocolError", Raw.arrowError(garbage.body()).orElseThrow().errorType());
    // token introspection is a protocol now (vgi_rpc.Identity.v2), not a route of its own
    HttpResponse<byte[]> introspect = Raw.postArrow(url + "/__introspect_token__", echo("x"));
    assertEquals(404, introspect.statusCode());
    assertEquals("method_not_implemented", Raw.arrowError(introspect.body()).orElseThrow().errorKind().orElseThrow());
  }

  @Test
  void routesNameTheProtocolAndMustAgreeWithTheRequest() {
    HttpResponse<byte[]> elsewhere = Raw.postArrow(url + "/Reports.v1/echo", echo("x"));
    assertEquals(404, elsewhere.statusCode());
    assertEquals("protocol_not_supported", Raw.arrowError(elsewhere.body()).orElseThrow().errorKind().orElseThrow());
    HttpResponse<byte[]> encoded = Raw.postArrow(url + "/Http%53treams/echo", echo("x"));
    assertEquals(404, encoded.statusCode(), "a percent sign in the protocol segment is never decoded");
    assertEquals(404, Raw.get(url + "/Reports.v1/echo", Map.of()).statusCode(), "GET to a protocol not hosted");
    HttpResponse<byte[]> disagreeing = Raw.postArrow(url + "/vgi_rpc.Reflection.v1/list_protocols", echo("x"));
    assertEquals(400, disagreeing.statusCode(), "the path and vgi_rpc.protocol name different protocols");
    assertEquals("protocol_not_supported",
        Raw.arrowError(disagreeing.body()).orElseThrow().errorKind().orElseThrow());
    assertEquals(200, Raw.postArrow(url + "/HttpStreams/echo", echo("x")).statusCode());
  }

  @Test
  void responseBudgetsAreAdvertisedValidatedAndEnforced() {
    HttpResponse<byte[]> health = Raw.get(url + "/health", Map.of());
    assertEquals("true", Raw.header(health, "VGI-Accept-Max-Response-Bytes-Support").orElseThrow());
    for (String bad : List.of("0", "65535", "01", "+70000", "1, 2", "9007199254740992")) {
      HttpResponse<byte[]> refused = Raw.post(url + "/HttpStreams/echo", echo("x"),
          Map.of("Content-Type", Responses.ARROW, "VGI-Accept-Max-Response-Bytes", bad));
      assertEquals(400, refused.statusCode(), bad);
    }
    byte[] big = Raw.requestBody(s -> s.echoBytes(new byte[100_000]));
    HttpResponse<byte[]> fits = Raw.post(url + "/HttpStreams/echoBytes", big,
        Map.of("Content-Type", Responses.ARROW, "VGI-Accept-Max-Response-Bytes", "1000000"));
    assertEquals(200, fits.statusCode());
    assertTrue(Raw.header(fits, "X-VGI-RPC-Error").isEmpty());
    HttpResponse<byte[]> over = Raw.post(url + "/HttpStreams/echoBytes", big,
        Map.of("Content-Type", Responses.ARROW, "VGI-Accept-Max-Response-Bytes", "65536"));
    assertEquals(200, over.statusCode());
    assertEquals("true", Raw.header(over, "X-VGI-RPC-Error").orElseThrow());
    RpcException error = Raw.arrowError(over.body()).orElseThrow();
    assertEquals("ResponseTooLargeError", error.errorType());
    assertTrue(error.errorMessage().contains("max_response_bytes ("), error.errorMessage());
    assertTrue(error.errorMessage().contains("> 65536) for method 'echoBytes'"), error.errorMessage());
  }

  @Test
  void aStreamTurnWithForgedOrMissingTokensIsA400() {
    byte[] noTokens = Raw.requestBody(s -> s.echo("x"));
    HttpResponse<byte[]> missing = Raw.postArrow(url + "/HttpStreams/count/exchange", noTokens);
    assertEquals(400, missing.statusCode());
    assertTrue(Raw.arrowError(missing.body()).orElseThrow().errorMessage().contains("no stream tokens"));
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    }
    return out.toByteArray();
  }

  @Test
  void compressedRequestBodiesAreDecoded() throws IOException {
    String payload = "compressible ".repeat(5000);
    for (String codec : List.of("zstd", "gzip")) {
      byte[] plain = echo(payload);
      byte[] body = codec.equals("zstd") ? Zstd.compress(plain, 3) : gzip(plain);
      HttpResponse<byte[]> response = Raw.post(url + "/HttpStreams/echo", body,
          Map.of("Content-Type", Responses.ARROW, "Content-Encoding", codec));
      assertEquals(200, response.statusCode(), codec);
      assertTrue(Raw.arrowError(response.body()).isEmpty());
      assertFalse(Raw.header(response, "Content-Encoding").isPresent(), "responses stay uncompressed by default");
    }
    HttpResponse<byte[]> brotli = Raw.post(url + "/HttpStreams/echo", echo("x"),
        Map.of("Content-Type", Responses.ARROW, "Content-Encoding", "br"));
    assertEquals(415, brotli.statusCode());
    assertTrue(Raw.text(brotli).contains("Unsupported Content-Encoding"));
    assertCapabilities(brotli);
    HttpResponse<byte[]> corrupt = Raw.post(url + "/HttpStreams/echo", "definitely not zstd".getBytes(),
        Map.of("Content-Type", Responses.ARROW, "Content-Encoding", "zstd"));
    assertEquals(400, corrupt.statusCode());
    assertTrue(Raw.text(corrupt).contains("Decompression Error"), Raw.text(corrupt));
  }

  @Test
  void oversizedBodiesAndDecompressionBombsGet413() {
    HttpResponse<byte[]> big = Raw.postArrow(url + "/HttpStreams/echoBytes", Raw.requestBody(s -> s.echoBytes(new byte[(int) LIMIT + 1])));
    assertEquals(413, big.statusCode());
    assertTrue(Raw.text(big).contains("max_request_bytes"), Raw.text(big));
    assertCapabilities(big);
    // 128 MiB of zeros in a few kilobytes: stopped once the decoded bytes pass the limit
    byte[] bomb = Zstd.compress(Raw.requestBody(s -> s.echoBytes(new byte[128 << 20])), 3);
    assertTrue(bomb.length < 64 * 1024, "the bomb is small: " + bomb.length);
    long started = System.nanoTime();
    HttpResponse<byte[]> exploded = Raw.post(url + "/HttpStreams/echoBytes", bomb,
        Map.of("Content-Type", Responses.ARROW, "Content-Encoding", "zstd"));
    assertEquals(413, exploded.statusCode());
    assertTrue(Raw.text(exploded).contains("decodes to more than"), Raw.text(exploded));
    assertTrue(System.nanoTime() - started < 5_000_000_000L, "refused without inflating the whole body");
    assertEquals(200, Raw.postArrow(url + "/HttpStreams/echo", echo("after")).statusCode());
  }

  @Test
  void theClientSeesRefusalsAsTypedErrorsAndCanCompressItsRequests() {
    RpcException tooLarge = assertThrows(RpcException.class,
        () -> harness.proxy(StreamService.class).echoBytes(new byte[(int) LIMIT * 2]));
    assertEquals("PayloadTooLarge", tooLarge.errorType());
    assertTrue(tooLarge.errorMessage().startsWith("HTTP 413: "), tooLarge.errorMessage());
    try (RpcClient compressing = HttpRpc.builder(url).compressRequests(true).build()) {
      StreamService service = compressing.proxy(StreamService.class);
      byte[] zeros = new byte[(int) LIMIT / 2];
      assertArrayEquals(zeros, service.echoBytes(zeros));
      List<Long> seen = new ArrayList<>();
      try (Producer<Row> rows = service.count(3)) {
        rows.forEach(r -> seen.add(r.n()));
      }
      assertEquals(List.of(0L, 1L, 2L), seen);
    }
  }

  @Test
  void landingAndDescribePagesListTheService() {
    HttpResponse<byte[]> landing = Raw.get(url + "/", Map.of());
    assertEquals(200, landing.statusCode());
    assertTrue(Raw.header(landing, "Content-Type").orElseThrow().startsWith("text/html"));
    assertTrue(Raw.text(landing).contains("HttpStreams"));
    assertTrue(Raw.text(landing).contains(harness.server().serverId()));
    HttpResponse<byte[]> describe = Raw.get(url + "/describe", Map.of());
    assertEquals(200, describe.statusCode());
    String page = Raw.text(describe);
    for (String expected : List.of("echoBytes", "accumulate", "Parameters", "Result", "Output rows", "Input rows",
        "Stream header", "title", "sum", "turns", "binary", "float64")) {
      assertTrue(page.contains(expected), expected);
    }
  }

  @Test
  void corsIsOffUnlessConfigured() {
    HttpResponse<byte[]> preflight = Raw.send("OPTIONS", url + "/HttpStreams/echo", null,
        Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "POST"));
    assertFalse(Raw.header(preflight, "Access-Control-Allow-Origin").isPresent());
    HttpResponse<byte[]> call = Raw.post(url + "/HttpStreams/echo", echo("x"),
        Map.of("Content-Type", Responses.ARROW, "Origin", "https://app.example"));
    assertFalse(Raw.header(call, "Access-Control-Allow-Origin").isPresent());
    assertFalse(Raw.header(call, "Cross-Origin-Resource-Policy").isPresent());
  }

  @Test
  void corsWhenConfigured() {
    try (HttpHarness cors = new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> b.cors("https://app.example"), c -> c)) {
      String base = cors.http().url();
      HttpResponse<byte[]> preflight = Raw.send("OPTIONS", base + "/HttpStreams/echo", null, Map.of("Origin", "https://app.example",
          "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, vgi-session"));
      assertEquals(204, preflight.statusCode());
      assertEquals("https://app.example", Raw.header(preflight, "Access-Control-Allow-Origin").orElseThrow());
      assertTrue(Raw.header(preflight, "Access-Control-Allow-Methods").orElseThrow().contains("POST"));
      assertEquals("content-type, vgi-session", Raw.header(preflight, "Access-Control-Allow-Headers").orElseThrow());
      assertEquals("7200", Raw.header(preflight, "Access-Control-Max-Age").orElseThrow());
      String exposed = Raw.header(preflight, "Access-Control-Expose-Headers").orElseThrow().toLowerCase();
      for (String name : List.of("x-vgi-rpc-error", "vgi-auth-reason", "x-request-id", "vgi-supported-encodings",
          "vgi-max-request-bytes", "vgi-externalization-enabled")) {
        assertTrue(exposed.contains(name), name);
      }
      HttpResponse<byte[]> call = Raw.post(base + "/HttpStreams/echo", echo("x"),
          Map.of("Content-Type", Responses.ARROW, "Origin", "https://app.example"));
      assertEquals("https://app.example", Raw.header(call, "Access-Control-Allow-Origin").orElseThrow());
      assertEquals("cross-origin", Raw.header(call, "Cross-Origin-Resource-Policy").orElseThrow());
      HttpResponse<byte[]> stranger = Raw.post(base + "/HttpStreams/echo", echo("x"),
          Map.of("Content-Type", Responses.ARROW, "Origin", "https://evil.example"));
      assertFalse(Raw.header(stranger, "Access-Control-Allow-Origin").isPresent());
    }
  }

  @Test
  void responsesAreCompressedOnlyWhenEnabledAndAskedFor() {
    try (HttpHarness compressing = new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> b.responseCompression(true), c -> c)) {
      String base = compressing.http().url();
      byte[] request = echo("squeeze me ".repeat(2000));
      HttpResponse<byte[]> custom = Raw.post(base + "/HttpStreams/echo", request,
          Map.of("Content-Type", Responses.ARROW, "X-VGI-Accept-Encoding", "zstd"));
      assertEquals("zstd, gzip", Raw.header(custom, "VGI-Supported-Encodings").orElseThrow());
      assertEquals("zstd", Raw.header(custom, "X-VGI-Content-Encoding").orElseThrow(),
          "chosen through the custom header only");
      byte[] decoded = Zstd.decompress(custom.body(), (int) Zstd.getFrameContentSize(custom.body()));
      assertTrue(Raw.arrowError(decoded).isEmpty());
      HttpResponse<byte[]> identity = Raw.post(base + "/HttpStreams/echo", request,
          Map.of("Content-Type", Responses.ARROW, "X-VGI-Accept-Encoding", "identity, zstd"));
      assertFalse(Raw.header(identity, "X-VGI-Content-Encoding").isPresent());
      assertFalse(Raw.header(identity, "Content-Encoding").isPresent());
      try (RpcClient client = HttpRpc.connect(base)) {
        assertEquals("through gzip", client.proxy(StreamService.class).echo("through gzip"));
      }
    }
  }
}
