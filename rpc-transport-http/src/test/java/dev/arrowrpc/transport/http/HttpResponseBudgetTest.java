package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's response budget ({@code VGI-Accept-Max-Response-Bytes}, docs/http-response-budgets.md
 * of the reference): the portable range and the reference's vectors, discovery before the first call
 * and failing closed without support, the header on every request, the acknowledgement on every
 * answer, and the local limit on the decoded body whatever an intermediary or a lying server does.
 */
class HttpResponseBudgetTest {
  private static final String HEADER = "VGI-Accept-Max-Response-Bytes";
  private static final String SUPPORT = "VGI-Accept-Max-Response-Bytes-Support";
  private static final long LIMIT = 65_536;
  private static final Map<?, ?> VECTORS = load();

  private final ClientServerMemory memory = new ClientServerMemory();
  private final BufferAllocator serverMemory = memory.server;
  private final BufferAllocator clientMemory = memory.client;
  private final List<AutoCloseable> open = memory.open;

  private static Map<?, ?> load() {
    try (InputStream in = HttpResponseBudgetTest.class.getResourceAsStream("/http_response_budget_vectors.json")) {
      return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  private HttpRpcServer serve(UnaryOperator<HttpRpcServer.Builder> configure) {
    RpcServer rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(serverMemory).build();
    open.add(rpc);
    HttpRpcServer http = configure.apply(HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY)).start();
    open.add(http);
    return http;
  }

  private Intermediary intermediary(HttpRpcServer upstream) throws IOException {
    Intermediary intermediary = new Intermediary(upstream.url());
    open.add(intermediary);
    return intermediary;
  }

  private StreamService connect(String url, UnaryOperator<HttpRpc.Builder> configure) {
    RpcClient client = configure.apply(HttpRpc.builder(url).allocator(clientMemory)).build();
    open.add(client);
    return client.proxy(StreamService.class);
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  // -- the builder -------------------------------------------------------------------------

  @Test
  void theBuilderRefusesLimitsOutsideThePortableRange() {
    assertEquals(9_007_199_254_740_991L, ((Number) VECTORS.get("maximum")).longValue());
    int refused = 0;
    for (Object raw : (List<?>) VECTORS.get("invalid_values")) {
      long value;
      try {
        value = Long.parseLong((String) raw);
      } catch (NumberFormatException notANumber) {
        continue; // no long spells it: the builder cannot be given it
      }
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> HttpRpc.builder("http://127.0.0.1:1").acceptMaxResponseBytes(value), () -> "accepted " + raw);
      assertTrue(error.getMessage().contains("65536") && error.getMessage().contains("9007199254740991")
          && error.getMessage().contains("unboundedResponses()"), error.getMessage());
      refused++;
    }
    assertTrue(refused >= 6, "the vectors hold numeric cases: " + refused);
  }

  @Test
  void everyValidVectorIsSentCanonicallyAndTheServerTakesIt() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    for (Object item : (List<?>) VECTORS.get("valid_values")) {
      Map<?, ?> vector = (Map<?, ?>) item;
      long value = ((Number) vector.get("value")).longValue();
      StreamService service = connect(intermediary.url(), b -> b.acceptMaxResponseBytes(value));
      assertEquals("v", service.echo("v"));
      Intermediary.Seen post = intermediary.seen("POST").get(intermediary.seen("POST").size() - 1);
      assertEquals(List.of(vector.get("raw")), post.values(HEADER));
    }
  }

