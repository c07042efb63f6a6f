package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request compression negotiated as the reference's client negotiates it: the coding chosen from
 * the server's {@code VGI-Supported-Encodings}, the codings offered for the answer, the configured
 * zstd level, and a 415 refusal answered by sending the body again with a coding the server named,
 * or uncompressed; except that a body under {@link HttpTransport#MIN_COMPRESSED_BYTES} goes as it
 * is. The tests of codings use bodies over that threshold.
 */
class HttpRequestCompressionTest {
  private static final String SUPPORTED = "VGI-Supported-Encodings";

  private final ClientServerMemory memory = new ClientServerMemory();
  private final BufferAllocator serverMemory = memory.server;
  private final BufferAllocator clientMemory = memory.client;
  private final List<AutoCloseable> open = memory.open;

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  /** Our server, with or without response compression, behind an intermediary. */
  private Intermediary serve(boolean responseCompression) throws IOException {
    RpcServer rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(serverMemory).build();
    open.add(rpc);
    HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY).responseCompression(responseCompression)
        .start();
    open.add(http);
    Intermediary intermediary = new Intermediary(http.url());
    open.add(intermediary);
    return intermediary;
  }

  private StreamService connect(Intermediary intermediary, UnaryOperator<HttpRpc.Builder> configure) {
    RpcClient client = configure.apply(HttpRpc.builder(intermediary.url()).allocator(clientMemory)).build();
    open.add(client);
    return client.proxy(StreamService.class);
  }

  /** A text whose echo request is well over the compression threshold, starting with a tag. */
  private static String large(String tag) {
    return tag + ": " + "the quick brown fox jumps over the lazy dog; ".repeat(60);
  }

  private static Optional<String> coding(Intermediary.Seen request) {
    return request.header("Content-Encoding");
  }

  private static List<Optional<String>> postCodings(Intermediary intermediary) {
    return intermediary.seen("POST").stream().map(HttpRequestCompressionTest::coding).toList();
  }

  /**
   * A 415 the intermediary gives itself, standing in for the server, to compressed requests that
   * match, naming the codings; it acknowledges the response budget, as a server stamps its
   * capability headers on every answer.
   */
  private static void refuse(Intermediary intermediary, Predicate<String> coding, Optional<String> supported) {
    intermediary.answer = request -> {
      if (!request.method().equals("POST") || coding(request).filter(coding).isEmpty()) {
        return Optional.empty();
      }
      Intermediary.Reply reply = Intermediary.Reply.of(415, "application/json",
          "{\"title\": \"Unsupported Content-Encoding\"}".getBytes(StandardCharsets.UTF_8))
          .with(ResponseCap.SUPPORT_HEADER, "true");
      return Optional.of(supported.map(value -> reply.with(SUPPORTED, value)).orElse(reply));
    };
  }

  @Test
  void byDefaultSmallRequestsGoAsTheyAreAndLargerOnesAsZstdAtLevelOne() throws Exception {
    Intermediary intermediary = serve(true);
    StreamService service = connect(intermediary, b -> b);
    assertEquals("small", service.echo("small"));
    Intermediary.Seen small = intermediary.seen("POST").get(0);
    byte[] smallPlain = Raw.requestBody(s -> s.echo("small"));
    assertTrue(smallPlain.length < HttpTransport.MIN_COMPRESSED_BYTES, "a call's request: " + smallPlain.length);
    assertEquals(Optional.empty(), coding(small), "under the threshold: no Content-Encoding");
    assertArrayEquals(smallPlain, small.body(), "the request as it is");
    assertEquals(Optional.of("zstd, gzip"), small.header("Accept-Encoding"),
        "this client's offer (zstd first), not OkHttp's gzip alone");

    String text = large("large");
    assertEquals(text, service.echo(text));
    Intermediary.Seen post = intermediary.seen("POST").get(1);
    assertEquals(Optional.of("zstd"), coding(post), "the reference's http_connect default: compression_level=1");
    byte[] plain = Raw.requestBody(s -> s.echo(text));
    assertTrue(plain.length >= HttpTransport.MIN_COMPRESSED_BYTES);
    assertArrayEquals(Zstd.compress(plain, 1), post.body(), "the whole request, at level 1");
    assertEquals(Optional.of("zstd, gzip"), post.header("Accept-Encoding"));

    // the contexts are reused, request after request, and each frame is still zstd's own
    for (int i = 0; i < 3; i++) {
      String again = large("again " + i);
      assertEquals(again, service.echo(again));
      byte[] sent = intermediary.seen("POST").get(2 + i).body();
      assertArrayEquals(Zstd.compress(Raw.requestBody(s -> s.echo(again)), 1), sent, "request " + i);
    }
  }

  @Test
  void theThresholdIsOneKibibyteOfRequest() throws Exception {
    Intermediary intermediary = serve(true);
    for (boolean compress : new boolean[] {true, false}) {
      try (HttpTransport transport = HttpRpc.builder(intermediary.url()).compressRequests(compress).transport()) {
        for (int size : new int[] {0, HttpTransport.MIN_COMPRESSED_BYTES - 1, HttpTransport.MIN_COMPRESSED_BYTES}) {
          byte[] body = new byte[size];
          // not an Arrow stream: the server refuses it, which is beside the point here
          transport.post("StreamService/echo", body).close();
          Intermediary.Seen post = intermediary.seen("POST").get(intermediary.seen("POST").size() - 1);
          boolean compressed = compress && size >= HttpTransport.MIN_COMPRESSED_BYTES;
          assertEquals(compressed ? Optional.of("zstd") : Optional.empty(), coding(post), size + " bytes");
          assertArrayEquals(compressed ? Zstd.compress(body, 1) : body, post.body(), size + " bytes");
        }
      }
    }
    assertEquals(1024, HttpTransport.MIN_COMPRESSED_BYTES);
  }

  @Test
  void turnedOffRequestsGoAsTheyAre() throws Exception {
    Intermediary intermediary = serve(true);
    assertEquals("plain", connect(intermediary, b -> b.compressRequests(false)).echo("plain"));
    Intermediary.Seen post = intermediary.seen("POST").get(0);
    assertEquals(Optional.empty(), coding(post));
    assertArrayEquals(Raw.requestBody(s -> s.echo("plain")), post.body());
    assertEquals(Optional.of("zstd, gzip"), post.header("Accept-Encoding"), "the answer's codings are still offered");

    // a level set before stays when compression is turned on again, and off forgets it
    String again = large("again");
    assertEquals(again, connect(intermediary, b -> b.compressRequests(7).compressRequests(true)).echo(again));
    byte[] sent = intermediary.seen("POST").get(1).body();
    assertArrayEquals(Zstd.compress(Raw.requestBody(s -> s.echo(again)), 7), sent);
    String off = large("off");
    assertEquals(off, connect(intermediary, b -> b.compressRequests(7).compressRequests(false)).echo(off));
    assertEquals(Optional.empty(), coding(intermediary.seen("POST").get(2)));
    assertArrayEquals(Raw.requestBody(s -> s.echo(off)), intermediary.seen("POST").get(2).body());
  }

  @Test
  void turnedOnOrAtALevelSmallRequestsStillGoAsTheyAre() throws Exception {
    Intermediary intermediary = serve(true);
    assertEquals("on", connect(intermediary, b -> b.compressRequests(true)).echo("on"));
    assertEquals("level", connect(intermediary, b -> b.compressRequests(19)).echo("level"));
    assertEquals(List.of(Optional.empty(), Optional.empty()), postCodings(intermediary));
    assertArrayEquals(Raw.requestBody(s -> s.echo("level")), intermediary.seen("POST").get(1).body());
  }

  @Test
  void aConfiguredAcceptEncodingStandsAsGiven() throws Exception {
    Intermediary intermediary = serve(true);
    assertEquals("plain", connect(intermediary, b -> b.header("Accept-Encoding", "identity")).echo("plain"));
    assertEquals(Optional.of("identity"), intermediary.seen("POST").get(0).header("Accept-Encoding"));
  }

  @Test
  void theServersFirstCodingIsUsedAndBothAreOfferedForTheAnswer() throws Exception {
    Intermediary intermediary = serve(true);
    StreamService service = connect(intermediary, b -> b.compressRequests(true));
    assertEquals(large("zstd please"), service.echo(large("zstd please")));
    Intermediary.Seen post = intermediary.seen("POST").get(0);
    assertEquals(Optional.of("zstd"), coding(post));
    assertEquals(Optional.of("zstd, gzip"), post.header("Accept-Encoding"));
    assertEquals(Optional.of("zstd"), intermediary.sent.get(intermediary.sent.size() - 1).header("Content-Encoding"),
        "the answer came in zstd and was decoded");

    // a server that lists gzip only gets gzip, and its gzip answer is decoded by this client
    intermediary.rewrite = (request, reply) -> request.method().equals("OPTIONS") ? reply.with(SUPPORTED, "gzip") : reply;
    intermediary.forward = request -> request.with("Accept-Encoding", "gzip");
    StreamService gzipOnly = connect(intermediary, b -> b.compressRequests(true));
    assertEquals(large("gzip please"), gzipOnly.echo(large("gzip please")));
    Intermediary.Seen gzipPost = intermediary.seen("POST").get(intermediary.seen("POST").size() - 1);
    assertEquals(Optional.of("gzip"), coding(gzipPost));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipPost.body()))) {
      assertArrayEquals(Raw.requestBody(s -> s.echo(large("gzip please"))), in.readAllBytes(), "a gzip body");
    }
    assertEquals(Optional.of("gzip"), intermediary.sent.get(intermediary.sent.size() - 1).header("Content-Encoding"));
  }

  @Test
  void anEmptyAdvertisementStillGetsZstdAsTheReferenceSendsIt() throws Exception {
    Intermediary intermediary = serve(false); // advertises VGI-Supported-Encodings empty, decodes anyway
    assertEquals(Optional.of(""), Raw.header(Raw.get(intermediary.url() + "/health", java.util.Map.of()), SUPPORTED)
        .map(String::strip));
    assertEquals(large("x"), connect(intermediary, b -> b.compressRequests(true)).echo(large("x")));
    assertEquals(List.of(Optional.of("zstd")), postCodings(intermediary));
  }

  @Test
  void theConfiguredLevelIsApplied() throws Exception {
    Intermediary intermediary = serve(true);
    String text = "the quick brown fox jumps over the lazy dog, ".repeat(50) + "and then some more words ".repeat(40);
    byte[][] bodies = new byte[2][];
    int[] levels = {1, 19};
    for (int i = 0; i < levels.length; i++) {
      int level = levels[i];
      assertEquals(text, connect(intermediary, b -> b.compressRequests(level)).echo(text));
      byte[] sent = intermediary.seen("POST").get(intermediary.seen("POST").size() - 1).body();
      byte[] plain = Zstd.decompress(sent, (int) Zstd.getFrameContentSize(sent));
      assertArrayEquals(Zstd.compress(plain, level), sent, "zstd level " + level);
      bodies[i] = sent;
    }
    assertFalse(java.util.Arrays.equals(bodies[0], bodies[1]), "the two levels encode differently");
    assertThrows(IllegalArgumentException.class, () -> HttpRpc.builder("http://127.0.0.1:1").compressRequests(99));
  }

  @Test
  void aRefusalNamingGzipIsSentAgainWithGzipAndRemembered() throws Exception {
    Intermediary intermediary = serve(true);
    refuse(intermediary, "zstd"::equals, Optional.of("gzip"));
    StreamService service = connect(intermediary, b -> b.compressRequests(true));
    assertEquals(large("first"), service.echo(large("first")));
    assertEquals(List.of(Optional.of("zstd"), Optional.of("gzip")), postCodings(intermediary));
    assertEquals(large("second"), service.echo(large("second")));
    assertEquals(large("third"), service.echo(large("third")));
    List<Optional<String>> later = postCodings(intermediary).subList(2, postCodings(intermediary).size());
    assertEquals(List.of(Optional.of("gzip"), Optional.of("gzip")), later, "remembered");
    // a stream's requests keep to it too (its small opening request going as it is)
    try (Producer<StreamService.Row> rows = service.count(2)) {
      rows.forEach(row -> { });
    }
    List<Optional<String>> stream = postCodings(intermediary).subList(4, postCodings(intermediary).size());
    assertEquals(Optional.empty(), stream.get(0), stream.toString());
    assertTrue(stream.size() >= 2 && stream.stream().allMatch(c -> c.isEmpty() || c.equals(Optional.of("gzip"))),
        stream.toString());
  }

  @Test
  void aRefusalNamingNothingIsSentAgainUncompressed() throws Exception {
    Intermediary intermediary = serve(true);
    refuse(intermediary, coding -> true, Optional.of(""));
    StreamService service = connect(intermediary, b -> b.compressRequests(true));
    assertEquals(large("first"), service.echo(large("first")));
    assertEquals(large("second"), service.echo(large("second")));
    assertEquals(List.of(Optional.of("zstd"), Optional.empty(), Optional.empty()), postCodings(intermediary));
  }

  @Test
  void aRefusalThatNamesNoCodingsStands() throws Exception {
    Intermediary intermediary = serve(true);
    refuse(intermediary, coding -> true, Optional.empty());
    StreamService service = connect(intermediary, b -> b.compressRequests(true));
    RpcException error = assertThrows(RpcException.class, () -> service.echo(large("first")));
    assertEquals("TransportError", error.errorType());
    assertTrue(error.errorMessage().startsWith("HTTP 415"), error.errorMessage());
    assertEquals(List.of(Optional.of("zstd")), postCodings(intermediary), "sent once");

    intermediary.answer = request -> Optional.empty();
    assertEquals("usable", service.echo("usable"));
  }

  @Test
  void aRefusalOfABodySentAsItIsStandsAndLaterLargeBodiesAreStillCompressed() throws Exception {
    Intermediary intermediary = serve(true);
    // a 415 naming codings, for a small body that went uncompressed: nothing to change, so it stands
    intermediary.answer = request -> request.method().equals("POST") && coding(request).isEmpty()
        ? Optional.of(Intermediary.Reply.of(415, "application/json",
            "{\"title\": \"Unsupported Media Type\"}".getBytes(StandardCharsets.UTF_8))
            .with(ResponseCap.SUPPORT_HEADER, "true").with(SUPPORTED, "zstd, gzip"))
        : Optional.empty();
    StreamService service = connect(intermediary, b -> b);
    RpcException error = assertThrows(RpcException.class, () -> service.echo("small"));
    assertEquals("TransportError", error.errorType());
    assertTrue(error.errorMessage().startsWith("HTTP 415"), error.errorMessage());
    assertEquals(List.of(Optional.empty()), postCodings(intermediary), "sent once, as it was");
    assertEquals(large("large"), service.echo(large("large")), "a large body goes compressed and passes");
    assertEquals(List.of(Optional.empty(), Optional.of("zstd")), postCodings(intermediary));
  }
}
