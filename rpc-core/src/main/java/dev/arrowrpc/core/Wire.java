package dev.arrowrpc.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the Arrow type a Java type travels as, like the reference's {@code
 * Annotated[T, ArrowType(...)]}. Example: {@code @Wire(Wire.Type.INT32) long count} or {@code
 * @Wire(value = Wire.Type.DECIMAL128, precision = 20, scale = 4) BigDecimal amount}.
 *
 * <p>The Java type must be able to hold the Arrow type's values: integers map to any Java integer
 * type (values out of range are refused, never truncated), {@code UINT64} to {@code long} (read as
 * unsigned) or {@link java.math.BigInteger}, strings to {@code String}, binaries to {@code byte[]}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE_USE)
public @interface Wire {
  /** {@return the Arrow type} */
  Type value();

  /** {@return decimal precision, for {@link Type#DECIMAL128}} */
  int precision() default 38;

  /** {@return decimal scale, for {@link Type#DECIMAL128}} */
  int scale() default 18;

  /** {@return width in bytes, for {@link Type#FIXED_SIZE_BINARY}} */
  int byteWidth() default 0;

  /** The Arrow types a value can be declared as. */
  enum Type {
    /** int8. */
    INT8,
    /** int16. */
    INT16,
    /** int32. */
    INT32,
    /** int64. */
    INT64,
    /** uint8. */
    UINT8,
    /** uint16. */
    UINT16,
    /** uint32. */
    UINT32,
    /** uint64. */
    UINT64,
    /** float32. */
    FLOAT32,
    /** float64. */
    FLOAT64,
    /** utf8. */
    UTF8,
    /** large_utf8. */
    LARGE_UTF8,
    /** binary. */
    BINARY,
    /** large_binary. */
    LARGE_BINARY,
    /** fixed_size_binary(byteWidth). */
    FIXED_SIZE_BINARY,
    /** dictionary&lt;int16, utf8&gt; strings. */
    DICTIONARY_UTF8,
    /** date32 (days since the epoch). */
    DATE32,
    /** timestamp[us] without time zone. */
    TIMESTAMP_US,
    /** timestamp[us, tz=UTC]. */
    TIMESTAMP_US_UTC,
    /** time64[us]. */
    TIME64_US,
    /** duration[us]. */
    DURATION_US,
    /** decimal128(precision, scale). */
    DECIMAL128
  }
}
