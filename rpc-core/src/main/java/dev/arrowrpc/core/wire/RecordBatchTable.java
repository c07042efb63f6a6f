package dev.arrowrpc.core.wire;

import com.google.flatbuffers.Table;
import org.apache.arrow.flatbuf.Message;

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

  /**
   * Reads where a record batch message's vectors lie into a view.
   *
   * @param message the message, whose header is a record batch
   * @param view the view that keeps the positions
   */
  static void locate(Message message, BatchView view) {
    RecordBatchTable table = SPARE.get();
    message.header(table);
    try {
      view.vectors(table.bb, table.start(NODES), table.length(NODES), table.start(BUFFERS), table.length(BUFFERS));
    } finally {
      table.__reset();
    }
  }

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
