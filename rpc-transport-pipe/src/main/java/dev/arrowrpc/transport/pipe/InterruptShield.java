package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards a server connection's streams against an interrupt left pending by service code.
 *
 * <p>Service methods run on the connection's thread. One that restores an interrupt (say after
 * catching {@code InterruptedException}) would otherwise make the very next I/O fail: an NIO channel
 * closes itself when used by an interrupted thread, and an in-memory pipe refuses to wait. The
 * thread belongs to the transport, whose own shutdown closes the channel rather than relying on
 * interrupts, so a pending interrupt is cleared before each read and write. An interrupt arriving
 * while the thread is blocked in I/O still takes effect.
 */
final class InterruptShield {
  private static final Logger LOG = LoggerFactory.getLogger(InterruptShield.class);

  private InterruptShield() {}

  /**
   * Shields a server's input.
   *
   * @param in the connection's input
   * @return a stream clearing pending interrupts before each read
   */
  static InputStream input(InputStream in) {
    return new Input(Objects.requireNonNull(in, "in"));
  }

  /**
   * Shields a server's output.
   *
   * @param out the connection's output
   * @return a stream clearing pending interrupts before each write and flush
   */
  static OutputStream output(OutputStream out) {
    return new Output(Objects.requireNonNull(out, "out"));
  }

  private static void clearPendingInterrupt() {
    if (Thread.interrupted()) {
      LOG.debug("cleared an interrupt left pending on server thread {}", Thread.currentThread().getName());
    }
  }

  /** Clears pending interrupts before reads. */
  private static final class Input extends InputStream {
    private final InputStream delegate;

    Input(InputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
      clearPendingInterrupt();
      return delegate.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      clearPendingInterrupt();
      return delegate.read(b, off, len);
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

  /** Clears pending interrupts before writes. */
  private static final class Output extends OutputStream {
    private final OutputStream delegate;

    Output(OutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      clearPendingInterrupt();
      delegate.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      clearPendingInterrupt();
      delegate.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      clearPendingInterrupt();
      delegate.flush();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
