package dev.arrowrpc.transport.http;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import io.undertow.server.HttpServerExchange;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * A request body as the dispatcher reads it: decoded from its content encoding as it is read, and
 * bounded twice, on the bytes received and on the bytes decoded, so an oversized body or a
 * decompression bomb is stopped as soon as it crosses the limit instead of being inflated whole.
 * It is bounded in time too: a body that has not arrived whole within the body timeout (a client
 * that sends a {@code Content-Length} and then trickles bytes, each within the read timeout) stops
 * at the first read after the deadline, and is answered 408 with the connection closed. The first
 * problem is remembered, so the server can answer it (413, 400 or 408) even when the reader
 * reported it as a malformed stream.
 */
final class RequestBody extends InputStream {
  /** What went wrong with the body. */
  enum Problem {
    /** More than the limit was received or decoded. */
    TOO_LARGE,
    /** The body could not be decoded from its content encoding. */
    UNDECODABLE,
    /** The body did not arrive whole within the body timeout. */
    TOO_SLOW
  }

  /** Reading stopped because of a {@link Problem}. */
  static final class BodyException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyException(String message) {
      super(message);
    }
  }

  private final InputStream raw;
  private final Encodings.Codec codec;
  private final long limit;
  private final long deadline;
  private final Duration timeout;
  private final ZstdDecoders decoders;
  private InputStream decoded;
  /** The zstd decoder, when {@link #decoded} is one, until it is given back. */
  private ZstdInputStreamNoFinalizer zstd;
  private boolean closed;
  private long received;
  private long produced;
  private Problem problem;
  private String detail;

  /**
   * Wraps a body.
   *
   * @param raw the bytes as received
   * @param codec the content encoding, or null for none
   * @param limit the most bytes accepted, received and decoded alike
   */
  RequestBody(InputStream raw, Encodings.Codec codec, long limit) {
    this(raw, codec, limit, Duration.ZERO);
  }

  /**
   * Wraps a body that must arrive within a time.
   *
   * @param raw the bytes as received
   * @param codec the content encoding, or null for none
   * @param limit the most bytes accepted, received and decoded alike
   * @param timeout how long, from now, the whole body may take to arrive ({@link Duration#ZERO}: no bound)
   */
  RequestBody(InputStream raw, Encodings.Codec codec, long limit, Duration timeout) {
    this(raw, codec, limit, timeout, new ZstdDecoders(0));
  }

  /**
   * Wraps a body that must arrive within a time, decoding zstd with a decoder from a pool.
   *
   * @param raw the bytes as received
   * @param codec the content encoding, or null for none
   * @param limit the most bytes accepted, received and decoded alike
   * @param timeout how long, from now, the whole body may take to arrive ({@link Duration#ZERO}: no bound)
   * @param decoders where a zstd decoder is taken from and given back to when this body is closed
   */
  RequestBody(InputStream raw, Encodings.Codec codec, long limit, Duration timeout, ZstdDecoders decoders) {
    this.decoders = decoders;
    this.raw = raw;
    this.codec = codec;
    this.limit = limit;
    this.timeout = timeout;
    this.deadline = System.nanoTime() + (timeout.isZero() ? 0 : timeout.toNanos());
  }

  /**
   * Answers a body refused for a problem other than its size: 408 (closing the connection) when it
   * came too slowly, 400 when it could not be decoded.
   *
   * @param exchange the exchange to answer
   * @throws IOException when the answer cannot be sent
   */
  void refuse(HttpServerExchange exchange) throws IOException {
    if (problem == Problem.TOO_SLOW) {
      exchange.setPersistent(false);
      Responses.json(exchange, 408, Map.of("title", "Request Timeout", "description", detail));
    } else {
      Responses.json(exchange, 400, Map.of("title", "Decompression Error", "description", detail));
    }
  }

  /** The problem that stopped reading, if any. */
  Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /** What the problem was, for the error body. */
  String detail() {
    return detail;
  }

  /** How many bytes were received. */
  long received() {
    return received;
  }

  private BodyException fail(Problem kind, String message) {
    if (problem == null) {
      problem = kind;
      detail = message;
    }
    return new BodyException(detail);
  }

  private InputStream decoded() throws IOException {
    if (closed && codec != null) {
      // the decoder was given back
      throw new IOException("Stream closed");
    }
    if (decoded == null) {
      InputStream counted = new Counted();
      if (codec == null) {
        decoded = counted;
      } else {
        try {
          if (codec == Encodings.Codec.ZSTD) {
            zstd = decoders.take(counted);
            decoded = zstd;
          } else {
            decoded = new GZIPInputStream(counted);
          }
        } catch (BodyException e) {
          throw e;
        } catch (IOException e) {
          throw fail(Problem.UNDECODABLE, "Failed to decompress " + codec.token() + " request body: " + e.getMessage());
        }
      }
    }
    return decoded;
  }

  /**
   * Checks the rest of a compressed body once the request has been read from it: the decoded
   * stream must end right after what was read (no bytes after the IPC stream's end marker), and
   * reading it to its end makes the decoder verify the encoding's trailer (gzip's CRC-32 and size,
   * a zstd frame's checksum when it has one). A body that fails either is {@link
   * Problem#UNDECODABLE}. A body that is not compressed is left as it is.
   *
   * @return whether the body passed (when not, {@link #problem()} says why)
   */
  boolean finish() {
    if (codec == null || problem != null) {
      return problem == null;
    }
    byte[] one = new byte[1];
    try {
      int n;
      do {
        n = read(one, 0, 1);
      } while (n == 0);
      if (n > 0) {
        fail(Problem.UNDECODABLE, "Failed to decompress " + codec.token()
            + " request body: bytes follow the end of the Arrow IPC stream");
      }
    } catch (IOException e) {
      if (problem == null) {
        fail(Problem.UNDECODABLE, "Failed to decompress " + codec.token() + " request body: " + e.getMessage());
      }
    }
    return problem == null;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (problem != null) {
      throw new BodyException(detail);
    }
    if (length == 0) {
      return 0;
    }
    int n;
    try {
      n = decoded().read(buffer, offset, length);
    } catch (BodyException e) {
      throw e;
    } catch (IOException e) {
      if (codec == null) {
        throw e;
      }
      throw fail(Problem.UNDECODABLE, "Failed to decompress " + codec.token() + " request body: " + e.getMessage());
    }
    if (n > 0) {
      produced += n;
      if (produced > limit) {
        throw fail(Problem.TOO_LARGE, "Request body decodes to more than the server's max_request_bytes=" + limit);
      }
    }
    return n;
  }

  /** Releases the decoder: a zstd one goes back to its pool (kept when the body decoded cleanly). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (zstd != null) {
      decoders.giveBack(zstd, problem == null, produced);
      zstd = null;
    } else if (decoded != null && decoded != raw) {
      try {
        decoded.close();
      } catch (IOException ignored) {
        // releasing the decoder only
      }
    }
  }

  private void checkDeadline() throws BodyException {
    if (!timeout.isZero() && System.nanoTime() - deadline > 0) {
      throw fail(Problem.TOO_SLOW, "Request body did not arrive within the server's body_timeout of "
          + timeout.toMillis() + " ms (" + received + " bytes received)");
    }
  }

  /** The received bytes, counted against the limit; never closes the exchange's stream. */
  private final class Counted extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      checkDeadline();
      int n = raw.read(buffer, offset, length);
      if (n >= 0) {
        checkDeadline();
      }
      if (n > 0) {
        received += n;
        if (received > limit) {
          throw fail(Problem.TOO_LARGE, "Request body exceeds the server's max_request_bytes=" + limit);
        }
      }
      return n;
    }

    @Override
    public void close() {
      // the exchange owns the connection's stream
    }
  }
}
