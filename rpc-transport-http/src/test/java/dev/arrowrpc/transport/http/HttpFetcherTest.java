package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fetch-safety rules: per-hop URL policy, bounded redirects, independent encoded and decoded caps. */
class HttpFetcherTest {
  private HttpServer server;
  private String base;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final byte[] small = "small object".getBytes();
  private final byte[] large = new byte[5000];
  private final byte[] inflating = new byte[20_000];

  @BeforeEach
  void start() throws IOException {
    Arrays.fill(large, (byte) 7);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::serve);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    switch (path) {
      case "/small" -> send(exchange, 200, small, null);
      case "/large" -> send(exchange, 200, large, null);
      case "/zstd" -> send(exchange, 200, Zstd.compress(inflating), "zstd");
      case "/redirect" -> redirect(exchange, base + "/small");
      case "/loop" -> redirect(exchange, base + "/loop");
      case "/to-localhost" -> redirect(exchange, base.replace("127.0.0.1", "localhost") + "/small");
      default -> send(exchange, 404, new byte[0], null);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String coding) throws IOException {
    if (coding != null) {
      exchange.getResponseHeaders().add("Content-Encoding", coding);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void redirect(HttpExchange exchange, String target) throws IOException {
    exchange.getResponseHeaders().add("Location", target);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private int hitsOf(String path) {
    AtomicInteger count = hits.get(path);
    return count == null ? 0 : count.get();
  }

  @Test
  void fetchesAndFollowsAnAllowedRedirect() throws IOException {
    HttpFetcher fetcher = HttpFetcher.builder().policy(HttpFetcher.UrlPolicy.hostOnly("127.0.0.1")).build();
    assertArrayEquals(small, fetcher.fetch(base + "/small"));
    assertArrayEquals(small, fetcher.fetch(base + "/redirect"));
  }

  @Test
  void aRefusedRedirectTargetIsNeverRequested() {
    HttpFetcher fetcher = HttpFetcher.builder().policy(HttpFetcher.UrlPolicy.hostOnly("127.0.0.1")).build();
    int before = hitsOf("/small");
    IOException error = assertThrows(IOException.class, () -> fetcher.fetch(base + "/to-localhost"));
    assertTrue(error.getMessage().contains("URL rejected"), error.getMessage());
    assertEquals(before, hitsOf("/small"));
  }

  @Test
  void redirectsAreBounded() {
    HttpFetcher fetcher = HttpFetcher.builder().maxRedirects(3).build();
    IOException error = assertThrows(IOException.class, () -> fetcher.fetch(base + "/loop"));
    assertTrue(error.getMessage().contains("redirect limit"), error.getMessage());
    assertEquals(4, hitsOf("/loop"));
  }

  @Test
  void theEncodedCapStopsALargeBody() {
    HttpFetcher fetcher = HttpFetcher.builder().maxFetchBytes(4096).build();
    IOException error = assertThrows(IOException.class, () -> fetcher.fetch(base + "/large"));
    assertTrue(error.getMessage().contains("max_fetch_bytes"), error.getMessage());
  }

  @Test
  void theDecodedCapIsIndependentOfTheEncodedOne() throws IOException {
    HttpFetcher capped = HttpFetcher.builder().maxFetchBytes(4096).maxDecodedBytes(8192).build();
    IOException error = assertThrows(IOException.class, () -> capped.fetch(base + "/zstd"));
    assertTrue(error.getMessage().contains("max_decompressed_bytes"), error.getMessage());
    HttpFetcher roomy = HttpFetcher.builder().maxFetchBytes(4096).maxDecodedBytes(1 << 20).build();
    assertArrayEquals(inflating, roomy.fetch(base + "/zstd"));
  }

  @Test
  void errorsNeverShowTheQuery() {
    HttpFetcher fetcher = HttpFetcher.builder().build();
    IOException error = assertThrows(IOException.class,
        () -> fetcher.fetch(base + "/missing?X-Amz-Signature=topsecret"));
    assertTrue(error.getMessage().contains("HTTP 404"), error.getMessage());
    assertFalse(error.getMessage().contains("topsecret"));
    IOException scheme = assertThrows(IOException.class, () -> fetcher.fetch("file:///etc/passwd"));
    assertTrue(scheme.getMessage().contains("URL rejected"), scheme.getMessage());
  }
}
