package dev.arrowrpc.core.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * The buffered read side of a connection. Small reads (message headers, metadata) are served from a
 * heap buffer; a large read into a direct buffer (an Arrow record-batch body) goes straight from the
 * connection into that buffer when the source stream is also a {@link ReadableByteChannel}, so bulk
 * data is never copied through the Java heap.
 *
 * <p>A source that implements {@link ReadableByteChannel} promises that its stream reads and its
 * channel reads consume one and the same byte sequence (neither buffers ahead of the other).
 */
public final class WireInput extends InputStream implements ReadableByteChannel {
  /** Reads into a direct buffer at least this large bypass the heap buffer. */
  static final int DIRECT_THRESHOLD = 16 * 1024;

  private final InputStream source;
  private final ReadableByteChannel channel;
  private final byte[] buffer;
  private int position;
  private int limit;
  private boolean open = true;
  /** The reading state of the thread that last opened a stream on this input (see {@link #readState()}). */
  private Owned readState;

  /**
   * An input that passes a {@link WireInput}'s bytes through (looking at them on the way, as a
   * server's request capture does): stream readers find the connection's input through it.
   */
  public interface Over {
    /** {@return the connection's input these bytes come from, or null when there is none} */
    WireInput wireInput();
  }

  /** A thread's reading state, with the thread it belongs to. */
  private record Owned(Thread thread, MessageReader.PerThread state) {}

  /**
   * The reading state of the thread calling: kept here for the thread that last asked, since a
   * connection's input is read by one thread stream after stream (a look-up of a thread-local
   * value is a native call on this JDK); another thread looks its own up and keeps it instead.
   */
  MessageReader.PerThread readState() {
    Owned owned = readState;
    Thread thread = Thread.currentThread();
    if (owned == null || owned.thread() != thread) {
      owned = new Owned(thread, MessageReader.PerThread.current());
      readState = owned;
    }
    return owned.state();
  }

  /**
   * Buffers a connection's input.
   *
   * @param source the connection's byte stream; when it is also a {@link ReadableByteChannel} that
   *     channel receives large direct reads
   * @param bufferSize the heap buffer's size in bytes
   */
  public WireInput(InputStream source, int bufferSize) {
    this.source = Objects.requireNonNull(source, "source");
    this.channel = source instanceof ReadableByteChannel direct ? direct : null;
    if (bufferSize <= 0) {
      throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
    }
    this.buffer = new byte[bufferSize];
  }

  /** {@return whether large direct reads reach the connection without a heap copy} */
  public boolean readsDirect() {
    return channel != null;
  }

  private boolean fill() throws IOException {
    int n = source.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, target.length);
    if (length == 0) {
      return 0;
    }
    int buffered = limit - position;
    if (buffered > 0) {
      int n = Math.min(buffered, length);
      System.arraycopy(buffer, position, target, offset, n);
      position += n;
      return n;
    }
    if (length >= buffer.length) {
      return source.read(target, offset, length);
    }
    if (!fill()) {
      return -1;
    }
    return read(target, offset, length);
  }

  /**
   * Reads into a buffer: buffered bytes first, then, for a large direct target, straight from the
   * connection's channel.
   *
   * @param target where the bytes go
   * @return the number of bytes read, or -1 at the end of input
   * @throws IOException when the connection fails
   */
  @Override
  public int read(ByteBuffer target) throws IOException {
    int wanted = target.remaining();
    if (wanted == 0) {
      return 0;
    }
    int buffered = limit - position;
    if (buffered > 0) {
      int n = Math.min(buffered, wanted);
      target.put(buffer, position, n);
      position += n;
      return n;
    }
    if (channel != null && wanted >= DIRECT_THRESHOLD && !target.hasArray()) {
      int n;
      do {
        n = channel.read(target);
      } while (n == 0);
      return n;
    }
    if (target.hasArray()) {
      int n = read(target.array(), target.arrayOffset() + target.position(), wanted);
      if (n > 0) {
        target.position(target.position() + n);
      }
      return n;
    }
    if (!fill()) {
      return -1;
    }
    return read(target);
  }

  @Override
  public int available() throws IOException {
    return (limit - position) + source.available();
  }

  /**
   * Forgets the bytes read ahead of the caller, for a transport whose next call starts on a fresh
   * stream (see {@link dev.arrowrpc.core.ByteTransport#callScoped()}): what the failed call left
   * behind must not be read as the next call's answer.
   */
  public void discardBuffered() {
    position = 0;
    limit = 0;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Closes the source stream. */
  @Override
  public void close() throws IOException {
    open = false;
    source.close();
  }
}
