package dev.arrowrpc.core.server;

import dev.arrowrpc.core.wire.WireInput;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Passes bytes through and, between {@link #start} and {@link #stop}, keeps a copy of them (up to
 * a limit): how a server records a request's exact bytes for its access log.
 */
final class CapturingInputStream extends FilterInputStream implements ReadableByteChannel, WireInput.Over {
  private ByteArrayOutputStream copy;
  private long limit;
  private boolean overflowed;
  /** The heap array direct reads pass through while capturing, made on first use. */
  private byte[] piece;

  CapturingInputStream(InputStream in) {
    super(in);
  }

  /** Starts keeping a copy of what is read, up to {@code limit} bytes. */
  void start(long limit) {
    this.copy = new ByteArrayOutputStream();
    this.limit = limit;
    this.overflowed = false;
  }

  /** Whether the current or last capture exceeded its limit. */
  boolean overflowed() {
    return overflowed;
  }

  /** Stops copying; returns the copy, or null when it exceeded the limit or was not started. */
  byte[] stop() {
    ByteArrayOutputStream taken = copy;
    copy = null;
    return taken == null || overflowed ? null : taken.toByteArray();
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0 && copy != null) {
      keep(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0 && copy != null) {
      keep(buffer, offset, n);
    }
    return n;
  }

  /**
   * Reads into a buffer: straight from the underlying channel (when it is one) while nothing is
   * being captured, through a heap array while capturing.
   */
  @Override
  public int read(ByteBuffer target) throws IOException {
    if (copy == null && in instanceof ReadableByteChannel direct) {
      return direct.read(target);
    }
    if (piece == null) {
      piece = new byte[64 * 1024];
    }
    int n = read(piece, 0, Math.min(target.remaining(), piece.length));
    if (n > 0) {
      target.put(piece, 0, n);
    }
    return n;
  }

  @Override
  public WireInput wireInput() {
    return in instanceof WireInput wire ? wire : null;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  private void keep(byte[] buffer, int offset, int length) {
    if (overflowed) {
      return;
    }
    if (copy.size() + (long) length > limit) {
      overflowed = true;
      copy.reset();
      return;
    }
    copy.write(buffer, offset, length);
  }
}
