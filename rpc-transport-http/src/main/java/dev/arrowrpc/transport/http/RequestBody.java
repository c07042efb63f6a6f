package dev.arrowrpc.transport.http;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * A request body as the dispatcher reads it: decoded from its content encoding as it is read, and
 * bounded twice, on the bytes received and on the bytes decoded, so an oversized body or a
 * decompression bomb is stopped as soon as it crosses the limit instead of being inflated whole.
 * The first problem is remembered, so the server can answer it (413 or 400) even when the reader
 * reported it as a malformed stream.
 */
final class RequestBody extends InputStream {
  /** What went wrong with the body. */
  enum Problem {
    /** More than the limit was received or decoded. */
    TOO_LARGE,
    /** The body could not be decoded from its content encoding. */
    UNDECODABLE
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
  private InputStream decoded;
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
    this.raw = raw;
    this.codec = codec;
    this.limit = limit;
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
    if (decoded == null) {
      InputStream counted = new Counted();
      if (codec == null) {
        decoded = counted;
      } else {
        try {
          decoded = codec == Encodings.Codec.ZSTD ? new ZstdInputStreamNoFinalizer(counted) : new GZIPInputStream(counted);
        } catch (BodyException e) {
          throw e;
        } catch (IOException e) {
          throw fail(Problem.UNDECODABLE, "Failed to decompress " + codec.token() + " request body: " + e.getMessage());
        }
      }
    }
    return decoded;
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

  @Override
  public void close() throws IOException {
    if (decoded != null && decoded != raw) {
      try {
        decoded.close();
      } catch (IOException ignored) {
        // releasing the decoder only
      }
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
      int n = raw.read(buffer, offset, length);
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
