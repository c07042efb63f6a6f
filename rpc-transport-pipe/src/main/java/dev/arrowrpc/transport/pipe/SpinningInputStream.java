package dev.arrowrpc.transport.pipe;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Waits for a pipe's bytes by polling before it blocks: a read that finds nothing to read asks the
 * stream how much it holds ({@code available()}, one system call) until bytes come or the reader's
 * {@link SpinBudget} is spent, and only then blocks in the underlying read.
 *
 * <p>A worker's answer, or a client's next request, usually comes within microseconds of the wait's
 * start; a thread blocked in the kernel and woken from another CPU costs tens of microseconds more on
 * a virtual machine. The budget learns from the waits, so an idle or slow peer soon costs no polling
 * at all; with one CPU there is none. Reads that find bytes waiting pay one {@code available()} call.
 */
final class SpinningInputStream extends FilterInputStream {
  private final SpinBudget spin;
  private final SpinBudget.Readable readable;

  SpinningInputStream(InputStream delegate, SpinBudget spin) {
    super(Objects.requireNonNull(delegate, "delegate"));
    this.spin = Objects.requireNonNull(spin, "spin");
    this.readable = () -> delegate.available() > 0;
  }

  /**
   * Wraps a stream when polling can help on this machine (more than one CPU).
   *
   * @param in a stream whose {@code available()} tells how many bytes a read would return at once
   * @return the stream to read from
   */
  static InputStream around(InputStream in) {
    return SpinBudget.SPINNING ? new SpinningInputStream(in, new SpinBudget()) : in;
  }

  @Override
  public int read() throws IOException {
    long start = spin.beforeRead(readable);
    int b = in.read();
    spin.afterRead(start);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    long start = spin.beforeRead(readable);
    int n = in.read(b, off, len);
    spin.afterRead(start);
    return n;
  }

  /** Marks are not offered: the wrapped pipes have none. */
  @Override
  public boolean markSupported() {
    return false;
  }
}
