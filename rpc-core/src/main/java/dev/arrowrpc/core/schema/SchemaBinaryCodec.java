package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.WireFormatException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow {@link Schema} as a value: a binary cell holding the serialized schema message, as the
 * reference sends a {@code pa.Schema} field ({@code Schema.serialize()}).
 */
final class SchemaBinaryCodec extends Codec {
  @Override
  protected ArrowType arrowType() {
    return ArrowType.Binary.INSTANCE;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    ((VarBinaryVector) vector).setSafe(index, IpcBytes.schema((Schema) value));
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof VarBinaryVector v)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected binary holding a schema");
    }
    try {
      return IpcStreamReader.readSchemaMessage(v.get(index), WireLimits.DEFAULT);
    } catch (WireFormatException e) {
      throw new MarshalException("the column does not hold a serialized schema: " + e.getMessage(), e);
    }
  }
}
