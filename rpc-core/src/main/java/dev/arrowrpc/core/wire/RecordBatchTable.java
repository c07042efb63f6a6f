package dev.arrowrpc.core.wire;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import org.apache.arrow.flatbuf.Message;

/**
 * A record batch message's header table, read for where its field-node and buffer vectors start,
 * which Arrow's generated {@code RecordBatch} keeps to itself (it hands out each struct through an
 * object per read instead). One per thread, positioned, read and cleared within one call.
 */
final class RecordBatchTable extends Table {
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

  private int start(int field) {
    int o = __offset(field);
    return o == 0 ? 0 : __vector(o);
  }

  private int length(int field) {
    int o = __offset(field);
    return o == 0 ? 0 : __vector_len(o);
  }

  /** {@return the table's bytes (for tests)} */
  ByteBuffer bytes() {
    return bb;
  }
}
