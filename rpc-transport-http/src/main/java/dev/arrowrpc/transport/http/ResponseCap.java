package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The client's hard limit on each decoded response body ({@code VGI-Accept-Max-Response-Bytes},
 * docs/http-response-budgets.md of the reference): its portable range, the acknowledgement every
 * answer must carry, and the counting stream that enforces it locally, so that an intermediary or
 * a server that ignores the header cannot make the limit advisory.
 */
final class ResponseCap {
  /** The request header naming the limit. */
  static final String HEADER = "VGI-Accept-Max-Response-Bytes";
  /** The response header by which a server says it honours {@link #HEADER}. */
  static final String SUPPORT_HEADER = "VGI-Accept-Max-Response-Bytes-Support";
  /** The smallest portable limit: 64 KiB. */
  static final long MIN = 65_536;
  /** The largest portable limit: 2^53 - 1, the largest integer every client language holds exactly. */
  static final long MAX = (1L << 53) - 1;
  /** The reference's default: 256 MiB. */
  static final long DEFAULT = 256L << 20;

  private ResponseCap() {}

  /**
   * Checks a limit lies in the portable range.
   *
   * @param bytes the limit
   * @return the limit
   * @throws IllegalArgumentException when it does not
   */
  static long check(long bytes) {
    if (bytes < MIN || bytes > MAX) {
      throw new IllegalArgumentException("acceptMaxResponseBytes must be from " + MIN + " through " + MAX
          + " (2^53-1), got " + bytes + "; unboundedResponses() sends no limit");
    }
    return bytes;
  }

  /** The error for a decoded body over the limit, worded as the reference's client words it. */
  static RpcException tooLarge(String actual, long limit) {
    return new RpcException("ResponseTooLargeError",
        "Decoded HTTP response exceeds accepted_max_response_bytes (" + actual + " > " + limit + ")");
  }

  /**
   * Whether an answer acknowledges the limit: exactly one {@code
   * VGI-Accept-Max-Response-Bytes-Support: true} field. Discovery before the first call does not stand
   * in for it, since the next request may reach another replica or pass another intermediary.
   *
   * @param values the answer's values of {@link #SUPPORT_HEADER}
   * @return whether they are exactly {@code ["true"]}
   */
  static boolean acknowledged(List<String> values) {
    return values.equals(List.of("true"));
  }

  /**
   * The message for an answer that does not acknowledge the limit, in the reference's words, with
   * what the answer carried.
   *
   * @param values the answer's values of {@link #SUPPORT_HEADER}
   * @param status the answer's status
   * @param text the start of the answer's text, when it is a refusal that has one
   * @return the message
   */
  static String unacknowledged(List<String> values, int status, Optional<String> text) {
    return "Every capped RPC response must contain exactly one " + SUPPORT_HEADER + ": true field; the HTTP "
        + status + " answer carried " + (values.isEmpty() ? "none" : values) + text.map(t -> ": " + t).orElse("");
  }

  /**
   * A decoded body that fails once more than {@code limit} bytes have been read from it: it never
   * asks its source for more than one byte past the limit, and it never sizes anything from a length
   * the answer declares.
   */
  static final class Bounded extends FilterInputStream {
    private final long limit;
    private long read;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      check();
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      if (len == 0) {
        return 0;
      }
      int n = super.read(b, off, (int) Math.min(len, limit + 1 - read));
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      check();
      long skipped = super.skip(Math.min(n, limit + 1 - read));
      if (skipped > 0) {
        counted(skipped);
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int readLimit) {
      // not supported: the count is of bytes delivered once each
    }

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark/reset not supported");
    }

    private void check() {
      if (read > limit) {
        throw tooLarge(Long.toString(read), limit);
      }
    }

    private void counted(long n) {
      read += n;
      check();
    }
  }
}
