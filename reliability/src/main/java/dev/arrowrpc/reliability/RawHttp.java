package dev.arrowrpc.reliability;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 spoken over a plain socket, so a request can say what a well-behaved client never
 * would: a Content-Length that lies, a body that never ends, a header sent a byte at a time. Reads
 * one response back (by Content-Length, chunked, or to the close).
 */
final class RawHttp {
  private RawHttp() {}

  /**
   * One HTTP response, or what happened instead.
   *
   * @param outcome how the exchange ended
   * @param status the status code (0 without a response)
   * @param headers the response headers, lower-cased names
   * @param body the response body
   * @param millis how long from the request's start to the response's end
   * @param detail what went wrong, when something did
   */
  record Reply(Outcome outcome, int status, Map<String, String> headers, byte[] body, long millis, String detail) {
    static Reply failed(Outcome outcome, long millis, String detail) {
      return new Reply(outcome, 0, Map.of(), new byte[0], millis, detail);
    }
  }

  /** How an exchange ended. */
  enum Outcome {
    /** A whole response came back. */
    ANSWERED,
    /** The server closed (or reset) the connection before a response. */
    CLOSED,
    /** Nothing within the time allowed. */
    TIMEOUT
  }

  /** Opens a socket to the worker's HTTP port. */
  static Socket open(Worker worker, int readTimeoutMillis) throws IOException {
    String address = worker.address();
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))),
        5_000);
    socket.setSoTimeout(readTimeoutMillis);
    return socket;
  }

  /** The head of a request: request line, the headers, the blank line. */
  static byte[] head(String method, String target, Map<String, String> headers) {
    StringBuilder text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    text.append("Host: 127.0.0.1\r\n");
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    text.append("\r\n");
    return text.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A body written while the response is read: it may be far longer than the server reads. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Sends a request head and body on a fresh connection and reads the response. The body is written
   * by another thread, so a server that answers before the body is over is heard; with {@code
   * halfClose} the sending side is shut after the body (the server sees the end of input).
   */
  static Reply exchange(Worker worker, byte[] head, Body body, boolean halfClose, int timeoutMillis) {
    long started = System.nanoTime();
    try (Socket socket = open(worker, timeoutMillis)) {
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(head);
          body.writeTo(out);
          out.flush();
          if (halfClose) {
            socket.shutdownOutput();
          }
        } catch (IOException e) {
          // the server stopped reading (it answered, or closed): the response says which
        }
      }, "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
      Reply reply = read(socket.getInputStream(), started);
      socket.close();
      writer.join(2_000);
      return reply;
    } catch (IOException e) {
      return Reply.failed(Outcome.CLOSED, elapsed(started), "connect failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.failed(Outcome.TIMEOUT, elapsed(started), "interrupted");
    }
  }

  /** The whole request given as bytes. */
  static Reply exchange(Worker worker, byte[] request, boolean halfClose, int timeoutMillis) {
    return exchange(worker, request, out -> { }, halfClose, timeoutMillis);
  }

  /** Reads one response; the socket's read timeout bounds each wait. */
  static Reply read(InputStream in, long started) {
    try {
      String statusLine = line(in);
      if (statusLine == null) {
        return Reply.failed(Outcome.CLOSED, elapsed(started), "closed before a response");
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return new Reply(Outcome.ANSWERED, -1, Map.of(), new byte[0], elapsed(started), "not HTTP: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      String header;
      while ((header = line(in)) != null && !header.isEmpty()) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.merge(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip(),
              (a, b) -> a + ", " + b);
        }
      }
      byte[] body;
      if (status == 100) {
        return read(in, started);
      }
      if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
        body = chunked(in);
      } else if (headers.containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      } else if (status == 204 || status == 304) {
        body = new byte[0];
      } else {
        body = in.readAllBytes();
      }
      return new Reply(Outcome.ANSWERED, status, headers, body, elapsed(started), "");
    } catch (SocketTimeoutException e) {
      return Reply.failed(Outcome.TIMEOUT, elapsed(started), "no response");
    } catch (IOException | RuntimeException e) {
      return Reply.failed(Outcome.CLOSED, elapsed(started), e.toString());
    }
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new EOFException("chunked body cut");
      }
      int n = Integer.parseInt(size.split(";", 2)[0].strip(), 16);
      if (n == 0) {
        String trailer;
        while ((trailer = line(in)) != null && !trailer.isEmpty()) {
          // trailers ignored
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      line(in);
    }
  }

  /** One CRLF-ended line, without the CRLF; null at the end of input before any byte. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = text.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      text.write(b);
      if (text.size() > 65_536) {
        throw new IOException("response line too long");
      }
    }
    if (text.size() == 0) {
      return null;
    }
    throw new EOFException("response cut inside a line");
  }

  /** The chunked framing of one chunk. */
  static byte[] chunk(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
    out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** The last chunk of a chunked body. */
  static byte[] lastChunk() {
    return "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  static Optional<String> header(Reply reply, String name) {
    return Optional.ofNullable(reply.headers().get(name.toLowerCase(Locale.ROOT)));
  }

  private static long elapsed(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
