package dev.arrowrpc.transport.pipe;

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
final class SpinningInputStream extends InputStream {
  private final InputStream delegate;
  private final SpinBudget spin;

  /** Wraps a stream whose {@code available()} tells how many bytes a read would return at once. */
  SpinningInputStream(InputStream delegate) {
    this(delegate, new SpinBudget());
  }

  SpinningInputStream(InputStream delegate, SpinBudget spin) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.spin = Objects.requireNonNull(spin, "spin");
  }

  /**
   * Wraps a stream when polling can help on this machine (more than one CPU).
   *
   * @param in a stream whose {@code available()} tells how many bytes a read would return at once
   * @return the stream to read from
   */
  static InputStream around(InputStream in) {
    return SpinBudget.SPINNING ? new SpinningInputStream(in) : in;
  }

  @Override
  public int read() throws IOException {
    long start = System.nanoTime();
    boolean waited = awaitBytes(start);
    int b = delegate.read();
    if (waited) {
      spin.parked(System.nanoTime() - start);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    long start = System.nanoTime();
    boolean waited = awaitBytes(start);
    int n = delegate.read(b, off, len);
    if (waited) {
      spin.parked(System.nanoTime() - start);
    }
    return n;
  }

  /**
   * Polls until bytes are there or the budget is spent.
   *
   * @return whether the read that follows will block (nothing came while polling)
   */
  private boolean awaitBytes(long start) {
    try {
      if (delegate.available() > 0) {
        return false;
      }
      long budget = spin.nanos();
      long pausing = budget > 0 ? spin.pausingNanos() : 0;
      while (budget > 0) {
        long spent = System.nanoTime() - start;
        if (spent > budget) {
          break;
        }
        boolean pause = spent < pausing;
        if (pause) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the peer may be waiting for this very CPU
        }
        if (delegate.available() > 0) {
          spin.caught(pause);
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false; // a closed or broken stream: the read says so
    }
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
