package dev.arrowrpc.core.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * The buffered write side of a connection. Small writes gather in a heap buffer until a flush; a
 * large write from a direct buffer (an Arrow record-batch body) goes straight from that buffer to
 * the connection when the sink stream is also a {@link WritableByteChannel}, after the bytes
 * gathered before it, so bulk data is never copied through the Java heap.
 *
 * <p>A sink that implements {@link WritableByteChannel} promises that its stream writes and its
 * channel writes extend one and the same byte sequence, in call order.
 */
public final class WireOutput extends OutputStream implements WritableByteChannel {
  private final OutputStream sink;
  private final WritableByteChannel channel;
  private final byte[] buffer;
  private int count;
  private boolean open = true;
  /** The state of the thread that last wrote a stream on this output (see {@link #writeState()}). */
  private Owned writeState;

  /** A thread's state, with the thread it belongs to. */
  private record Owned(Thread thread, MessageReader.PerThread state) {}

  /**
   * The state of the thread calling: kept here for the thread that last asked, since a
   * connection's output is written by one thread stream after stream (a look-up of a thread-local
   * value costs more than a comparison); another thread looks its own up and keeps it instead.
   */
  MessageReader.PerThread writeState() {
    Owned owned = writeState;
    Thread thread = Thread.currentThread();
    if (owned == null || owned.thread() != thread) {
      owned = new Owned(thread, MessageReader.PerThread.current());
      writeState = owned;
    }
    return owned.state();
  }

  /**
   * Buffers a connection's output.
   *
   * @param sink the connection's byte stream; when it is also a {@link WritableByteChannel} that
   *     channel receives large direct writes
   * @param bufferSize the heap buffer's size in bytes
   */
  public WireOutput(OutputStream sink, int bufferSize) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.channel = sink instanceof WritableByteChannel direct ? direct : null;
    if (bufferSize <= 0) {
      throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
    }
    this.buffer = new byte[bufferSize];
  }

  /** {@return whether large direct writes reach the connection without a heap copy} */
  public boolean writesDirect() {
    return channel != null;
  }

  private void drain() throws IOException {
    if (count > 0) {
      sink.write(buffer, 0, count);
      count = 0;
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      drain();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] source, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, source.length);
    if (length >= buffer.length) {
      drain();
      sink.write(source, offset, length);
      return;
    }
    if (length > buffer.length - count) {
      drain();
    }
    System.arraycopy(source, offset, buffer, count, length);
    count += length;
  }

  /**
   * Writes a whole buffer: a large direct one straight to the connection's channel, anything else
   * through the heap buffer.
   *
   * @param source the bytes; all of them are written
   * @return the number of bytes written
   * @throws IOException when the connection fails
   */
  @Override
  public int write(ByteBuffer source) throws IOException {
    int length = source.remaining();
    if (source.hasArray()) {
      write(source.array(), source.arrayOffset() + source.position(), length);
      source.position(source.limit());
      return length;
    }
    if (channel != null && length >= WireInput.DIRECT_THRESHOLD) {
      drain();
      while (source.hasRemaining()) {
        channel.write(source);
      }
      return length;
    }
    while (source.hasRemaining()) {
      if (count == buffer.length) {
        drain();
      }
      int n = Math.min(source.remaining(), buffer.length - count);
      source.get(buffer, count, n);
      count += n;
    }
    return length;
  }

  /** Writes the gathered bytes to the connection and flushes it. */
  @Override
  public void flush() throws IOException {
    drain();
    sink.flush();
  }

  /**
   * Forgets the bytes gathered but not yet written, for a transport whose next call starts on a
   * fresh stream (see {@link dev.arrowrpc.core.ByteTransport#callScoped()}): what a failed call left
   * behind must not be sent as the start of the next call.
   */
  public void discardBuffered() {
    count = 0;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Flushes, then closes the sink stream. */
  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    try {
      flush();
    } finally {
      sink.close();
    }
  }
}
