package dev.arrowrpc.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * A record batch read straight from its message, without vectors: its field nodes and buffers in
 * schema order and its body. The reader hands one out only for a batch whose lengths it has already
 * checked against its schema ({@link WireBounds}): every buffer lies inside the body, every offset
 * inside its data, every bitmap long enough. A view lives until the reader moves on.
 */
public final class BatchView {
  private final RecordBatch batch;
  /**
   * The body's address and size: a view reads it directly after its own range check (the body lives
   * as long as the view, and {@code ArrowBuf}'s reads would check its reference count on every one).
   */
  private final long address;
  private final long size;
  /** The header's bytes, and where its field-node and buffer vectors (16-byte structs) start. */
  private ByteBuffer header;
  /** The header's array and the array index of its position 0, when it has an array (null when not). */
  private byte[] headerArray;
  private int headerBase;
  private int nodesAt;
  private int nodeCount;
  private int buffersAt;
  private int bufferCount;
  /** Texts up to this many bytes are copied a word at a time when their words lie inside the body. */
  private static final int SHORT_TEXT = 24;
  /**
   * This thread's recent short texts ({@link MessageReader.PerThread#recentTexts}): handed to the
   * view by its reader, or taken when the view first reads one.
   */
  private Recent[] recentTexts;
  /** Bytes copied out of the body on their way into a string (made when a string is read). */
  private byte[] scratch;
  private int nextNode;
  private int nextBuffer;
  private long nodeLength;
  private long nodeNulls;

  BatchView(Message message, RecordBatch batch, ArrowBuf body) {
    this.batch = batch;
    this.address = body == null ? 0 : body.memoryAddress();
    this.size = body == null ? 0 : body.capacity();
    // the vectors' positions are looked up once: a struct is then two reads away
    RecordBatchTable.locate(message, this);
  }

  /** A view located with a table the caller keeps for its thread ({@link RecordBatchTable#locateInto}). */
  BatchView(RecordBatchTable table, Recent[] recentTexts, Message message, RecordBatch batch, ArrowBuf body) {
    this.batch = batch;
    this.recentTexts = recentTexts;
    this.address = body == null ? 0 : body.memoryAddress();
    this.size = body == null ? 0 : body.capacity();
    table.locateInto(message, this);
  }

  /** The header's field-node vector: where it starts and how many nodes it declares (for the check). */
  int nodesAt() {
    return nodesAt;
  }

  int nodeCount() {
    return nodeCount;
  }

  /** The header's buffer vector: where it starts and how many buffers it declares (for the check). */
  int buffersAt() {
    return buffersAt;
  }

  int bufferCount() {
    return bufferCount;
  }

  /** Keeps where the header's vectors lie ({@link RecordBatchTable#locate}). */
  void vectors(ByteBuffer header, int nodesAt, int nodeCount, int buffersAt, int bufferCount) {
    this.header = header;
    if (header.hasArray()) {
      headerArray = header.array();
      headerBase = header.arrayOffset();
    }
    this.nodesAt = nodesAt;
    this.nodeCount = nodeCount;
    this.buffersAt = buffersAt;
    this.bufferCount = bufferCount;
  }

  /** {@return the batch's row count} */
  public long rows() {
    return batch.length();
  }

  /**
   * Moves to the next field node.
   *
   * @return its value count
   */
  public long node() {
    if (nextNode >= nodeCount) {
      throw new IllegalStateException("record batch has fewer field nodes than its schema needs");
    }
    int at = nodesAt + 16 * nextNode++;
    nodeLength = headerLong(at);
    nodeNulls = headerLong(at + 8);
    return nodeLength;
  }

  /** {@return the null count of the current field node} */
  public long nulls() {
    return nodeNulls;
  }

  /**
   * Takes the next buffer.
   *
   * @return its offset in the body
   */
  public long buffer() {
    if (nextBuffer >= bufferCount) {
      throw new IllegalStateException("record batch has fewer buffers than its schema needs");
    }
    int at = buffersAt + 16 * nextBuffer++;
    return headerLong(at);
  }

