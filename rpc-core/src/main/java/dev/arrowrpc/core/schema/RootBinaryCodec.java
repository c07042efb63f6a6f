package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.WireFormatException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A whole {@link VectorSchemaRoot} as a parameter or result: a binary cell holding an IPC stream of
 * that batch, as the reference sends a {@code pa.RecordBatch}. A decoded root belongs to whoever
 * receives it and must be closed; roots with dictionary-encoded columns are refused. An empty cell
 * reads as null, as the reference reads it as an absent batch.
 */
final class RootBinaryCodec extends Codec {
  @Override
  protected ArrowType arrowType() {
    return ArrowType.Binary.INSTANCE;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    VectorSchemaRoot root = (VectorSchemaRoot) value;
    if (!Vectors.dictionaryFields(root.getSchema()).isEmpty()) {
      throw new MarshalException(
          "the record batch has dictionary-encoded columns, which a VectorSchemaRoot cannot carry"
              + " without its dictionaries: decode them first");
    }
    IpcBytes.writeCell((VarBinaryVector) vector, index, root.getSchema(), root);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof VarBinaryVector v)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType()
              + ", expected binary holding a record batch");
    }
    if (v.getValueLength(index) == 0) {
      // the reference reads an empty cell as an absent batch (None) rather than failing
      return null;
    }
    try (IpcStreamReader reader = IpcBytes.readCell(v, index, context.allocator())) {
      return IpcBytes.copy(reader.root(), context.allocator());
    } catch (WireFormatException e) {
      throw new MarshalException(
          "the column does not hold a valid IPC stream: " + e.getMessage(), e);
    }
  }
}
