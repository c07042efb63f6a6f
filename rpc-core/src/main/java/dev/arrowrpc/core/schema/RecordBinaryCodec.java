package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.WireFormatException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A record used as a parameter or unary result: a binary cell holding a complete IPC stream of the
 * record's own schema with one row, as the reference sends a dataclass.
 */
final class RecordBinaryCodec extends Codec {
  private final RecordSchema record;

  /**
   * Creates the codec.
   *
   * @param record the record's schema
   */
  RecordBinaryCodec(RecordSchema record) {
    this.record = record;
  }

  @Override
  protected ArrowType arrowType() {
    return ArrowType.Binary.INSTANCE;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    byte[] bytes;
    try (Batch batch = record.encode(List.of(value), context.allocator())) {
      bytes = IpcBytes.stream(record.schema(), batch);
    }
    ((VarBinaryVector) vector).setSafe(index, bytes);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof VarBinaryVector v)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType()
              + ", expected binary holding a " + record.type().getSimpleName());
    }
    try (IpcStreamReader reader = IpcBytes.readSingle(v.get(index), context.allocator())) {
      if (reader.root().getRowCount() != 1) {
        throw new MarshalException(
            "the column holds a " + record.type().getSimpleName()
                + " stream with " + reader.root().getRowCount() + " rows, expected 1");
      }
      return record.readRow(reader.root().getFieldVectors(), 0, new ReadContext(reader, context.allocator()));
    } catch (WireFormatException e) {
      throw new MarshalException(
          "the column does not hold a valid IPC stream: " + e.getMessage(), e);
    }
  }
}
