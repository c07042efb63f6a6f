package dev.arrowrpc.core.wire;

import com.google.flatbuffers.Table;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * A record batch message's tables read for where their fields lie, which Arrow's generated {@code
 * Message} and {@code RecordBatch} keep to themselves (they hand out each struct through an object
 * per read instead): where the field-node and buffer vectors start, where the row count and the body
 * length are. One per thread, positioned, read and cleared within one call.
 */
final class RecordBatchTable extends Table {
  /** The vtable offset of {@code Message.bodyLength}. */
  private static final int BODY_LENGTH = 10;
  /** The vtable offset of {@code RecordBatch.length}. */
  private static final int LENGTH = 4;
  /** The vtable offset of {@code RecordBatch.nodes}. */
  private static final int NODES = 6;
  /** The vtable offset of {@code RecordBatch.buffers}. */
  private static final int BUFFERS = 8;

  private static final ThreadLocal<RecordBatchTable> SPARE = ThreadLocal.withInitial(RecordBatchTable::new);

  private RecordBatchTable() {}

  /** {@return a table of the caller's own, for one that keeps it (a walk: one per thread)} */
  static RecordBatchTable create() {
    return new RecordBatchTable();
  }

  /**
   * Reads where a record batch message's field-node and buffer vectors lie, when the message's
   * header is that batch: the same reads, in the same order, as {@code batch.nodesVector(..)} and
   * {@code batch.buffersVector(..)} make for their starts and lengths (so a malformed header fails
   * the same way). The table is left clear.
   *
   * @param message the message
   * @param batch its header, as Arrow's class read it
   * @param into where the positions go: nodes' start and count, buffers' start and count
   * @return whether they were read: false when the message's header is not that batch
   */
  boolean locate(Message message, RecordBatch batch, int[] into) {
    if (message.headerType() != MessageHeader.RecordBatch || message.getByteBuffer() != batch.getByteBuffer()) {
      return false;
    }
    message.header(this);
    try {
      into[0] = start(NODES);
      into[1] = length(NODES);
      into[2] = start(BUFFERS);
      into[3] = length(BUFFERS);
      return true;
    } finally {
      __reset();
    }
  }

  /**
   * Reads where a record batch message's vectors lie into a view.
   *
   * @param message the message, whose header is a record batch
   * @param view the view that keeps the positions
   */
  static void locate(Message message, BatchView view) {
    SPARE.get().locateInto(message, view);
  }

  /**
   * Reads where a record batch message's vectors lie into a view (see {@link #locate(Message,
   * BatchView)}) with this table, which the caller keeps for its thread; the table is left clear.
   */
  void locateInto(Message message, BatchView view) {
    message.header(this);
    try {
      // each vector's field looked up once; its start and length read as __vector and __vector_len do
      int nodes = __offset(NODES);
      int nodesAt = nodes == 0 ? 0 : __vector(nodes);
      int nodeCount = nodes == 0 ? 0 : bb.getInt(nodesAt - 4);
      int buffers = __offset(BUFFERS);
      int buffersAt = buffers == 0 ? 0 : __vector(buffers);
      int bufferCount = buffers == 0 ? 0 : bb.getInt(buffersAt - 4);
      view.vectors(bb, nodesAt, nodeCount, buffersAt, bufferCount);
    } finally {
      __reset();
    }
  }

  /**
   * Copies a record batch message's field nodes and buffers (two longs each: length and null count,
   * offset and length) into arrays, in two bulk copies, with a table the caller keeps (a reading
   * state's, {@link #create}).
   *
   * @param table the caller's table
   * @param message the message
   * @param batch its header, as Arrow's class read it
   * @param nodes where the field nodes go (room for {@code nodeCount} of them)
   * @param nodeCount how many field nodes the header holds (checked to lie inside it)
   * @param buffers where the buffers go (room for {@code bufferCount} of them)
   * @param bufferCount how many buffers the header holds (checked to lie inside it)
   * @return whether they were copied: false when the message's header is not that batch
   */
  static boolean copyVectors(RecordBatchTable table, Message message, RecordBatch batch, long[] nodes,
      int nodeCount, long[] buffers, int bufferCount) {
    if (message.headerType() != MessageHeader.RecordBatch || message.getByteBuffer() != batch.getByteBuffer()) {
      return false;
    }
    message.header(table);
    try {
      if (table.length(NODES) != nodeCount || table.length(BUFFERS) != bufferCount) {
        return false;
      }
      copy(table.bb, table.start(NODES), nodes, 2 * nodeCount);
      copy(table.bb, table.start(BUFFERS), buffers, 2 * bufferCount);
      return true;
    } finally {
      table.__reset();
    }
  }

