package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Slow and silent HTTP clients are cut off by the read and idle timeouts, and do not starve the workers. */
@Timeout(30)
class HttpTimeoutTest {
  private static final Duration READ = Duration.ofMillis(300);
  private static final Duration IDLE = Duration.ofMillis(500);

  private static HttpHarness harness() {
    return new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> b.workerThreads(2).readTimeout(READ).idleTimeout(IDLE), c -> c);
  }

  private static Socket connect(HttpHarness harness) throws IOException {
    URI url = URI.create(harness.http().url());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Reads until the server closes the connection; fails the test when it stays open for 10 s. */
  private static void awaitClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // an error response before the close is fine
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server kept a stalled connection open", e);
    } catch (java.net.SocketException reset) {
      // closed with a reset: closed all the same
    }
  }

  @Test
  void aBodyTrickledSlowerThanTheReadTimeoutIsCutOffWhileOthersAreServed() throws Exception {
    try (HttpHarness harness = harness()) {
      String path = URI.create(harness.http().url()).getPath() + "/echo";
      byte[] body = Raw.requestBody(s -> s.echo("hello"));
      List<Socket> slow = new ArrayList<>();
      try {
        // more tricklers than worker threads: without a read timeout they hold every worker
        for (int i = 0; i < 4; i++) {
          Socket socket = connect(harness);
          OutputStream out = socket.getOutputStream();
          out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + Responses.ARROW
              + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body, 0, 1);
          out.flush();
          slow.add(socket);
        }
        Thread.sleep(100);
        long start = System.nanoTime();
        CompletableFuture<String> normal = CompletableFuture.supplyAsync(
            () -> harness.proxy(StreamService.class).echo("prompt"));
        assertEquals("prompt", normal.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        for (Socket socket : slow) {
          awaitClosed(socket);
        }
        // a call computing longer than both timeouts is not cut
        assertEquals(800L, harness.proxy(StreamService.class).slow(800));
        assertEquals("after", harness.proxy(StreamService.class).echo("after"));
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void slowHeadersAndSilentConnectionsAreClosed() throws Exception {
    try (HttpHarness harness = harness(); Socket silent = connect(harness); Socket headers = connect(harness)) {
      headers.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII));
      headers.getOutputStream().flush();
      long start = System.nanoTime();
      awaitClosed(silent);
      awaitClosed(headers);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
      assertEquals("still", harness.proxy(StreamService.class).echo("still"));
    }
  }

  @Test
  void timeoutsAreValidated() {
    HttpRpcServer.Builder builder = HttpRpcServer.builder(dev.arrowrpc.core.runtime.RpcServer
        .builder(StreamService.class, new StreamService.Impl()).build());
    assertThrows(IllegalArgumentException.class, () -> builder.readTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.bodyTimeout(Duration.ofSeconds(-1)));
    IllegalArgumentException drain =
        assertThrows(IllegalArgumentException.class, () -> builder.drainTimeout(Duration.ofMillis(-1)));
    assertEquals("drainTimeout must not be negative", drain.getMessage());
    assertSame(builder, builder.drainTimeout(Duration.ZERO), "zero: close without waiting");
  }
}
