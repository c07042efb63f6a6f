package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.DirectBatch;
import dev.arrowrpc.core.wire.MarshalException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The small-batch lane of a {@link RowLayout}: one row written straight into an IPC record batch
 * and read straight out of one, without vectors, for layouts whose every column has a {@link
 * CellLane} (integers, floats, booleans, strings, binary, dates and times, and lists, sets, maps and
 * optionals of those). The bytes written are those the vector path writes for the same values, and
 * the values read, and the errors raised, are those of {@link RowLayout#decodeRow}; a call's
 * parameters and a unary result take this lane, everything else the vectors.
 */
public final class RowLane {
  private final List<Column> columns;
  /** The columns again, and whether each is nullable, as arrays: the per-call loops read no list. */
  private final Column[] byIndex;
  private final boolean[] nullable;
  private final CellLane[] lanes;
  /**
   * Each column's lane's class, when it is one {@link #decode} calls directly ({@link #FIXED},
   * {@link #BYTES}, {@link #BITS}, {@link #LIST}, {@link #MAP}), else {@link #OTHER}: the lanes of
   * many classes share decode's call site, which would dispatch each column's read through the
   * vtable.
   */
  private final byte[] kinds;
  private final List<Field> fields;

  private static final byte OTHER = 0;
  private static final byte FIXED = 1;
  private static final byte BYTES = 2;
  private static final byte BITS = 3;
  private static final byte LIST = 4;
  private static final byte MAP = 5;
  /** The last received schema instance that was this layout's (readers intern schemas). */
  private volatile Schema matched;

  private RowLane(List<Column> columns, CellLane[] lanes, List<Field> fields) {
    this.columns = columns;
    this.byIndex = columns.toArray(new Column[0]);
    this.nullable = new boolean[byIndex.length];
    for (int c = 0; c < byIndex.length; c++) {
      nullable[c] = byIndex[c].nullable();
    }
    this.lanes = lanes;
    this.kinds = new byte[lanes.length];
    for (int c = 0; c < lanes.length; c++) {
      kinds[c] = kindOf(lanes[c]);
    }
    this.fields = fields;
  }

  private static byte kindOf(CellLane lane) {
    if (lane instanceof CellLane.Fixed) {
      return FIXED;
    }
    if (lane instanceof CellLane.Bytes) {
      return BYTES;
    }
    if (lane instanceof CellLane.Bits) {
      return BITS;
    }
    if (lane instanceof CellLane.ListLane) {
      return LIST;
    }
    return lane instanceof CellLane.MapLane ? MAP : OTHER;
  }

  /**
   * Whether a received batch's schema is exactly this layout's (the same fields in the same order),
   * so that its batches can be decoded on this lane.
   *
   * @param received the schema the batch came with
   * @return whether it is
   */
  public boolean reads(Schema received) {
    if (received == matched) {
      return true;
    }
    if (!received.getFields().equals(fields)) {
      return false;
    }
    matched = received;
    return true;
  }

  /** {@return the columns' lanes, in column order} */
  CellLane[] lanes() {
    return lanes.clone();
  }

  /** The lane of the given columns, when every one of them has one. */
  static Optional<RowLane> of(List<Column> columns, Schema schema) {
    CellLane[] lanes = new CellLane[columns.size()];
    for (int i = 0; i < lanes.length; i++) {
      Optional<CellLane> lane = columns.get(i).codec().lane();
      if (lane.isEmpty()) {
        return Optional.empty();
      }
      lanes[i] = lane.get();
    }
    return Optional.of(new RowLane(columns, lanes, schema.getFields()));
  }

  /**
   * Encodes one row into this thread's {@link DirectBatch}, checking each value as {@link
   * Column#write} does (a missing value in a non-nullable column, a value out of range), in column
   * order.
   *
   * @param values the row's values, in column order
   * @return the batch, valid until this thread's next direct batch
   * @throws MarshalException naming the column whose value cannot be written
   */
  public DirectBatch encode(Object[] values) {
    CellLane[] lanes = this.lanes;
    if (values.length != lanes.length) {
      throw new MarshalException("expected " + lanes.length + " values, got " + values.length);
    }
    DirectBatch batch = DirectBatch.take(1);
    for (int c = 0; c < lanes.length; c++) {
      Object value = values[c];
      if (!nullable[c] && lanes[c].unwrap(value) == null) {
        throw new MarshalException("the field is not nullable but the value is null").within(byIndex[c].name());
      }
      try {
        // each column is checked before it is laid out, so errors come in column order; a failure
        // abandons the batch (the thread's next take starts it over)
        lanes[c].writeOne(batch, value);
      } catch (MarshalException e) {
        throw e.within(byIndex[c].name());
      }
    }
    return batch;
  }

  /**
   * Encodes a one-column row (a unary result) into this thread's {@link DirectBatch}, as {@link
   * #encode} does for {@code new Object[] {value}}.
   *
   * @param value the value
   * @return the batch, valid until this thread's next direct batch
   * @throws MarshalException naming the column when the value cannot be written
   */
  public DirectBatch encodeSingle(Object value) {
    if (lanes.length != 1) {
      throw new MarshalException("expected " + columns.size() + " values, got 1");
    }
    Column column = columns.get(0);
    if (!column.nullable() && lanes[0].unwrap(value) == null) {
      throw new MarshalException("the field is not nullable but the value is null").within(column.name());
    }
    DirectBatch batch = DirectBatch.take(1);
    try {
      lanes[0].writeOne(batch, value);
    } catch (MarshalException e) {
      throw e.within(column.name());
    }
    return batch;
  }

  /**
   * Decodes row 0 of a batch whose schema is this layout's, as {@link RowLayout#decodeRow} would
   * from the batch loaded into vectors.
   *
   * @param view the batch
   * @return the values in column order
   * @throws MarshalException naming the column whose cell cannot be read
   */
  public Object[] decode(BatchView view) {
    CellLane[] lanes = this.lanes;
    Column[] columns = byIndex;
    byte[] kinds = this.kinds;
    Object[] values = new Object[lanes.length];
    for (int c = 0; c < lanes.length; c++) {
      CellLane lane = lanes[c];
      values[c] = switch (kinds[c]) {
        case FIXED -> ((CellLane.Fixed) lane).readFirst(view, columns[c]);
        case BYTES -> ((CellLane.Bytes) lane).readFirst(view, columns[c]);
        case BITS -> ((CellLane.Bits) lane).readFirst(view, columns[c]);
        case LIST -> ((CellLane.ListLane) lane).readFirst(view, columns[c]);
        case MAP -> ((CellLane.MapLane) lane).readFirst(view, columns[c]);
        default -> lane.readFirst(view, columns[c]);
      };
    }
    return values;
  }
}
