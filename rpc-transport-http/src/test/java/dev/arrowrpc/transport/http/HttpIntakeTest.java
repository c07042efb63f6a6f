package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the server takes in request bodies: small ones without holding a worker thread, others
 * under a bound with a 503 when it is reached, refusals (400, 413) answered at once, and
 * compressed bodies checked to their end.
 */
@Timeout(30)
class HttpIntakeTest {
  private static HttpHarness harness(Duration read, Duration body) {
    return new HttpHarness(StreamService.class, new StreamService.Impl(),
        b -> b.workerThreads(4).readTimeout(read).bodyTimeout(body).maxRequestBytes(1 << 20), c -> c);
  }

  private static Socket connect(HttpHarness harness) throws IOException {
    URI url = URI.create(harness.http().url());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static String path(HttpHarness harness, String method) {
    return URI.create(harness.http().url()).getPath() + "/HttpStreams/" + method;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** What the server sends until it closes the connection, or until the socket's timeout. */
  private static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        seen.write(b);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open: " + seen, e);
    } catch (java.net.SocketException reset) {
      // closed with a reset
    }
    return seen.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void slowBodiesDoNotStarveTheWorkers() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(20), Duration.ofSeconds(20))) {
      String path = path(harness, "echo");
      byte[] body = Raw.requestBody(s -> s.echo("hello"));
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          Socket socket = connect(harness);
          sockets.add(socket);
          String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + Responses.ARROW + "\r\n";
          switch (i % 3) {
            case 0 -> send(socket, head + "Content-Length: " + body.length + "\r\n\r\n"); // then nothing
            case 1 -> send(socket, head + "Content-Length: " + body.length + "\r\n\r\n" + (char) body[0]);
            default -> send(socket, head + "Transfer-Encoding: chunked\r\n\r\n1\r\n" + (char) body[0] + "\r\n");
          }
        }
        Thread.sleep(500); // the chunked ones past the bound have been refused by now
        for (int round = 0; round < 5; round++) {
          long start = System.nanoTime();
          assertEquals("meanwhile " + round, harness.proxy(StreamService.class).echo("meanwhile " + round));
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(took < 1000, "a valid call waited " + took + " ms behind slow bodies");
        }
        // chunked bodies past the bound (half the 4 workers) were shed with an answer, never silence
        int shed = 0;
        for (int i = 2; i < 10; i += 3) {
          Socket socket = sockets.get(i);
          socket.setSoTimeout(200);
          try {
            String answer = readUntilClosed(socket);
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(answer.contains("Retry-After: 1"), answer);
            assertTrue(answer.contains("\"Service Unavailable\""), answer);
            shed++;
          } catch (AssertionError stillReading) {
            // one of the two that hold a permit
          }
        }
        assertEquals(1, shed, "of three chunked bodies, two are read and one is shed");
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
      assertEquals("after", harness.proxy(StreamService.class).echo("after"));
      assertEquals(0, harness.serverBytes());
      assertEquals(0, harness.clientBytes());
    }
  }

  @Test
  void slowBodiesOffTheRpcRoutesDoNotStarveTheWorkers() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(20), Duration.ofSeconds(20))) {
      String base = URI.create(harness.http().url()).getPath();
      List<Socket> sockets = new ArrayList<>();
      try {
        String[] heads = {"POST " + base + "/nowhere/at/all/here", "POST " + base + "/health", "GET " + base + "/health",
            "GET " + base + "/HttpStreams/echo", "PUT " + base + "/HttpStreams/echo", "POST " + base + "/describe"};
        String[] bodies = {"Content-Length: 100\r\n\r\nx", "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n",
            "Content-Length: 999999999\r\n\r\nx"};
        for (int i = 0; i < 12; i++) {
          Socket socket = connect(harness);
          sockets.add(socket);
          send(socket, heads[i % heads.length] + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + Responses.ARROW
              + "\r\n" + bodies[i % bodies.length]);
        }
        Thread.sleep(300);
        for (int round = 0; round < 3; round++) {
          long start = System.nanoTime();
          assertEquals("meanwhile " + round, harness.proxy(StreamService.class).echo("meanwhile " + round));
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertTrue(took < 1000, "a valid call waited " + took + " ms behind slow bodies");
        }
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void aBodyReceivedWithoutAThreadStillHasTheBodyTimeout() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(10), Duration.ofMillis(600));
        Socket socket = connect(harness)) {
      byte[] body = Raw.requestBody(s -> s.echo("hello"));
      long start = System.nanoTime();
      send(socket, "POST " + path(harness, "echo") + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + Responses.ARROW + "\r\nContent-Length: " + body.length + "\r\n\r\n" + (char) body[0]);
      String answer = readUntilClosed(socket);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("body_timeout"), answer);
      assertTrue(answer.contains("X-Request-ID"), answer);
      assertTrue(took >= 500 && took < 3000, "answered after " + took + " ms");
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void aBodyReceivedWithoutAThreadStillHasTheReadTimeout() throws Exception {
    try (HttpHarness harness = harness(Duration.ofMillis(600), Duration.ofSeconds(20));
        Socket socket = connect(harness)) {
      long start = System.nanoTime();
      send(socket, "POST " + path(harness, "echo") + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + Responses.ARROW + "\r\nContent-Length: 100\r\n\r\n");
      readUntilClosed(socket);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(took >= 500 && took < 3000, "closed after " + took + " ms");
    }
  }

  @Test
  void aContentLengthPastLongIs400WithoutATrace() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(5), Duration.ofSeconds(5));
        Socket socket = connect(harness)) {
      send(socket, "POST " + path(harness, "echo") + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + Responses.ARROW + "\r\nContent-Length: 99999999999999999999999\r\n\r\n");
      String answer = readUntilClosed(socket);
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("application/json"), answer);
      assertTrue(answer.contains("Content-Length must be"), answer);
      assertFalse(answer.contains("Exception"), answer);
      assertEquals("after", harness.proxy(StreamService.class).echo("after"));
    }
  }

  @Test
  void anOversizedContentLengthIs413AtOnceWithoutTheBody() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(20), Duration.ofSeconds(20));
        Socket socket = connect(harness)) {
      long start = System.nanoTime();
      send(socket, "POST " + path(harness, "echo") + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          + Responses.ARROW + "\r\nContent-Length: " + (2 << 20) + "\r\n\r\n");
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, head.length);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals("HTTP/1.1 413", new String(head, 0, n, StandardCharsets.ISO_8859_1));
      assertTrue(took < 1500, "answered after " + took + " ms");
    }
  }

  @Test
  void anOversizedBodyBeingSentSeesThe413() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(20), Duration.ofSeconds(20))) {
      byte[] big = new byte[(1 << 20) + 4096];
      for (int round = 0; round < 3; round++) {
        HttpResponse<byte[]> answer = Raw.postArrow(harness.http().url() + "/HttpStreams/echo", big);
        assertEquals(413, answer.statusCode(), Raw.text(answer));
        assertTrue(Raw.text(answer).contains("max_request_bytes"), Raw.text(answer));
      }
    }
  }

  @Test
  void anOverlongMethodNameIsNotEchoed() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      byte[] body = Raw.requestBody(s -> s.echo("hello"));
      HttpResponse<byte[]> shortName = Raw.postArrow(harness.http().url() + "/HttpStreams/nope", body);
      String name = "x".repeat(100_000);
      HttpResponse<byte[]> longName = Raw.postArrow(harness.http().url() + "/HttpStreams/" + name, body);
      assertEquals(404, shortName.statusCode());
      assertEquals(404, longName.statusCode(), "status " + longName.statusCode());
      assertTrue(longName.body().length < 4096, "answer of " + longName.body().length + " bytes");
      assertFalse(Raw.text(longName).contains("x".repeat(300)));
      assertEquals(0, harness.serverBytes());
    }
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    }
    return out.toByteArray();
  }

  private static HttpResponse<byte[]> postEncoded(HttpHarness harness, byte[] body, String codec) {
    return Raw.post(harness.http().url() + "/HttpStreams/echo", body,
        Map.of("Content-Type", Responses.ARROW, "Content-Encoding", codec));
  }

  @Test
  void compressedBodiesAreCheckedToTheirEnd() throws Exception {
    try (HttpHarness harness = harness(Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      byte[] plain = Raw.requestBody(s -> s.echo("hello"));
      assertEquals(200, postEncoded(harness, gzip(plain), "gzip").statusCode());
      byte[] badCrc = gzip(plain);
      badCrc[badCrc.length - 8] ^= 1;
      byte[] badSize = gzip(plain);
      badSize[badSize.length - 1] ^= 1;
      byte[] trailing = java.util.Arrays.copyOf(plain, plain.length + 8);
      for (byte[] body : new byte[][] {badCrc, badSize, gzip(trailing)}) {
        HttpResponse<byte[]> answer = postEncoded(harness, body, "gzip");
        assertEquals(400, answer.statusCode(), Raw.text(answer));
        assertTrue(Raw.text(answer).contains("Decompression Error"), Raw.text(answer));
      }
      byte[] checked = Zstd.compress(plain, 3);
      assertEquals(200, postEncoded(harness, checked, "zstd").statusCode());
      HttpResponse<byte[]> zstdTrailing = postEncoded(harness, Zstd.compress(trailing, 3), "zstd");
      assertEquals(400, zstdTrailing.statusCode(), Raw.text(zstdTrailing));
      assertEquals("after", harness.proxy(StreamService.class).echo("after"));
      assertEquals(0, harness.serverBytes());
    }
  }
}
