package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Passes reads to a file-descriptor stream in pieces of at most {@link #CHUNK} bytes.
 *
 * <p>{@code FileInputStream} allocates a native buffer for every read of more than 8 KiB (an mmap
 * from 128 KiB up); reads of at most 64 KiB stay on the fast path.
 */
final class ChunkedInputStream extends InputStream {
  /** The largest piece handed to the underlying stream. */
  static final int CHUNK = 64 * 1024;

  private final InputStream delegate;

  /** Wraps a stream. */
  ChunkedInputStream(InputStream delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public int read() throws IOException {
    return delegate.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    return delegate.read(b, off, Math.min(len, CHUNK));
  }

  @Override
  public int available() throws IOException {
    return delegate.available();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