  /**
   * Copies {@code count} little-endian longs of a header from {@code at} into an array (from its
   * start): one bounds check for them all, then plain reads.
   *
   * @throws IndexOutOfBoundsException when they do not lie inside the header
   */
  static void copy(ByteBuffer bytes, int at, long[] into, int count) {
    if (bytes.hasArray()) {
      byte[] array = bytes.array();
      int from = bytes.arrayOffset() + at;
      if (at < 0 || count > (bytes.limit() - at) / 8) {
        throw outside(count, at, bytes.limit());
      }
      if (count > into.length) {
        throw new IndexOutOfBoundsException("vector of " + count + " longs into an array of " + into.length);
      }
      if (MemoryUtil.LITTLE_ENDIAN) {
        // checked above: every read lies inside the array
        for (int i = 0; i < count; i++) {
          into[i] = MemoryUtil.getLong(array, from + 8 * i);
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        into[i] = (long) LONGS.get(array, from + 8 * i);
      }
    } else {
      for (int i = 0; i < count; i++) {
        into[i] = bytes.getLong(at + 8 * i);
      }
    }
  }

  /** The failure of a vector of {@code count} longs at {@code at} that is not inside its header. */
  static IndexOutOfBoundsException outside(int count, int at, int limit) {
    return new IndexOutOfBoundsException("vector of " + count + " longs at " + at + " outside a header of "
        + limit + " bytes");
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Where the values that change from one batch of a shape to the next lie in a record batch
   * message: its body length, its row count, its field-node and buffer vectors.
   *
   * @param bodyLength the absolute position of {@code Message.bodyLength}
   * @param rows the absolute position of {@code RecordBatch.length}
   * @param nodes the absolute position of the first field node (16 bytes each)
   * @param buffers the absolute position of the first buffer (16 bytes each)
   */
  record Positions(int bodyLength, int rows, int nodes, int buffers) {}

  /**
   * Finds where a record batch message's changing values lie, when every one of them is present
   * (flatbuffers leaves out a field that holds its default, zero).
   *
   * @param message the message, finished, whose header is a record batch with nodes and buffers
   * @return the positions, or null when one is absent
   */
  static Positions positions(Message message) {
    RecordBatchTable table = SPARE.get();
    try {
      table.__reset(message.getByteBuffer().getInt(message.getByteBuffer().position())
          + message.getByteBuffer().position(), message.getByteBuffer());
      int bodyLength = table.field(BODY_LENGTH);
      message.header(table);
      int rows = table.field(LENGTH);
      int nodes = table.length(NODES) == 0 ? -1 : table.start(NODES);
      int buffers = table.length(BUFFERS) == 0 ? -1 : table.start(BUFFERS);
      return bodyLength < 0 || rows < 0 || nodes < 0 || buffers < 0
          ? null : new Positions(bodyLength, rows, nodes, buffers);
    } finally {
      table.__reset();
    }
  }

  /** {@return the absolute position of a scalar field, or -1 when it is absent} */
  private int field(int vtableOffset) {
    int o = __offset(vtableOffset);
    return o == 0 ? -1 : bb_pos + o;
  }

  private int start(int field) {
    int o = __offset(field);
    return o == 0 ? 0 : __vector(o);
  }

  private int length(int field) {
    int o = __offset(field);
    return o == 0 ? 0 : __vector_len(o);
  }
}
