package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.math.BigDecimal;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * {@link BigDecimal} as decimal128(precision, scale). A value whose digits do not fit is refused;
 * trailing zeros are padded, never rounded away.
 */
final class DecimalCodec extends Codec {
  private final int precision;
  private final int scale;

  DecimalCodec(int precision, int scale) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException(
          "decimal128 needs 1 <= precision <= 38 and 0 <= scale <= precision, got (" + precision
              + ", " + scale + ")");
    }
    this.precision = precision;
    this.scale = scale;
  }

  @Override
  protected ArrowType arrowType() {
    return new ArrowType.Decimal(precision, scale, 128);
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    BigDecimal scaled;
    try {
      scaled = ((BigDecimal) value).setScale(scale);
    } catch (ArithmeticException e) {
      throw new MarshalException(
          "value " + value + " needs more than " + scale
              + " fractional digits", e);
    }
    if (scaled.precision() > precision) {
      throw new MarshalException(
          "value " + value + " exceeds decimal128(" + precision
              + ", " + scale + ")");
    }
    ((DecimalVector) vector).setSafe(index, scaled);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (vector instanceof DecimalVector v) {
      return v.getObject(index);
    }
    throw new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected a decimal");
  }
}
