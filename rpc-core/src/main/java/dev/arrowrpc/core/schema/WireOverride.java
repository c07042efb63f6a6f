package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.Wire;
import java.util.Optional;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A {@link Wire} annotation as a value: the Arrow type it names with its parameters. Reflection
 * reads one from an annotation ({@link #of(Wire)}); a code generator or an annotation processor,
 * which has no annotation instance, builds one directly or from an Arrow field ({@link
 * #ofField(Field)}).
 *
 * @param type the Arrow type named
 * @param precision the decimal precision (used by {@link Wire.Type#DECIMAL128})
 * @param scale the decimal scale (used by {@link Wire.Type#DECIMAL128})
 * @param byteWidth the width in bytes (used by {@link Wire.Type#FIXED_SIZE_BINARY})
 */
public record WireOverride(Wire.Type type, int precision, int scale, int byteWidth) {
  /** {@link Wire#precision()}'s default. */
  static final int DEFAULT_PRECISION = 38;

  /** {@link Wire#scale()}'s default. */
  static final int DEFAULT_SCALE = 18;

  /**
   * Creates the value; attributes the type does not use are set to their defaults, so two
   * overrides that map alike are equal.
   *
   * @param type the Arrow type named
   * @param precision the decimal precision
   * @param scale the decimal scale
   * @param byteWidth the width in bytes
   */
  public WireOverride {
    java.util.Objects.requireNonNull(type, "type");
    if (type != Wire.Type.DECIMAL128) {
      precision = DEFAULT_PRECISION;
      scale = DEFAULT_SCALE;
    }
    if (type != Wire.Type.FIXED_SIZE_BINARY) {
      byteWidth = 0;
    }
  }

  /**
   * The override an annotation states.
   *
   * @param wire the annotation
   * @return its value
   */
  public static WireOverride of(Wire wire) {
    return new WireOverride(wire.value(), wire.precision(), wire.scale(), wire.byteWidth());
  }

  /**
   * The override {@code @Wire(type)} states, every other attribute left at its default.
   *
   * @param type the Arrow type named
   * @return the override
   */
  public static WireOverride of(Wire.Type type) {
    return new WireOverride(type, DEFAULT_PRECISION, DEFAULT_SCALE, 0);
  }

  /**
   * The Arrow type of the column (for {@link Wire.Type#DICTIONARY_UTF8} the dictionary's value
   * type, utf8; see {@link #dictionaryEncoded()}).
   *
   * @return the Arrow type
   */
  public ArrowType arrowType() {
    return switch (type) {
      case INT8 -> new ArrowType.Int(8, true);
      case INT16 -> new ArrowType.Int(16, true);
      case INT32 -> new ArrowType.Int(32, true);
      case INT64 -> new ArrowType.Int(64, true);
      case UINT8 -> new ArrowType.Int(8, false);
      case UINT16 -> new ArrowType.Int(16, false);
      case UINT32 -> new ArrowType.Int(32, false);
      case UINT64 -> new ArrowType.Int(64, false);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case UTF8, DICTIONARY_UTF8 -> ArrowType.Utf8.INSTANCE;
      case LARGE_UTF8 -> ArrowType.LargeUtf8.INSTANCE;
      case BINARY -> ArrowType.Binary.INSTANCE;
      case LARGE_BINARY -> ArrowType.LargeBinary.INSTANCE;
      case FIXED_SIZE_BINARY -> new ArrowType.FixedSizeBinary(byteWidth);
      case DATE32 -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP_US -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case TIMESTAMP_US_UTC -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      case TIME64_US -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
      case DURATION_US -> new ArrowType.Duration(TimeUnit.MICROSECOND);
      case DECIMAL128 -> new ArrowType.Decimal(precision, scale, 128);
    };
  }

  /**
   * {@return the index type of every dictionary arrow-rpc declares (enums and {@link
   * Wire.Type#DICTIONARY_UTF8}): int16}
   */
  public static ArrowType.Int dictionaryIndexType() {
    return DictionaryStringCodec.INDEX_TYPE;
  }

  /** {@return whether the column is dictionary-encoded (int16 indices into utf8 values)} */
  public boolean dictionaryEncoded() {
    return type == Wire.Type.DICTIONARY_UTF8;
  }

  /**
   * The override that spells an Arrow field's type, if one does: the inverse of {@link
   * #arrowType()} and {@link #dictionaryEncoded()}. Nested types (list, map, struct), bool and
   * units or time zones {@link Wire} cannot name have none.
   *
   * @param field the field
   * @return the override, if {@link Wire} can name the field's type
   */
  public static Optional<WireOverride> ofField(Field field) {
    ArrowType arrow = field.getType();
    DictionaryEncoding dictionary = field.getDictionary();
    if (dictionary != null) {
      boolean int16 = dictionary.getIndexType() == null
          || dictionary.getIndexType().equals(DictionaryStringCodec.INDEX_TYPE);
      return int16 && arrow.equals(ArrowType.Utf8.INSTANCE)
          ? Optional.of(of(Wire.Type.DICTIONARY_UTF8))
          : Optional.empty();
    }
    if (arrow instanceof ArrowType.FixedSizeBinary fixed) {
      return Optional.of(new WireOverride(
          Wire.Type.FIXED_SIZE_BINARY, DEFAULT_PRECISION, DEFAULT_SCALE, fixed.getByteWidth()));
    }
    if (arrow instanceof ArrowType.Decimal decimal) {
      return decimal.getBitWidth() == 128
          ? Optional.of(new WireOverride(Wire.Type.DECIMAL128, decimal.getPrecision(), decimal.getScale(), 0))
          : Optional.empty();
    }
    for (Wire.Type candidate : Wire.Type.values()) {
      WireOverride plain = of(candidate);
      if (!plain.dictionaryEncoded() && plain.arrowType().equals(arrow)) {
        return Optional.of(plain);
      }
    }
    return Optional.empty();
  }

  /** The annotation as Java source spells it, e.g. {@code @Wire(UINT32)}. */
  @Override
  public String toString() {
    return switch (type) {
      case FIXED_SIZE_BINARY -> "@Wire(value = FIXED_SIZE_BINARY, byteWidth = " + byteWidth + ")";
      case DECIMAL128 -> precision == DEFAULT_PRECISION && scale == DEFAULT_SCALE
          ? "@Wire(DECIMAL128)"
          : "@Wire(value = DECIMAL128, precision = " + precision + ", scale = " + scale + ")";
      default -> "@Wire(" + type + ")";
    };
  }
}
