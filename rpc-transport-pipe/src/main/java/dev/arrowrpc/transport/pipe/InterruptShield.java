package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
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
    Objects.requireNonNull(in, "in");
    return in instanceof ReadableByteChannel channel ? new ChannelInput(in, channel) : new Input(in);
  }

  /**
   * Shields a server's output.
   *
   * @param out the connection's output
   * @return a stream clearing pending interrupts before each write and flush
   */
  static OutputStream output(OutputStream out) {
    Objects.requireNonNull(out, "out");
    return out instanceof WritableByteChannel channel ? new ChannelOutput(out, channel) : new Output(out);
  }

  private static void clearPendingInterrupt() {
    if (Thread.interrupted()) {
      LOG.debug("cleared an interrupt left pending on server thread {}", Thread.currentThread().getName());
    }
  }

  /** Clears pending interrupts before reads. */
  private static class Input extends InputStream {
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
  private static class Output extends OutputStream {
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

  /** An {@link Input} over a stream that is also a channel, shielding its channel reads too. */
  private static final class ChannelInput extends Input implements ReadableByteChannel {
    private final ReadableByteChannel channel;

    ChannelInput(InputStream delegate, ReadableByteChannel channel) {
      super(delegate);
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      clearPendingInterrupt();
      return channel.read(target);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }
  }

  /** An {@link Output} over a stream that is also a channel, shielding its channel writes too. */
  private static final class ChannelOutput extends Output implements WritableByteChannel {
    private final WritableByteChannel channel;

    ChannelOutput(OutputStream delegate, WritableByteChannel channel) {
      super(delegate);
      this.channel = channel;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      clearPendingInterrupt();
      return channel.write(source);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }
  }
}
