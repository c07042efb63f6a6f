package dev.arrowrpc.core.wire;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;

/**
 * Streams between an IPC stream and the binary cell that carries it, with at most one copy per
 * direction: a sink that writes the stream in place into a vector's data buffer, and a source that
 * reads a cell's bytes straight out of it (a large cell's message bodies not even copied).
 */
final class CellStreams {
  private CellStreams() {}

  /**
   * The cell at one index of a binary vector, written in place: the data buffer grows to fit, and
   * direct buffers are copied in with one memory copy. {@link #finish()} records the cell's length.
   */
  static final class VectorSink extends OutputStream implements WritableByteChannel {
    private final VarBinaryVector vector;
    private final int index;
    private final long start;
    private long count;

    VectorSink(VarBinaryVector vector, int index, long expected) {
      this.vector = vector;
      this.index = index;
      vector.fillEmpties(index);
      this.start = vector.getStartOffset(index);
      ensure(expected);
    }

    private void ensure(long more) {
      long needed = start + count + more;
      if (needed > Integer.MAX_VALUE) {
        throw new IllegalStateException(
            "a binary vector holds at most 2 GiB, and this cell would end at byte " + needed);
      }
      long capacity = vector.getDataBuffer().capacity();
      if (needed > capacity) {
        vector.reallocDataBuffer(Math.min(Math.max(needed, 2 * capacity), Integer.MAX_VALUE));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      vector.getDataBuffer().setByte(start + count, b);
      count++;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
      ensure(length);
      vector.getDataBuffer().setBytes(start + count, source, offset, length);
      count += length;
    }

    @Override
    public int write(ByteBuffer source) {
      int length = source.remaining();
      ensure(length);
      vector.getDataBuffer().setBytes(start + count, source.duplicate());
      source.position(source.limit());
      count += length;
      return length;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    /** Records the cell's length and marks it set. */
    void finish() {
      vector.setValueLengthSafe(index, (int) count);
      vector.setIndexDefined(index);
    }
  }

  /**
   * The smallest cell whose message bodies are lent ({@link LentSource}) rather than copied: below it
   * a copy costs little, and a decoded batch that outlives the call would keep the whole data buffer
   * it was lent from alive for a few bytes of its own.
   */
  static final long LEND_FROM_BYTES = 64 << 10;

  /**
   * A source over one cell: one that lends its message bodies in place ({@link LentSource}) when the
   * cell is large, starts on an 8-byte boundary (so do the bodies of a well-formed stream) and its
   * buffer's memory can move to the reader's allocator (the same root); else one that copies them.
   *
   * @param data the vector's data buffer
   * @param start where the cell starts in it
   * @param length the cell's length
   * @param allocator where the cell's batch is to be allocated
   * @return the source
   */
  static Source source(ArrowBuf data, long start, long length, BufferAllocator allocator) {
    boolean lend = length >= LEND_FROM_BYTES && ((data.memoryAddress() + start) & 7) == 0
        && data.getReferenceManager().getAllocator().getRoot() == allocator.getRoot();
    return lend ? new LentSource(data, start, length) : new Source(data, start, length);
  }

  /** The bytes of one cell of a vector's data buffer, read without copying them to the heap first. */
  static class Source extends InputStream implements ReadableByteChannel {
    final ArrowBuf data;
    long position;
    final long end;

    Source(ArrowBuf data, long start, long length) {
      this.data = data;
      this.position = start;
      this.end = start + length;
    }

    @Override
    public int read() {
      return position < end ? data.getByte(position++) & 0xff : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = (int) Math.min(length, end - position);
      data.getBytes(position, target, offset, n);
      position += n;
      return n;
    }

    @Override
    public int read(ByteBuffer target) {
      if (!target.hasRemaining()) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = (int) Math.min(target.remaining(), end - position);
      ByteBuffer window = target.duplicate();
      window.limit(window.position() + n);
      data.getBytes(position, window);
      target.position(target.position() + n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return (int) Math.min(end - position, Integer.MAX_VALUE);
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /**
   * A cell's source whose message bodies are buffers over the cell's own bytes, never copies (see
   * {@link MappedInput}): a batch read from the cell shares the vector's memory, holding a reference
   * to it until the batch is closed, and a batch moved to another allocator takes that memory along.
   */
  static final class LentSource extends Source implements MappedInput {
    LentSource(ArrowBuf data, long start, long length) {
      super(data, start, length);
    }

    @Override
    public Optional<ArrowBuf> take(long length) {
      if (length < 0 || length > end - position) {
        return Optional.empty();
      }
      ArrowBuf body = MappedInput.lend(data, position, length);
      position += length;
      return Optional.of(body);
    }
  }
}