  @Test
  void ourServerRefusesEveryInvalidVectorThatHttpCanCarry() throws Exception {
    HttpRpcServer server = serve(b -> b);
    byte[] body = Raw.requestBody(s -> s.echo("x"));
    int checked = 0;
    for (Object raw : (List<?>) VECTORS.get("invalid_values")) {
      String value = (String) raw;
      if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        continue; // the JDK's client sends ASCII header values only
      }
      var response = Raw.post(server.url() + "/HttpStreams/echo", body,
          Map.of("Content-Type", Responses.ARROW, HEADER, value));
      assertEquals(400, response.statusCode(), () -> "'" + value + "' was taken");
      checked++;
    }
    assertTrue(checked >= 9, "checked " + checked);
  }

  // -- discovery and the header ----------------------------------------------------------------

  @Test
  void theReferenceDefaultIsDiscoveredThenSentOnEveryRequest() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    StreamService service = connect(intermediary.url(), b -> b);
    assertEquals("hi", service.echo("hi"));
    List<Long> rows = new ArrayList<>();
    try (Producer<StreamService.Row> produced = service.count(3)) {
      produced.forEach(row -> rows.add(row.n()));
    }
    assertEquals(3, rows.size());
    try (Exchange<StreamService.Row, StreamService.Row> doubler = service.doubler()) {
      assertEquals(List.of(new StreamService.Row(4)), doubler.exchange(List.of(new StreamService.Row(2))));
      assertEquals(List.of(new StreamService.Row(6)), doubler.exchange(List.of(new StreamService.Row(3))));
    }

    Intermediary.Seen first = intermediary.seen.get(0);
    assertEquals("OPTIONS", first.method(), "the capabilities are read before the first call");
    assertEquals("/health", first.path());
    assertEquals(List.of("268435456"), first.values(HEADER));
    assertEquals(1, intermediary.seen("OPTIONS").size(), "read once while fresh (max-age)");
    List<Intermediary.Seen> posts = intermediary.seen("POST");
    assertTrue(posts.stream().filter(p -> p.path().endsWith("/init")).count() >= 2, "stream openings");
    assertTrue(posts.stream().filter(p -> p.path().endsWith("/exchange")).count() >= 3, "continuations");
    for (Intermediary.Seen post : posts) {
      assertEquals(List.of("268435456"), post.values(HEADER), post.path());
    }
  }

  @Test
  void unboundedSendsNoHeaderAndReadsNoCapabilities() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    StreamService service = connect(intermediary.url(), HttpRpc.Builder::unboundedResponses);
    assertEquals("hi", service.echo("hi"));
    try (Producer<StreamService.Row> produced = service.count(2)) {
      produced.forEach(row -> { });
    }
    assertTrue(intermediary.seen("OPTIONS").isEmpty());
    assertTrue(intermediary.seen.stream().allMatch(s -> s.values(HEADER).isEmpty()));
    // and a server without support serves it
    intermediary.rewrite = (request, reply) -> reply.with(SUPPORT);
    assertArrayEquals(random(100_000), service.echoBytes(random(100_000)));
  }

  @Test
  void aServerThatDoesNotAdvertiseSupportIsRefusedBeforeTheFirstCall() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    intermediary.rewrite = (request, reply) -> reply.with(SUPPORT);
    StreamService service = connect(intermediary.url(), b -> b);
    RpcException error = assertThrows(RpcException.class, () -> service.echo("hi"));
    assertEquals("ProtocolError", error.errorType());
    assertTrue(error.getMessage().contains("does not advertise VGI-Accept-Max-Response-Bytes support")
        && error.getMessage().contains(SUPPORT + ": true is missing from OPTIONS /health")
        && error.getMessage().contains("unboundedResponses()"), error.errorMessage());
    assertTrue(intermediary.seen("POST").isEmpty(), "nothing was posted");

    // a capability probe that fails is the same refusal
    intermediary.answer = request -> request.method().equals("OPTIONS")
        ? Optional.of(Intermediary.Reply.of(404, "text/plain", "no".getBytes(StandardCharsets.UTF_8)))
        : Optional.empty();
    RpcException probe = assertThrows(RpcException.class, () -> service.echo("hi"));
    assertEquals("ProtocolError", probe.errorType());
    assertTrue(probe.errorMessage().startsWith("Capability discovery failed with HTTP 404")
        && probe.getMessage().contains("unboundedResponses()"), probe.getMessage());
    assertTrue(intermediary.seen("POST").isEmpty(), "nothing was posted");

    // once the server advertises support, the same client calls
    intermediary.answer = request -> Optional.empty();
    intermediary.rewrite = (request, reply) -> reply;
    assertEquals("hi", service.echo("hi"));
  }

  @Test
  void everyAnswerMustAcknowledgeTheLimitExactlyOnce() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    StreamService service = connect(intermediary.url(), b -> b);
    assertEquals("a", service.echo("a"));
    for (String[] values : new String[][] {{}, {"true", "true"}, {"TRUE"}}) {
      intermediary.rewrite = (request, reply) -> request.method().equals("POST") ? reply.with(SUPPORT, values) : reply;
      RpcException error = assertThrows(RpcException.class, () -> service.echo("b"));
      assertEquals("ProtocolError", error.errorType());
      assertTrue(error.getMessage().contains("exactly one " + SUPPORT + ": true"), error.errorMessage());
    }
    intermediary.rewrite = (request, reply) -> reply;
    assertEquals("c", service.echo("c"), "the client stays usable");
  }

  @Test
  void aRefusalMustAcknowledgeTheLimitToo() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    StreamService service = connect(intermediary.url(), b -> b);
    assertEquals("a", service.echo("a"));
    Intermediary.Reply page = Intermediary.Reply.of(502, "text/html",
        "<h1>Bad Gateway</h1>".getBytes(StandardCharsets.UTF_8));

    // a proxy's page, without the acknowledgement: the server behind it was not reached
    intermediary.answer = request -> request.method().equals("POST") ? Optional.of(page) : Optional.empty();
    RpcException proxy = assertThrows(RpcException.class, () -> service.echo("b"));
    assertEquals("ProtocolError", proxy.errorType());
    assertEquals("Every capped RPC response must contain exactly one " + SUPPORT + ": true field; the HTTP 502 answer"
        + " carried none: <h1>Bad Gateway</h1>", proxy.errorMessage(), "the status and the page's text are kept");
    assertTrue(proxy.getCause() instanceof java.net.ProtocolException, "not an error the service sent");

    // the same refusal acknowledging the limit is the refusal it is
    intermediary.answer = request -> request.method().equals("POST") ? Optional.of(page.with(SUPPORT, "true"))
        : Optional.empty();
    RpcException refused = assertThrows(RpcException.class, () -> service.echo("b"));
    assertEquals("TransportError", refused.errorType());
    assertEquals("HTTP 502: <h1>Bad Gateway</h1>", refused.errorMessage());

    // a 415 is acted on only once acknowledged: unacknowledged, nothing is sent again
    int before = intermediary.seen("POST").size();
    intermediary.answer = request -> request.method().equals("POST")
        ? Optional.of(Intermediary.Reply.of(415, "text/plain", new byte[0]).with("VGI-Supported-Encodings", "gzip"))
        : Optional.empty();
    RpcException unsupported = assertThrows(RpcException.class, () -> service.echo("b"));
    assertEquals("ProtocolError", unsupported.errorType());
    assertTrue(unsupported.errorMessage().endsWith("the HTTP 415 answer carried none"), unsupported.errorMessage());
    assertEquals(before + 1, intermediary.seen("POST").size(), "sent once");

    intermediary.answer = request -> Optional.empty();
    assertEquals("c", service.echo("c"), "the client stays usable");
  }

  @Test
  void aFailedCapabilityCheckIsCausedByAProtocolException() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    intermediary.answer = request -> request.method().equals("OPTIONS")
        ? Optional.of(Intermediary.Reply.of(404, "text/plain", "no".getBytes(StandardCharsets.UTF_8)))
        : Optional.empty();
    HttpTransport transport = HttpRpc.builder(intermediary.url()).transport();
    open.add(transport);
    RpcException probe = assertThrows(RpcException.class, transport::capabilities);
    assertEquals("ProtocolError", probe.errorType());
    assertEquals("Capability discovery failed with HTTP 404", probe.errorMessage());
    assertTrue(probe.getCause() instanceof java.net.ProtocolException, String.valueOf(probe.getCause()));

    intermediary.answer = request -> Optional.empty();
    intermediary.rewrite = (request, reply) -> reply.with(SUPPORT);
    RpcException unsupported = assertThrows(RpcException.class, () -> connect(intermediary.url(), b -> b).echo("x"));
    assertEquals("ProtocolError", unsupported.errorType());
    assertTrue(unsupported.getCause() instanceof java.net.ProtocolException, String.valueOf(unsupported.getCause()));
  }

  // -- the local limit ----------------------------------------------------------------------

  @Test
  void aBodyOverTheLimitFailsLocallyWhenAnIntermediaryDropsTheHeader() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b));
    intermediary.forward = request -> request.without(HEADER);
    StreamService service = connect(intermediary.url(), b -> b.acceptMaxResponseBytes(LIMIT));
    RpcException declared = assertThrows(RpcException.class, () -> service.echoBytes(random(100_000)));
    assertEquals("ResponseTooLargeError", declared.errorType());
    int sent = intermediary.sent.get(intermediary.sent.size() - 1).body().length;
    assertTrue(sent > 100_000, "the server sent it all: " + sent);
    assertEquals("Decoded HTTP response exceeds accepted_max_response_bytes (Content-Length " + sent + " > 65536)",
        declared.errorMessage());

    intermediary.chunked = true; // no length declared: the body is counted as it is read
    RpcException counted = assertThrows(RpcException.class, () -> service.echoBytes(random(100_000)));
    assertEquals("ResponseTooLargeError", counted.errorType());
    assertEquals("Decoded HTTP response exceeds accepted_max_response_bytes (65537 > 65536)", counted.errorMessage());
    assertArrayEquals(random(60_000), service.echoBytes(random(60_000)), "the client stays usable");
  }

  /**
   * A compressed answer.
   *
   * @param coding the content coding the server chooses
   * @param compress whether the client compresses requests
   * @param gzipOnly whether the intermediary narrows the client's Accept-Encoding to gzip
   */
  private record Coded(String coding, boolean compress, boolean gzipOnly) {}

  @Test
  void theLimitCountsDecodedBytesWhateverTheContentCoding() throws Exception {
    Intermediary intermediary = intermediary(serve(b -> b.responseCompression(true)));
    byte[] zeros = new byte[300_000];
    // the zstd this client asks for first, and gzip when an intermediary narrows the offer to it, with
    // and without compressed requests: every answer is decoded by this client and counted decoded
    for (Coded c : List.of(new Coded("zstd", false, false), new Coded("gzip", false, true),
        new Coded("zstd", true, false), new Coded("gzip", true, true))) {
      String coding = c.coding();
      intermediary.forward = c.gzipOnly() ? request -> request.without(HEADER).with("Accept-Encoding", "gzip")
          : request -> request.without(HEADER);
      StreamService service = connect(intermediary.url(),
          b -> b.acceptMaxResponseBytes(LIMIT).compressRequests(c.compress()));
      RpcException error = assertThrows(RpcException.class, () -> service.echoBytes(zeros));
      assertEquals("ResponseTooLargeError", error.errorType(), coding);
      assertEquals("Decoded HTTP response exceeds accepted_max_response_bytes (65537 > 65536)", error.errorMessage());
      Intermediary.Reply last = intermediary.sent.get(intermediary.sent.size() - 1);
      assertEquals(Optional.of(coding), last.header("Content-Encoding"));
      assertTrue(last.body().length < LIMIT, coding + " on the wire: " + last.body().length);
      assertEquals("ok", service.echo("ok"), "the client stays usable");
    }
  }

  @Test
  void theServersOwnRefusalSurfacesAsTheRemoteError() {
    HttpRpcServer server = serve(b -> b);
    StreamService service = connect(server.url(), b -> b.acceptMaxResponseBytes(LIMIT));
    RpcException error = assertThrows(RpcException.class, () -> service.echoBytes(random(100_000)));
    assertEquals("ResponseTooLargeError", error.errorType());
    String fragment = (String) ((Map<?, ?>) VECTORS.get("oversize_error")).get("message_fragment");
    assertTrue(fragment.startsWith("max_response_bytes (") && error.getMessage().contains("max_response_bytes (")
        && error.getMessage().contains("echoBytes"), error.errorMessage());
    assertFalse(error.errorMessage().startsWith("Decoded HTTP response"), "the server's, not the client's");
    assertFalse(error.requestId().isEmpty(), "a remote error carries the server's request id");
    assertEquals("ok", service.echo("ok"));
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeItsBody() throws Exception {
    HttpRpcServer real = serve(b -> b);
    byte[] answer = Raw.postArrow(real.url() + "/HttpStreams/echo", Raw.requestBody(s -> s.echo("after"))).body();
    AtomicInteger posts = new AtomicInteger();
    try (ServerSocket liar = new ServerSocket(0)) {
      Thread thread = new Thread(() -> serveLies(liar, posts, answer), "content-length-liar");
      thread.setDaemon(true);
      thread.start();
      StreamService service = connect("http://127.0.0.1:" + liar.getLocalPort(),
          b -> b.acceptMaxResponseBytes(LIMIT).readTimeout(Duration.ofMinutes(1)));
      RpcException error = assertThrows(RpcException.class, () -> service.echo("before"));
      assertEquals("ResponseTooLargeError", error.errorType());
      assertEquals("Decoded HTTP response exceeds accepted_max_response_bytes (Content-Length 1099511627776 > 65536)",
          error.errorMessage());
      assertEquals("after", service.echo("again"), "the client stays usable");
      assertEquals(2, posts.get());
    }
  }

  /**
   * Answers the capability probe with support; the first call with a 1 TiB Content-Length and three
   * bytes (the connection then stays open, as if the rest were coming); later calls with {@code
   * answer}.
   */
  private static void serveLies(ServerSocket server, AtomicInteger posts, byte[] answer) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        String head;
        while ((head = Raw.readHead(in)) != null) {
          in.readNBytes(Raw.contentLength(head));
          String common = SUPPORT + ": true\r\n";
          if (head.startsWith("OPTIONS ")) {
            out.write(("HTTP/1.1 200 OK\r\n" + common + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          } else if (posts.incrementAndGet() == 1) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + Responses.ARROW + "\r\n" + common
                + "Content-Length: 1099511627776\r\n\r\nabc").getBytes(StandardCharsets.US_ASCII));
          } else {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + Responses.ARROW + "\r\n" + common + "Content-Length: "
                + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
          }
          out.flush();
        }
      } catch (IOException e) {
        // the client dropped the connection
      }
    }
  }

  // -- the counting stream ------------------------------------------------------------------

  @Test
  void theCountingStreamTakesTheLimitAndNeverAsksForMoreThanOneBytePast() throws IOException {
    byte[] exact = new byte[(int) LIMIT];
    try (InputStream in = new ResponseCap.Bounded(new ByteArrayInputStream(exact), LIMIT)) {
      assertEquals(LIMIT, in.readAllBytes().length, "a body of exactly the limit passes");
    }
    AtomicInteger asked = new AtomicInteger();
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        asked.incrementAndGet();
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        asked.addAndGet(len);
        return len;
      }
    };
    try (InputStream in = new ResponseCap.Bounded(endless, LIMIT)) {
      RpcException error = assertThrows(RpcException.class, in::readAllBytes);
      assertEquals("ResponseTooLargeError", error.errorType());
      assertEquals(LIMIT + 1, asked.get(), "bytes asked of the source");
      assertThrows(RpcException.class, in::read, "and it stays failed");
    }
  }
}
