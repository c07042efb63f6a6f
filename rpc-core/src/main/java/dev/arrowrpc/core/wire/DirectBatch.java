package dev.arrowrpc.core.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A record batch assembled byte by byte, without vectors: its field nodes, its buffers and its
 * body, in the order and with the sizes Arrow Java's unloader gives the same values (each buffer
 * starts at a multiple of 8 bytes; a validity bitmap of {@code ceil(n / 8)} bytes, none for zero
 * values; offsets of {@code (n + 1) * 4} bytes). {@link IpcStreamWriter#append(DirectBatch,
 * java.util.Map)} writes it as one message. One instance per thread is reused ({@link #take(long)}):
 * fill it, write it, and it is ready for the next batch.
 */
public final class DirectBatch {
  private static final ThreadLocal<DirectBatch> SPARE = ThreadLocal.withInitial(DirectBatch::new);

  private long rows;
  /**
   * The field nodes and buffers as a record batch header lays them out (16-byte structs of two
   * little-endian longs: length and null count, offset and length), so that a kept header is patched
   * with one copy of each ({@link #copyNodes}, {@link #copyBuffers}).
   */
  private byte[] nodes = new byte[16 * 16];
  private int nodeCount;
  private byte[] buffers = new byte[16 * 32];
  private int bufferCount;
  private byte[] body = new byte[512];
  private int size;
  private int bufferStart = -1;

  private DirectBatch() {}

  /**
   * This thread's batch, emptied: a batch of {@code rows} rows with no nodes and no buffers yet.
   *
   * @param rows the batch's row count
   * @return the batch
   */
  public static DirectBatch take(long rows) {
    DirectBatch batch = SPARE.get();
    batch.rows = rows;
    batch.nodeCount = 0;
    batch.bufferCount = 0;
    batch.size = 0;
    batch.bufferStart = -1;
    return batch;
  }

  /** {@return the batch's row count} */
  long rows() {
    return rows;
  }

  /**
   * Adds a field node.
   *
   * @param length the field's value count
   * @param nulls its null count
   */
  public void node(long length, long nulls) {
    if (16 * nodeCount + 16 > nodes.length) {
      nodes = Arrays.copyOf(nodes, nodes.length * 2);
    }
    LONGS.set(nodes, 16 * nodeCount, length);
    LONGS.set(nodes, 16 * nodeCount + 8, nulls);
    nodeCount++;
  }

  /** Starts the next buffer, at the body's current (8-byte aligned) end. */
  public void startBuffer() {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is already open");
    }
    bufferStart = size;
  }

  /** Ends the open buffer and pads the body to the next multiple of 8 bytes. */
  public void endBuffer() {
    if (bufferStart < 0) {
      throw new IllegalStateException("no buffer is open");
    }
    addBuffer(bufferStart, size - bufferStart);
    int padded = (size + 7) & ~7;
    if (padded != size) {
      ensure(padded - size); // exactly the padding: growing for more would double a body that just fits
      if (size + 8 <= body.length) {
        LONGS.set(body, size, 0L); // one store (bytes past the padding are overwritten or unused)
      } else {
        Arrays.fill(body, size, padded, (byte) 0);
      }
      size = padded;
    }
    bufferStart = -1;
  }

  /** Records a buffer of the body: where it starts and how long it is. */
  private void addBuffer(int start, int length) {
    if (16 * bufferCount + 16 > buffers.length) {
      buffers = Arrays.copyOf(buffers, buffers.length * 2);
    }
    LONGS.set(buffers, 16 * bufferCount, (long) start);
    LONGS.set(buffers, 16 * bufferCount + 8, (long) length);
    bufferCount++;
  }

  /**
   * Adds a buffer of {@code width} little-endian bytes of one value, padded with zeros to 8 bytes:
   * what {@code startBuffer(); put(value, width); endBuffer();} lays out, in one store.
   *
   * @param value the value
   * @param width its width in bytes (1, 2, 4 or 8)
   */
  public void word(long value, int width) {
    padded(width == 8 ? value : value & ((1L << (8 * width)) - 1), width);
  }

  /** Adds a buffer of the {@code length} (at most 8) low bytes of {@code bytes}, whose other bytes are 0. */
  private void padded(long bytes, int length) {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is already open");
    }
    ensure(8);
    LONGS.set(body, size, bytes);
    addBuffer(size, length);
    size += 8;
  }

  /**
   * Adds the 32-bit offsets buffer of a one-value field of {@code length} items or bytes ({@code 0,
   * length}): what writing the two offsets into a buffer of their own lays out, in one store.
   *
   * @param length the value's length
   */
  public void oneOffsets(int length) {
    word((long) length << 32, 8);
  }

  /**
   * Adds the validity bitmap and value buffer of a one-value fixed-width field: what {@code
   * word(isNull ? 0 : 1, 1); word(isNull ? 0 : value, width)} lays out.
   *
   * @param isNull whether the value is null (its bits are then 0)
   * @param value the value's bits, when it is not null
   * @param width its width in bytes (1, 2, 4 or 8)
   */
  public void oneFixed(boolean isNull, long value, int width) {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is already open");
    }
    ensure(16);
    if (16 * bufferCount + 32 > buffers.length) {
      buffers = Arrays.copyOf(buffers, buffers.length * 2);
    }
    int at = size;
    LONGS.set(body, at, isNull ? 0L : 1L);
    LONGS.set(body, at + 8, isNull ? 0L : width == 8 ? value : value & ((1L << (8 * width)) - 1));
    int record = 16 * bufferCount;
    LONGS.set(buffers, record, (long) at);
    LONGS.set(buffers, record + 8, 1L);
    LONGS.set(buffers, record + 16, (long) at + 8);
    LONGS.set(buffers, record + 24, (long) width);
    bufferCount += 2;
    size = at + 16;
  }

  /**
   * Adds the offsets and data buffers of a one-value variable-width field holding a string's UTF-8
   * bytes: what {@code oneOffsets(n); startBuffer(); put(bytes); endBuffer()} lays out for its
   * {@code n} bytes, without them in an array of their own when the string is short and ASCII.
   *
   * @param text the string
   */
  public void oneText(String text) {
    int offsets = size;
    oneOffsets(0);
    startBuffer();
    int length = putUtf8(text);
    endBuffer();
    INTS.set(body, offsets + 4, length);
  }

  /**
   * Appends a string's UTF-8 bytes to the open buffer: a short ASCII string char by char, others
   * through {@code getBytes}.
   *
   * @param text the string
   * @return how many bytes
   */
  public int putUtf8(String text) {
    int length = text.length();
    if (length <= SHORT_TEXT) {
      ensure(length);
      byte[] body = this.body;
      int at = size;
      int i = 0;
      for (; i < length; i++) {
        char c = text.charAt(i);
        if (c >= 0x80) {
          break;
        }
        body[at + i] = (byte) c;
      }
      if (i == length) {
        size = at + length;
        return length;
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    put(bytes);
    return bytes.length;
  }

  /** Strings up to this many chars are encoded straight into the body when they are ASCII. */
  private static final int SHORT_TEXT = 64;

  /**
   * Adds the offsets and data buffers of a variable-width field (utf8 or binary): what writing the
   * values' 32-bit offsets into a buffer and their bytes into the next lays out.
   *
   * @param values the values: a {@code String} (its UTF-8 bytes), a {@code byte[]}, or null (no
   *     bytes); the first {@code count} used
   * @param count how many
   */
  public void variableWidth(Object[] values, int count) {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is already open");
    }
    int length = 4 * (count + 1);
    int padded = (length + 7) & ~7;
    ensure(padded);
    int offsets = size;
    INTS.set(body, offsets, 0);
    if (padded != length) {
      INTS.set(body, offsets + length, 0); // the padding
    }
    addBuffer(offsets, length);
    size = offsets + padded;
    startBuffer();
    int offset = 0;
    for (int i = 0; i < count; i++) {
      Object value = values[i];
      if (value instanceof String text) {
        offset += putUtf8(text);
      } else if (value != null) {
        byte[] bytes = (byte[]) value;
        put(bytes);
        offset += bytes.length;
      }
      INTS.set(body, offsets + 4 * (i + 1), offset);
    }
    endBuffer();
  }

  /**
   * Adds the validity bitmap and value buffer of a fixed-width field of {@code count} values, every
   * one null and zero until set ({@link #setValid}, {@link #setValue}): what {@link #validity} and a
   * buffer of {@code count} values lay out once they are.
   *
   * @param count the value count
   * @param width the values' width in bytes (1, 2, 4 or 8)
   * @return the bitmap's offset in the body; the values start at {@link #valuesAfter} of it
   */
  public int fixedBuffers(int count, int width) {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is already open");
    }
    int bitmap = (count + 7) >>> 3;
    int values = count * width;
    int total = ((bitmap + 7) & ~7) + ((values + 7) & ~7);
    ensure(total);
    int at = size;
    for (int i = 0; i < total; i += 8) {
      LONGS.set(body, at + i, 0L);
    }
    addBuffer(at, bitmap);
    addBuffer(valuesAfter(at, count), values);
    size = at + total;
    return at;
  }

  /**
   * Where the values of a {@link #fixedBuffers} field start.
   *
   * @param bitmap the field's bitmap offset
   * @param count its value count
   * @return the values' offset
   */
  public static int valuesAfter(int bitmap, int count) {
    return bitmap + ((((count + 7) >>> 3) + 7) & ~7);
  }

  /**
   * Marks value {@code i} of a {@link #fixedBuffers} field valid.
   *
   * @param bitmap the field's bitmap offset
   * @param i the value's position
   */
  public void setValid(int bitmap, int i) {
    int at = bitmap + (i >>> 3);
    if (at < 0 || at >= size) {
      throw new IndexOutOfBoundsException("bit " + i + " at " + bitmap + " outside a body of " + size + " bytes");
    }
    body[at] |= (byte) (1 << (i & 7));
  }

  /**
   * Sets a little-endian value of a {@link #fixedBuffers} field.
   *
   * @param at its offset in the body
   * @param value the value
   * @param width its width in bytes (1, 2, 4 or 8)
   */
  public void setValue(int at, long value, int width) {
    if (at < 0 || at > size - width) {
      throw new IndexOutOfBoundsException("value at " + at + " outside a body of " + size + " bytes");
    }
    switch (width) {
      case 8 -> LONGS.set(body, at, value);
      case 4 -> INTS.set(body, at, (int) value);
      default -> {
        for (int i = 0; i < width; i++) {
          body[at + i] = (byte) (value >>> (8 * i));
        }
      }
    }
  }

  /** Adds an empty buffer. */
  public void emptyBuffer() {
    startBuffer();
    endBuffer();
  }

  /**
   * Adds a validity bitmap buffer of {@code ceil(count / 8)} bytes (none for zero values).
   *
   * @param valid whether each value is valid (not null), the first {@code count} entries used
   * @param count the value count
   */
  public void validity(boolean[] valid, int count) {
    startBuffer();
    int bytes = (count + 7) >>> 3;
    ensure(bytes);
    for (int b = 0; b < bytes; b++) {
      int bits = 0;
      for (int i = 0; i < 8 && b * 8 + i < count; i++) {
        if (valid[b * 8 + i]) {
          bits |= 1 << i;
        }
      }
      body[size++] = (byte) bits;
    }
    endBuffer();
  }

  /**
   * Adds a validity bitmap of {@code ceil(count / 8)} bytes with every value valid.
   *
   * @param count the value count
   */
  public void allValid(int count) {
    if (count > 0 && count <= 64) {
      // the bitmap and its padding in one word
      padded(count == 64 ? -1L : (1L << count) - 1, (count + 7) >>> 3);
      return;
    }
    startBuffer();
    int bytes = (count + 7) >>> 3;
    ensure(bytes);
    for (int b = 0; b < bytes; b++) {
      int left = count - b * 8;
      body[size++] = (byte) (left >= 8 ? 0xff : (1 << left) - 1);
    }
    endBuffer();
  }

  /**
   * Appends little-endian bytes of a value to the open buffer.
   *
   * @param value the value
   * @param width its width in bytes (1, 2, 4 or 8)
   */
  public void put(long value, int width) {
    ensure(8);
    switch (width) {
      case 8 -> LONGS.set(body, size, value);
      case 4 -> INTS.set(body, size, (int) value);
      default -> {
        for (int i = 0; i < width; i++) {
          body[size + i] = (byte) (value >>> (8 * i));
        }
      }
    }
    size += width;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Appends bytes to the open buffer.
   *
   * @param bytes the bytes
   */
  public void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, body, size, bytes.length);
    size += bytes.length;
  }

  private void ensure(int more) {
    if (size + more > body.length) {
      // room for the padding that follows too: a body that grew to fit is not doubled by its padding
      body = Arrays.copyOf(body, Math.max(body.length * 2, size + more + 7));
    }
  }

  int nodeCount() {
    return nodeCount;
  }

  long nodeLength(int i) {
    return (long) LONGS.get(nodes, 16 * i);
  }

  long nodeNulls(int i) {
    return (long) LONGS.get(nodes, 16 * i + 8);
  }

  /** Copies the field nodes, laid out as a header's node vector, to {@code at} in {@code header}. */
  void copyNodes(byte[] header, int at) {
    System.arraycopy(nodes, 0, header, at, 16 * nodeCount);
  }

  /** Copies the buffers, laid out as a header's buffer vector, to {@code at} in {@code header}. */
  void copyBuffers(byte[] header, int at) {
    System.arraycopy(buffers, 0, header, at, 16 * bufferCount);
  }

  int bufferCount() {
    return bufferCount;
  }

  long bufferOffset(int i) {
    return (long) LONGS.get(buffers, 16 * i);
  }

  long bufferLength(int i) {
    return (long) LONGS.get(buffers, 16 * i + 8);
  }

  /** {@return the body's bytes (the first {@link #bodyLength()} of them)} */
  byte[] body() {
    return body;
  }

  /** {@return the body's length, a multiple of 8} */
  int bodyLength() {
    if (bufferStart >= 0) {
      throw new IllegalStateException("a buffer is still open");
    }
    return size;
  }
}
