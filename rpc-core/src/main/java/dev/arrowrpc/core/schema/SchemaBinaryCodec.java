package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.IpcBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
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
      return MessageSerializer.deserializeSchema(
          new ReadChannel(Channels.newChannel(new ByteArrayInputStream(v.get(index)))));
    } catch (IOException | RuntimeException e) {
      throw new MarshalException("the column does not hold a serialized schema: " + e.getMessage(), e);
    }
  }
}
