package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that sends a {@code Content-Length} and then trickles its body, each byte well within
 * the read timeout, is stopped by the body timeout with a 408 and a closed connection; one that
 * trickles its headers is stopped by the header parse timeout; other clients are served meanwhile.
 */
@Timeout(30)
class HttpSlowBodyTest {
  private static final Duration BODY = Duration.ofMillis(1000);
  private static final Duration READ = Duration.ofMillis(1500);
  private static final long TRICKLE_MILLIS = 200;

  private static HttpHarness harness() {
    return new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> b.workerThreads(2).readTimeout(READ).bodyTimeout(BODY), c -> c);
  }

  private static Socket connect(HttpHarness harness) throws IOException {
    URI url = URI.create(harness.http().url());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends the bytes one at a time, a pause between each, until the server stops taking them. */
  private static CompletableFuture<Void> trickle(Socket socket, byte[] bytes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (byte b : bytes) {
          out.write(b);
          out.flush();
          Thread.sleep(TRICKLE_MILLIS);
        }
      } catch (IOException | InterruptedException e) {
        // the server closed the connection: the trickle is over
      }
      done.complete(null);
    }, "trickle");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** Everything the server sends until it closes the connection. */
  private static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        seen.write(b);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server kept a trickling connection open: " + seen, e);
    } catch (java.net.SocketException reset) {
      // closed with a reset: closed all the same
    }
    return seen.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTrickledBodyIsAnswered408AndClosedWhileOthersAreServed() throws Exception {
    try (HttpHarness harness = harness()) {
      String path = URI.create(harness.http().url()).getPath() + "/HttpStreams/echo";
      byte[] body = Raw.requestBody(s -> s.echo("hello"));
      try (Socket slow = connect(harness); Socket slower = connect(harness)) {
        long start = System.nanoTime();
        for (Socket socket : new Socket[] {slow, slower}) {
          OutputStream out = socket.getOutputStream();
          out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + Responses.ARROW
              + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        // as many tricklers as worker threads, each byte within the read timeout
        CompletableFuture<Void> first = trickle(slow, body);
        CompletableFuture<Void> second = trickle(slower, body);
        Thread.sleep(100);
        // both workers are held by the tricklers; a normal call is served once the body timeout frees them
        java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<String> normal = caller.submit(
            () -> harness.proxy(StreamService.class).echo("meanwhile"));
        caller.shutdown();
        String answer = readUntilClosed(slow);
        readUntilClosed(slower);
        long took = System.nanoTime() - start;
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.contains("\"Request Timeout\""), answer);
        assertTrue(answer.contains("Connection: close"), answer);
        assertTrue(answer.contains("body_timeout"), answer);
        assertTrue(took < TimeUnit.SECONDS.toNanos(4), "cut off after " + took / 1_000_000 + " ms");
        assertTrue(took >= BODY.toNanos(), "not before the body timeout");
        assertEquals("meanwhile", normal.get(4, TimeUnit.SECONDS));
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
      }
      assertEquals("after", harness.proxy(StreamService.class).echo("after"));
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void trickledHeadersAreCutOffByTheParseTimeout() throws Exception {
    try (HttpHarness harness = harness(); Socket headers = connect(harness)) {
      String path = URI.create(harness.http().url()).getPath() + "/HttpStreams/echo";
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "p".repeat(200) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      CompletableFuture<Void> trickling = trickle(headers, head);
      readUntilClosed(headers);
      long took = System.nanoTime() - start;
      assertTrue(took < TimeUnit.SECONDS.toNanos(4), "cut off after " + took / 1_000_000 + " ms");
      trickling.get(5, TimeUnit.SECONDS);
      assertEquals("still", harness.proxy(StreamService.class).echo("still"));
    }
  }

  @Test
  void aBodyThatArrivesInTimeIsServed() throws Exception {
    try (HttpHarness harness = harness()) {
      assertEquals("quick", harness.proxy(StreamService.class).echo("quick"));
    }
  }

  @Test
  void theBodyTimeoutIsValidated() {
    HttpRpcServer.Builder builder = HttpRpcServer.builder(dev.arrowrpc.core.runtime.RpcServer
        .builder(StreamService.class, new StreamService.Impl()).build());
    assertThrows(IllegalArgumentException.class, () -> builder.bodyTimeout(Duration.ofSeconds(-1)));
    builder.bodyTimeout(Duration.ZERO);
  }
}
