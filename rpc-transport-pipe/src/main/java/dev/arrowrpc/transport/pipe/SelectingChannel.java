package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A socket channel switched to non-blocking mode for good, read and written as a blocking one is, so
 * that a read can poll for its bytes before it blocks where Java cannot tell how many bytes wait on
 * the socket (a Unix domain socket on Java 17): here polling is reading.
 *
 * <p>A read that finds nothing polls the socket within the reader's {@link SpinBudget}, then waits in
 * a selector of its own (for {@link SelectionKey#OP_READ}) until bytes, the end of the stream or an
 * error come. A write that finds the socket's buffer full waits in another selector (for {@link
 * SelectionKey#OP_WRITE}): a reader and a writer on two threads never wait for each other. (Switching
 * a channel between blocking and non-blocking mode takes both its read and its write lock, so it
 * cannot be done per read while another thread may be writing.) A read returns what a blocking
 * channel's read returns: at least one byte, or -1 at the end of the stream, never 0 unless the
 * buffer is full; a write writes the whole buffer.
 *
 * <p>Closing the socket does not wake a thread waiting in a selector (it only cancels the socket's
 * keys, which a selector acts on at its next selection: so on Java 17 and 25); closing this channel
 * does: it
 * closes the socket and then both selectors, and the waiting thread fails with an {@link
 * AsynchronousCloseException}, as a thread blocked in a blocking channel's read or write does. A
 * close of the socket itself, not through this channel, is noticed within {@link #RECHECK_MILLIS}.
 * An interrupt, pending as a read or write starts or arriving while it waits, closes the channel and
 * fails it with a {@link ClosedByInterruptException}, as on a blocking channel (a non-blocking
 * channel ignores interrupts).
 *
 * <p>One thread reads and one thread writes at a time (as the streams over it do).
 */
final class SelectingChannel implements ByteChannel {
  /** How often a waiting thread looks whether the socket was closed behind this channel's back. */
  static final long RECHECK_MILLIS = 250;

  private final SocketChannel socket;
  private final SpinBudget spin;
  private final SpinBudget.Readable poll = this::poll;
  /** Guards the selectors' creation and closing. */
  private final Object lock = new Object();
  private Selector reading;
  private Selector writing;
  private boolean closed;
  // the reader's own: the buffer a poll reads into, what it read, what it threw
  private ByteBuffer target;
  private int polled;
  private IOException failure;

  private SelectingChannel(SocketChannel socket, SpinBudget spin) {
    this.socket = socket;
    this.spin = spin;
  }

  /**
   * Switches a connected socket channel to non-blocking mode and wraps it; it must not be used
   * directly any more, except to close it or read its options.
   *
   * @param socket a connected channel
   * @param spin the reader's budget
   * @return the channel to read and write through; closing it closes the socket
   * @throws IOException when the mode cannot be changed
   */
  static SelectingChannel of(SocketChannel socket, SpinBudget spin) throws IOException {
    Objects.requireNonNull(spin, "spin");
    socket.configureBlocking(false);
    return new SelectingChannel(socket, spin);
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    failIfInterrupted();
    int n = socket.read(into); // fails as a blocking read does when the channel is closed already
    if (n != 0 || !into.hasRemaining()) {
      return n;
    }
    try {
      return readWhenReady(into);
    } catch (ClosedChannelException e) {
      throw closedMeanwhile(e);
    }
  }

  /** Polls for bytes within the budget, then waits for them in the reading selector. */
  private int readWhenReady(ByteBuffer into) throws IOException {
    target = into;
    long start;
    try {
      start = spin.beforeRead(poll);
    } finally {
      target = null;
    }
    IOException failed = failure;
    if (failed != null) {
      failure = null;
      throw failed;
    }
    if (polled != 0) {
      return polled;
    }
    Selector selector = selector(SelectionKey.OP_READ);
    int n;
    while ((n = socket.read(into)) == 0) {
      await(selector);
    }
    spin.afterRead(start);
    return n;
  }

  /** One poll: a read; whether it returned anything (bytes, the end, an error). */
  private boolean poll() {
    try {
      polled = socket.read(target);
      return polled != 0;
    } catch (IOException e) {
      failure = e;
      return true;
    }
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    failIfInterrupted();
    int written = socket.write(source); // fails as a blocking write does when the channel is closed already
    if (!source.hasRemaining()) {
      return written;
    }
    try {
      Selector selector = selector(SelectionKey.OP_WRITE);
      while (source.hasRemaining()) {
        int n = socket.write(source);
        written += n;
        if (n == 0) {
          await(selector);
        }
      }
      return written;
    } catch (ClosedChannelException e) {
      throw closedMeanwhile(e);
    }
  }

  /**
   * What a blocking channel throws when it is closed during a read or write that had started: an
   * {@link AsynchronousCloseException} (or its subclass for an interrupt).
   */
  private static AsynchronousCloseException closedMeanwhile(ClosedChannelException e) {
    return e instanceof AsynchronousCloseException asynchronous ? asynchronous : new AsynchronousCloseException();
  }

  /** The selector waiting for {@code op}, made and registered on its first wait. */
  private Selector selector(int op) throws IOException {
    synchronized (lock) {
      Selector selector = op == SelectionKey.OP_READ ? reading : writing;
      if (selector != null) {
        return selector;
      }
      if (closed) {
        throw new AsynchronousCloseException();
      }
      selector = Selector.open();
      try {
        socket.register(selector, op);
      } catch (IOException | RuntimeException e) {
        selector.close();
        throw e;
      }
      if (op == SelectionKey.OP_READ) {
        reading = selector;
      } else {
        writing = selector;
      }
      return selector;
    }
  }

  /**
   * Waits until the socket may be ready, was closed or the thread interrupted.
   *
   * @throws AsynchronousCloseException when the channel was closed meanwhile
   * @throws ClosedByInterruptException when the thread was interrupted (the channel is then closed)
   */
  private void await(Selector selector) throws IOException {
    try {
      selector.select(RECHECK_MILLIS);
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      // closed by close(), after the socket: the checks below report it
    }
    failIfInterrupted();
    if (!socket.isOpen()) {
      close(); // closed behind this channel's back: free the selectors too
      throw new AsynchronousCloseException();
    }
  }

  /** Closes the channel and throws when the thread is interrupted, as a blocking channel's I/O does. */
  private void failIfInterrupted() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      close();
      throw new ClosedByInterruptException();
    }
  }

  @Override
  public boolean isOpen() {
    return socket.isOpen();
  }

  /** Closes the socket, then the selectors, which wakes a thread waiting in one. Idempotent. */
  @Override
  public void close() throws IOException {
    Selector r;
    Selector w;
    synchronized (lock) {
      closed = true;
      r = reading;
      w = writing;
    }
    try {
      socket.close();
    } finally {
      closeQuietly(r);
      closeQuietly(w);
    }
  }

  private static void closeQuietly(Selector selector) {
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        // nothing more to do: no thread waits in it any more
      }
    }
  }
}
