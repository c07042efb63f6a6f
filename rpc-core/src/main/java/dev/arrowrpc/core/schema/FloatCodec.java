package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.MarshalException;
import java.util.Optional;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** {@code double}/{@code float} (boxed or not) as float64 or float32. Reads either width. */
final class FloatCodec extends Codec {
  private final boolean single;
  private final boolean javaFloat;

  FloatCodec(boolean single, boolean javaFloat) {
    this.single = single;
    this.javaFloat = javaFloat;
  }

  @Override
  protected ArrowType arrowType() {
    return new ArrowType.FloatingPoint(
        single ? FloatingPointPrecision.SINGLE : FloatingPointPrecision.DOUBLE);
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    double d = ((Number) value).doubleValue();
    if (vector instanceof Float8Vector v) {
      v.setSafe(index, d);
    } else {
      ((Float4Vector) vector).setSafe(index, (float) d);
    }
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    double d;
    if (vector instanceof Float8Vector v) {
      d = v.get(index);
    } else if (vector instanceof Float4Vector v) {
      d = v.get(index);
    } else if (vector instanceof BaseIntVector v) {
      d = v.getValueAsLong(index);
    } else {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected a float");
    }
    return javaFloat ? (Object) (float) d : (Object) d;
  }

  @Override
  Optional<CellLane> lane() {
    if (single) {
      return Optional.of(new CellLane.Fixed(this, 4, javaFloat ? CellLane.Fixed.FLOAT : CellLane.Fixed.OTHER) {
        @Override
        long bitsOf(Object plain) {
          return Float.floatToRawIntBits((float) ((Number) plain).doubleValue()) & 0xffffffffL;
        }

        @Override
        Object valueAt(BatchView view, long at) {
          double d = Float.intBitsToFloat((int) view.signed(at, 4));
          return javaFloat ? (Object) (float) d : (Object) d;
        }
      });
    }
    return Optional.of(new CellLane.Fixed(this, 8, javaFloat ? CellLane.Fixed.OTHER : CellLane.Fixed.DOUBLE) {
      @Override
      long bitsOf(Object plain) {
        return Double.doubleToRawLongBits(((Number) plain).doubleValue());
      }

      @Override
      Object valueAt(BatchView view, long at) {
        double d = Double.longBitsToDouble(view.signed(at, 8));
        return javaFloat ? (Object) (float) d : (Object) d;
      }
    });
  }
}
