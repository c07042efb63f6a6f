package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.Optional;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** {@code boolean}/{@code Boolean} as bool. */
final class BoolCodec extends Codec {
  @Override
  protected ArrowType arrowType() {
    return ArrowType.Bool.INSTANCE;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    ((BitVector) vector).setSafe(index, ((Boolean) value) ? 1 : 0);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (vector instanceof BitVector v) {
      return v.get(index) != 0;
    }
    throw new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected bool");
  }

  @Override
  Optional<CellLane> lane() {
    return Optional.of(new CellLane.Bits(this));
  }
}
