package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** {@code byte[]} as binary, large_binary or fixed_size_binary(n). */
final class BinaryCodec extends Codec {
  private final ArrowType type;

  private BinaryCodec(ArrowType type) {
    this.type = type;
  }

  static BinaryCodec binary() {
    return new BinaryCodec(ArrowType.Binary.INSTANCE);
  }

  static BinaryCodec large() {
    return new BinaryCodec(ArrowType.LargeBinary.INSTANCE);
  }

  static BinaryCodec fixed(int width) {
    if (width <= 0) {
      throw new IllegalArgumentException("fixed_size_binary needs a byteWidth > 0");
    }
    return new BinaryCodec(new ArrowType.FixedSizeBinary(width));
  }

  @Override
  protected ArrowType arrowType() {
    return type;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    byte[] bytes = (byte[]) value;
    if (vector instanceof VarBinaryVector v) {
      v.setSafe(index, bytes);
    } else if (vector instanceof LargeVarBinaryVector v) {
      v.setSafe(index, bytes);
    } else {
      FixedSizeBinaryVector v = (FixedSizeBinaryVector) vector;
      if (bytes.length != v.getByteWidth()) {
        throw new MarshalException(
            "the column is fixed_size_binary(" + v.getByteWidth()
                + ") but the value has " + bytes.length + " bytes");
      }
      v.setSafe(index, bytes);
    }
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (vector instanceof VarBinaryVector v) {
      return v.get(index);
    }
    if (vector instanceof LargeVarBinaryVector v) {
      Vectors.requireArraySized(v, index);
      return v.get(index);
    }
    if (vector instanceof FixedSizeBinaryVector v) {
      return v.get(index);
    }
    throw new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected binary");
  }

  @Override
  Optional<CellLane> lane() {
    if (!(type instanceof ArrowType.Binary)) {
      return Optional.empty();
    }
    return Optional.of(new CellLane.Bytes(this, value -> (byte[]) value, bytes -> bytes, false));
  }
}
