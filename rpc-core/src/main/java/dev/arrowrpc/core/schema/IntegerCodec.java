package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.MarshalException;
import java.math.BigInteger;
import java.util.Optional;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Java integers ({@code byte}, {@code short}, {@code int}, {@code long}, boxed, or {@link
 * BigInteger}) as any Arrow integer type. Values outside the Arrow type's range are refused, never
 * truncated. A {@code long} declared {@code uint64} carries the unsigned bit pattern.
 */
final class IntegerCodec extends Codec {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final int bits;
  private final boolean signed;
  private final Class<?> javaType;

  IntegerCodec(int bits, boolean signed, Class<?> javaType) {
    this.bits = bits;
    this.signed = signed;
    this.javaType = javaType;
  }

  @Override
  protected ArrowType arrowType() {
    return new ArrowType.Int(bits, signed);
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    ((BaseIntVector) vector).setWithPossibleTruncate(index, raw(value));
  }

  /** The value's bits as the column stores them, refusing a value outside the Arrow type's range. */
  long raw(Object value) {
    long raw;
    if (value instanceof BigInteger big) {
      BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
      BigInteger max =
          signed
              ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
              : (bits == 64 ? UINT64_MAX : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
      if (big.compareTo(min) < 0 || big.compareTo(max) > 0) {
        throw outOfRange(value);
      }
      raw = big.longValue();
    } else {
      raw = ((Number) value).longValue();
      boolean unsignedLong = !signed && bits == 64 && (javaType == long.class || javaType == Long.class);
      if (!unsignedLong && !fits(raw)) {
        throw outOfRange(value);
      }
    }
    return raw;
  }

  @Override
  Optional<CellLane> lane() {
    int kind = !signed ? CellLane.Fixed.OTHER
        : bits == 64 && (javaType == long.class || javaType == Long.class) ? CellLane.Fixed.LONG
        : bits == 32 && (javaType == int.class || javaType == Integer.class) ? CellLane.Fixed.INT
        : CellLane.Fixed.OTHER;
    return Optional.of(new CellLane.Fixed(this, bits / 8, kind) {
      @Override
      long bitsOf(Object plain) {
        return raw(plain);
      }

      @Override
      Object valueAt(BatchView view, long at) {
        return value(signed ? view.signed(at, bits / 8) : view.unsigned(at, bits / 8), !signed && bits == 64);
      }
    });
  }

  private boolean fits(long value) {
    if (signed) {
      if (bits == 64) {
        return true;
      }
      long max = (1L << (bits - 1)) - 1;
      return value >= -max - 1 && value <= max;
    }
    if (value < 0) {
      return false;
    }
    return bits == 64 || value <= (1L << bits) - 1;
  }

  private MarshalException outOfRange(Object value) {
    return new MarshalException(
        "value " + value + " is out of range for "
            + (signed ? "int" : "uint") + bits);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof BaseIntVector v)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected an integer");
    }
    return value(unsignedValue(v, index), vector instanceof UInt8Vector);
  }

  /** The Java value of a cell's bits (zero-extended for unsigned types), refusing a narrowing. */
  Object value(long raw, boolean unsigned64) {
    if (javaType == BigInteger.class) {
      return unsigned64 ? new BigInteger(Long.toUnsignedString(raw)) : BigInteger.valueOf(raw);
    }
    if (javaType == long.class || javaType == Long.class) {
      return raw;
    }
    if (javaType == int.class || javaType == Integer.class) {
      if (raw < Integer.MIN_VALUE || raw > Integer.MAX_VALUE) {
        throw narrowing(raw, "int");
      }
      return (int) raw;
    }
    if (javaType == short.class || javaType == Short.class) {
      if (raw < Short.MIN_VALUE || raw > Short.MAX_VALUE) {
        throw narrowing(raw, "short");
      }
      return (short) raw;
    }
    if (raw < Byte.MIN_VALUE || raw > Byte.MAX_VALUE) {
      throw narrowing(raw, "byte");
    }
    return (byte) raw;
  }

  private static long unsignedValue(BaseIntVector v, int index) {
    if (v instanceof UInt1Vector u) {
      return Byte.toUnsignedLong(u.get(index));
    }
    if (v instanceof UInt2Vector u) {
      return u.get(index);
    }
    if (v instanceof UInt4Vector u) {
      return Integer.toUnsignedLong(u.get(index));
    }
    return v.getValueAsLong(index);
  }

  private static MarshalException narrowing(long raw, String javaType) {
    return new MarshalException(
        "value " + raw + " does not fit a Java " + javaType);
  }
}
