package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.spi.ResponseLimit;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The body of an RPC response as the dispatcher writes it. The first bytes are held back, so the
 * status line can still reflect how the call ended (400, 404, or 200 with {@code X-VGI-RPC-Error});
 * past the threshold the response is committed as a 200 and streamed as produced, each flush
 * reaching the client. A response compressed for the client is held whole and compressed at the
 * end (the zstd frame then records its size). Under a response limit the body is held whole too,
 * and bytes past the limit are only counted: an oversized response is then replaced, never sent
 * in part.
 */
final class ResponseBody extends OutputStream implements ResponseLimit {
  /** The response header that flags an in-band error. */
  static final HttpString ERROR_HEADER = new HttpString("X-VGI-RPC-Error");

  private final HttpServerExchange exchange;
  private final int threshold;
  private final Optional<Encodings.Choice> compression;
  /** The hard limit (Long.MAX_VALUE: none); a stream's turn may tighten it before the first byte. */
  private long limit;
  private final OptionalLong preferred;
  private long written;
  private ByteArrayOutputStream held = new ByteArrayOutputStream(8192);
  private OutputStream direct;
  private boolean finished;

  ResponseBody(HttpServerExchange exchange, int threshold, Optional<Encodings.Choice> compression, long limit,
      OptionalLong preferred) {
    this.exchange = exchange;
    this.threshold = threshold;
    this.compression = compression;
    this.limit = limit;
    this.preferred = preferred;
  }

  @Override
  public OptionalLong limitBytes() {
    return limit == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(limit);
  }

  @Override
  public OptionalLong preferredBytes() {
    return preferred;
  }

  @Override
  public long writtenBytes() {
    return written;
  }

  @Override
  public void tighten(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("a response limit must be positive, got " + bytes);
    }
    if (bytes >= limit) {
      return;
    }
    if (direct != null || written > 0) {
      throw new IllegalStateException("the response limit is tightened after " + written + " bytes were written");
    }
    limit = bytes;
  }

  /** The bytes written so far, held or not. */
  long written() {
    return written;
  }

  /** Whether more bytes were written than the response limit allows. */
  boolean oversized() {
    return written > limit;
  }

  /** Whether the status line has been sent. */
  boolean committed() {
    return direct != null;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (finished) {
      throw new IOException("the response is complete");
    }
    written += length;
    if (direct != null) {
      direct.write(bytes, offset, length);
      return;
    }
    if (written > limit) {
      held.reset(); // it will be replaced: keep counting, stop holding
      return;
    }
    if (compression.isEmpty() && limit == Long.MAX_VALUE && held.size() + length > threshold) {
      // committed: what was held goes first, then these bytes as they are (never copied into the held
      // buffer, which a large write would grow by copying)
      exchange.setStatusCode(200);
      direct = exchange.getOutputStream();
      held.writeTo(direct);
      held = null;
      direct.write(bytes, offset, length);
      return;
    }
    held.write(bytes, offset, length);
  }

  @Override
  public void flush() throws IOException {
    if (direct != null) {
      direct.flush();
    }
  }

  /**
   * Completes the response.
   *
   * @param status the status code, when not yet committed
   * @param inBandError whether to flag an in-band error ({@code X-VGI-RPC-Error: true})
   * @return false when the response had already been committed as a plain 200
   * @throws IOException when the client is gone
   */
  boolean finish(int status, boolean inBandError) throws IOException {
    if (finished) {
      return true;
    }
    finished = true;
    if (direct != null) {
      direct.close();
      return !inBandError && status == 200;
    }
    byte[] body = held.toByteArray();
    held = null;
    exchange.setStatusCode(status);
    if (inBandError) {
      exchange.getResponseHeaders().put(ERROR_HEADER, "true");
    }
    if (compression.isPresent() && body.length > 0) {
      Encodings.Choice choice = compression.get();
      body = Encodings.compress(choice.codec(), body);
      exchange.getResponseHeaders().put(
          choice.customHeader() ? Responses.VGI_CONTENT_ENCODING : Headers.CONTENT_ENCODING, choice.codec().token());
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    try (OutputStream out = exchange.getOutputStream()) {
      out.write(body);
    }
    return true;
  }

  /** Drops what was held, so another response can replace it. */
  void discard() {
    if (direct == null) {
      held = new ByteArrayOutputStream();
      written = 0;
    }
  }

  /**
   * Replaces what was held with another body (an error envelope), which the limit does not apply
   * to.
   */
  void replace(byte[] body) {
    held = new ByteArrayOutputStream(body.length);
    held.writeBytes(body);
    written = body.length;
  }
}