  /** The little-endian long at {@code at} in the header: from its array when it has one. */
  private long headerLong(int at) {
    return headerArray != null ? (long) LONGS.get(headerArray, headerBase + at) : header.getLong(at);
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** Longs in the order {@code MemoryUtil} reads them from memory. */
  private static final VarHandle NATIVE_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  /**
   * Whether value {@code i} of a field is valid (not null), by the field's null count and bitmap.
   *
   * @param validity the bitmap's offset in the body
   * @param nulls the field's null count
   * @param length the field's value count
   * @param i the value's position
   * @return whether it is valid
   */
  public boolean valid(long validity, long nulls, long length, long i) {
    if (nulls == 0) {
      return true;
    }
    if (nulls == length) {
      return false;
    }
    return bit(validity, i);
  }

  /** {@return the body's address of {@code width} bytes at {@code at}, which must lie inside it} */
  private long at(long at, int width) {
    if (at < 0 || width < 0 || at > size - width) {
      throw new IndexOutOfBoundsException("read of " + width + " bytes at " + at + " outside a body of "
          + size + " bytes");
    }
    return address + at;
  }

  /**
   * Reads a little-endian value, sign-extended.
   *
   * @param at its offset in the body
   * @param width its width in bytes (1, 2, 4 or 8)
   * @return the value
   */
  public long signed(long at, int width) {
    long from = at(at, width);
    return switch (width) {
      case 1 -> MemoryUtil.getByte(from);
      case 2 -> MemoryUtil.getShort(from);
      case 4 -> MemoryUtil.getInt(from);
      default -> MemoryUtil.getLong(from);
    };
  }

  /**
   * Reads a little-endian value, zero-extended (a 64-bit value as its bit pattern).
   *
   * @param at its offset in the body
   * @param width its width in bytes (1, 2, 4 or 8)
   * @return the value
   */
  public long unsigned(long at, int width) {
    long from = at(at, width);
    return switch (width) {
      case 1 -> MemoryUtil.getByte(from) & 0xffL;
      case 2 -> MemoryUtil.getShort(from) & 0xffffL;
      case 4 -> MemoryUtil.getInt(from) & 0xffffffffL;
      default -> MemoryUtil.getLong(from);
    };
  }

  /**
   * Reads a bit of a bitmap.
   *
   * @param at the bitmap's offset in the body
   * @param i the bit's position
   * @return the bit
   */
  public boolean bit(long at, long i) {
    return (MemoryUtil.getByte(at(at + (i >>> 3), 1)) >> (i & 7) & 1) != 0;
  }

  /**
   * Reads bytes of the body as text when every one of them is ASCII (an ASCII string is its bytes in
   * UTF-8). A text of up to 16 bytes may be a string returned before for the same bytes (by any
   * view on this thread): equal, immutable, not necessarily a new instance.
   *
   * @param at where they start
   * @param length how many
   * @return the text, or null when a byte is not ASCII
   */
  public String ascii(long at, int length) {
    if (length == 0) {
      return "";
    }
    long from = at(at, length);
    int words = (length + 7) >>> 3;
    if (length <= 16 && at <= size - 8L * words) {
      // one or two words inside the body (a data buffer is padded to 8 bytes): the text's bytes,
      // those past its end masked off, are the text itself, looked up among recent texts
      long first = MemoryUtil.getLong(from);
      long second = words == 2 ? MemoryUtil.getLong(from + 8) : 0;
      if (words == 1) {
        first &= textMask(length);
      } else {
        second &= textMask(length - 8);
      }
      if (((first | second) & 0x8080808080808080L) != 0) {
        return null;
      }
      long mix = first * 0x9E3779B97F4A7C15L + second * 0xC2B2AE3D27D4EB4FL + length;
      int slot = (int) (mix >>> 56) & (RECENT_TEXTS - 1);
      Recent[] table = recentTexts;
      if (table == null) {
        table = recentTexts = MessageReader.PerThread.current().recentTexts;
      }
      Recent found = table[slot];
      if (found != null && found.first == first && found.second == second && found.length == length) {
        return found.text;
      }
      byte[] scratch = scratch(16);
      NATIVE_LONGS.set(scratch, 0, first);
      NATIVE_LONGS.set(scratch, 8, second);
      String text = new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
      table[slot] = new Recent(first, second, length, text);
      return text;
    }
    byte[] scratch = scratch(8 * words);
    if (length <= SHORT_TEXT && at <= size - 8L * words) {
      // a short text whose whole words lie inside the body: copied a word at a time, its top bits
      // gathered and checked once (a bulk copy's own checks cost more); the bytes past its end are
      // copied but not checked, and not used
      long top = 0;
      int last = 8 * (words - 1);
      for (int i = 0; i < last; i += 8) {
        long word = MemoryUtil.getLong(from + i);
        NATIVE_LONGS.set(scratch, i, word);
        top |= word;
      }
      long word = MemoryUtil.getLong(from + last);
      NATIVE_LONGS.set(scratch, last, word);
      if (((top | word & textMask(length - last)) & 0x8080808080808080L) != 0) {
        return null;
      }
      return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }
    // ASCII bytes have their top bit clear: eight at a time, straight from the body
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if ((MemoryUtil.getLong(from + i) & 0x8080808080808080L) != 0) {
        return null;
      }
    }
    for (; i < length; i++) {
      if (MemoryUtil.getByte(from + i) < 0) {
        return null;
      }
    }
    MemoryUtil.copyFromMemory(from, scratch, 0, length);
    return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
  }

  /** The view's scratch array, made or grown to at least {@code length} bytes. */
  private byte[] scratch(int length) {
    if (scratch == null || scratch.length < length) {
      scratch = new byte[Math.max(length, scratch == null ? 32 : scratch.length * 2)];
    }
    return scratch;
  }

  /** The mask of a word read from memory that keeps its first {@code bytes} (1 to 8) bytes. */
  private static long textMask(int bytes) {
    return bytes == 8 ? -1L : LITTLE ? (1L << (8 * bytes)) - 1 : -1L << (64 - 8 * bytes);
  }

  /**
   * A text of at most 16 ASCII bytes read recently, and its bytes as one or two words read from
   * memory (zeros past its end): immutable, so that a table of them stays sound when a view is
   * read on another thread than the one whose table it took.
   */
  record Recent(long first, long second, int length, String text) {}

  /**
   * How many recent short texts a thread keeps (a power of two), by a hash of their bytes: a text
   * read again (a map's keys, a label) is the string read before instead of a new copy. A slot holds
   * the last text that hashed to it. Per thread: threads reading different texts do not overwrite
   * each other's.
   */
  static final int RECENT_TEXTS = 256;

  /**
   * Copies bytes out of the body.
   *
   * @param at where they start
   * @param length how many
   * @return the bytes
   */
  public byte[] bytes(long at, int length) {
    long from = at(at, length);
    byte[] copy = new byte[length];
    MemoryUtil.copyFromMemory(from, copy, 0, length);
    return copy;
  }
}
