package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-way in-memory pipe: a bounded ring buffer between one writing and one reading thread.
 *
 * <p>A read blocks until bytes arrive or the writing end closes (then it returns -1 once the
 * buffer is drained). A write blocks while the buffer is full, and fails once the reading end is
 * closed, so a writer never waits on a reader that is gone. Unlike {@code PipedInputStream} it does
 * not care which threads use it, or whether they are still alive.
 *
 * <p>A reader that finds the buffer empty first spins for a while ({@link SpinBudget}) before it
 * parks: a request's answer usually comes within microseconds, and waking a parked thread from
 * another CPU costs more than that.
 */
final class RingPipe {
  /** The default buffer size. */
  static final int DEFAULT_CAPACITY = 256 * 1024;

  private final byte[] buffer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private final InputStream source = new Source();
  private final OutputStream sink = new Sink();
  private final SpinBudget spin = new SpinBudget();
  private int head;
  /** Bytes in the buffer; written under the lock, read without it by a spinning reader. */
  private volatile int count;
  private volatile boolean writerClosed;
  private volatile boolean readerClosed;
  /** Whether a read would return at once: bytes, or a closed end. */
  private final SpinBudget.Readable readableNow = () -> count != 0 || writerClosed || readerClosed;

  /** Creates a pipe with the default capacity. */
  RingPipe() {
    this(DEFAULT_CAPACITY);
  }

  /** Creates a pipe holding up to {@code capacity} bytes in flight. */
  RingPipe(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.buffer = new byte[capacity];
  }

  /**
   * The reading end; closing it makes further writes fail.
   *
   * @return the reading end
   */
  InputStream source() {
    return source;
  }

  /**
   * The writing end; closing it lets the reader drain the buffer and then see the end of input.
   *
   * @return the writing end
   */
  OutputStream sink() {
    return sink;
  }

  private int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    long waitStart = spin.beforeRead(readableNow);
    lock.lock();
    try {
      while (count == 0 && !writerClosed && !readerClosed) {
        await(readable);
      }
      spin.afterRead(waitStart);
      if (readerClosed) {
        throw new IOException("pipe closed");
      }
      if (count == 0) {
        return -1;
      }
      int n = Math.min(len, count);
      int first = Math.min(n, buffer.length - head);
      System.arraycopy(buffer, head, b, off, first);
      System.arraycopy(buffer, 0, b, off + first, n - first);
      head = (head + n) % buffer.length;
      count -= n;
      writable.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      lock.lock();
      try {
        while (count == buffer.length && !readerClosed && !writerClosed) {
          await(writable);
        }
        if (writerClosed) {
          throw new IOException("pipe closed");
        }
        if (readerClosed) {
          throw new IOException("broken pipe: the reading end is closed");
        }
        int n = Math.min(len, buffer.length - count);
        int tail = (head + count) % buffer.length;
        int first = Math.min(n, buffer.length - tail);
        System.arraycopy(b, off, buffer, tail, first);
        System.arraycopy(b, off + first, buffer, 0, n - first);
        count += n;
        off += n;
        len -= n;
        readable.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private int available() throws IOException {
    lock.lock();
    try {
      if (readerClosed) {
        throw new IOException("pipe closed");
      }
      return count;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the reading end: buffered bytes are dropped, blocked and later writes fail. */
  void closeReader() {
    lock.lock();
    try {
      readerClosed = true;
      count = 0;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the writing end: the reader drains the buffer, then sees the end of input. */
  void closeWriter() {
    lock.lock();
    try {
      writerClosed = true;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void await(Condition condition) throws InterruptedIOException {
    try {
      condition.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting on an in-memory pipe");
    }
  }

  /** The reading end. */
  private final class Source extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = RingPipe.this.read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return RingPipe.this.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return RingPipe.this.available();
    }

    @Override
    public void close() {
      closeReader();
    }
  }

  /** The writing end. */
  private final class Sink extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      RingPipe.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      RingPipe.this.write(b, off, len);
    }

    @Override
    public void close() {
      closeWriter();
    }
  }
}
