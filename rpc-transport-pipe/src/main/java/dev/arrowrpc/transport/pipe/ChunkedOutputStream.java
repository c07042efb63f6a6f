package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Passes writes to a file-descriptor stream in pieces of at most {@link ChunkedInputStream#CHUNK}
 * bytes, for the same reason as {@link ChunkedInputStream}: {@code FileOutputStream} allocates a
 * native buffer per write above 8 KiB, which costs half the throughput on large batches.
 */
final class ChunkedOutputStream extends OutputStream {
  private final OutputStream delegate;

  /** Wraps a stream. */
  ChunkedOutputStream(OutputStream delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void write(int b) throws IOException {
    delegate.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      int piece = Math.min(len, ChunkedInputStream.CHUNK);
      delegate.write(b, off, piece);
      off += piece;
      len -= piece;
    }
  }

  @Override
  public void flush() throws IOException {
    delegate.flush();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
