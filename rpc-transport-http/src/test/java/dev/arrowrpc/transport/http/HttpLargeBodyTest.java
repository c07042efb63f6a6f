package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large binary bodies through every path the server takes them: received whole on the I/O thread
 * (at once, or in pieces as they arrive), read on a worker as they arrive (past the in-memory bound),
 * and answered held back or streamed (either side of the commit threshold); byte for byte, with the
 * connection kept alive after a body read to its end.
 */
@Timeout(60)
class HttpLargeBodyTest {
  private static final int MIB = 1 << 20;

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void binaryBodiesOfEverySizeComeBackWhole() {
    int[] sizes = {1, 64 * 1024 - 200, 64 * 1024 + 1, MIB, 3 * MIB + 7,
        (int) RpcHttpHandler.IN_MEMORY_BODY + 4096};
    try (HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl())) {
      StreamService service = harness.proxy(StreamService.class);
      for (int size : sizes) {
        byte[] data = random(size, size);
        assertArrayEquals(data, service.echoBytes(data), "a body of " + size + " bytes");
      }
      assertEquals(0, harness.serverBytes());
      assertEquals(0, harness.clientBytes());
    }
  }

  @Test
  void aBodyArrivingInPiecesIsReadWholeAndTheConnectionStaysUsable() throws Exception {
    try (HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl());
        Socket socket = connect(harness)) {
      byte[] first = random(2 * MIB + 3, 1);
      byte[] request = Raw.requestBody(s -> s.echoBytes(first));
      OutputStream out = socket.getOutputStream();
      out.write(head(harness, request.length));
      out.flush();
      int pieces = 8;
      int step = request.length / pieces + 1;
      for (int at = 0; at < request.length; at += step) {
        Thread.sleep(20); // each piece reaches the server on its own: the body is read as it arrives
        out.write(request, at, Math.min(step, request.length - at));
        out.flush();
      }
      InputStream in = new BufferedInputStream(socket.getInputStream());
      assertArrayEquals(first, echoed(readAnswer(in), first));

      // the same connection, the next body sent at once
      byte[] second = random(MIB + 11, 2);
      byte[] again = Raw.requestBody(s -> s.echoBytes(second));
      out.write(head(harness, again.length));
      out.write(again);
      out.flush();
      assertArrayEquals(second, echoed(readAnswer(in), second));
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void aBodyCutShortIsNotAnsweredAndTheServerGoesOn() throws Exception {
    try (HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl())) {
      byte[] data = random(MIB, 3);
      byte[] request = Raw.requestBody(s -> s.echoBytes(data));
      try (Socket socket = connect(harness)) {
        OutputStream out = socket.getOutputStream();
        out.write(head(harness, request.length));
        out.write(request, 0, request.length / 2);
        out.flush();
        socket.shutdownOutput();
        byte[] seen = socket.getInputStream().readAllBytes();
        assertEquals("", new String(seen, StandardCharsets.ISO_8859_1), "the server answered a body cut short");
      }
      assertArrayEquals(data, harness.proxy(StreamService.class).echoBytes(data));
      assertEquals(0, harness.serverBytes());
    }
  }

  @Test
  void aClientThatExpectsContinueIsToldToSendItsBody() throws Exception {
    // curl sends "Expect: 100-continue" before a body of more than 1 MiB and waits for the interim
    // answer (a second, by default) before it sends the body anyway
    try (HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl());
        Socket socket = connect(harness)) {
      byte[] data = random(MIB + 5, 4);
      byte[] request = Raw.requestBody(s -> s.echoBytes(data));
      byte[] head = new String(head(harness, request.length), StandardCharsets.ISO_8859_1)
          .replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String interim = line(in); // blocks until the socket's timeout when no interim answer comes
      assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        // an interim answer's headers, if any
      }
      out.write(request);
      out.flush();
      assertArrayEquals(data, echoed(readAnswer(in), data));
      assertEquals(0, harness.serverBytes());
    }
  }

  private static Socket connect(HttpHarness harness) throws IOException {
    URI url = URI.create(harness.http().url());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static byte[] head(HttpHarness harness, int length) {
    String path = URI.create(harness.http().url()).getPath() + "/HttpStreams/echoBytes";
    return ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + Responses.ARROW
        + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** One 200 answer's body, by its length or its chunks. */
  private static byte[] readAnswer(InputStream in) throws IOException {
    String status = line(in);
    assertTrue(status.startsWith("HTTP/1.1 200"), status);
    long length = -1;
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring("content-length:".length()).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!chunked) {
      body.write(exactly(in, (int) length));
      return body.toByteArray();
    }
    for (int size = Integer.parseInt(line(in).split(";", 2)[0].strip(), 16); size > 0;
        size = Integer.parseInt(line(in).split(";", 2)[0].strip(), 16)) {
      body.write(exactly(in, size));
      assertEquals("", line(in));
    }
    assertEquals("", line(in));
    return body.toByteArray();
  }

  private static byte[] exactly(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("the answer ended after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the connection ended in a line: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** The result an answer carries, read by a client that is handed the answer's bytes. */
  private static byte[] echoed(byte[] answer, byte[] argument) {
    RequestTransport replay = new RequestTransport() {
      @Override
      public InputStream call(String protocol, String method, Kind kind, byte[] body) {
        return new ByteArrayInputStream(answer);
      }

      @Override
      public void close() {}
    };
    try (RpcClient client = RpcClient.connect(replay)) {
      return client.proxy(StreamService.class).echoBytes(Arrays.copyOf(argument, 1));
    }
  }
}
