package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Derives Arrow columns from Java types, following the reference's mapping: {@code String}→utf8,
 * {@code byte[]}→binary, {@code long}→int64, {@code int}→int32, {@code short}→int16, {@code
 * byte}→int8, {@code double}→float64, {@code float}→float32, {@code boolean}→bool, enums→dictionary
 * strings, {@code List}/{@code Set}→list, {@code Map}→map, records→struct (or a binary IPC cell at
 * the top level of a parameter or result), temporal and decimal types, with {@link Wire} overrides
 * and {@link Nullable}/{@link Optional} nullability.
 *
 * <p>One mapper builds one schema: it numbers the dictionaries of that schema.
 */
public final class TypeMapper {
  private static final int MAX_DEPTH = 32;

  private long nextDictionaryId;

  /** The records whose columns are being built, innermost first (to refuse recursion). */
  private final java.util.Deque<Class<?>> enclosing = new java.util.ArrayDeque<>();

  /** Where a type appears, which decides how a record travels. */
  public enum Position {
    /** A method parameter: a record is a binary IPC cell. */
    PARAMETER,
    /** A unary result: a record is a binary IPC cell. */
    RESULT,
    /** Inside a record or a collection: a record is a struct. */
    NESTED
  }

  /**
   * Builds the column for a parameter, result or component.
   *
   * @param name the field name
   * @param type the Java type with its annotations
   * @param position where the type appears
   * @return the column
   * @throws IllegalArgumentException when the type cannot be mapped, naming the field and type
   */
  public Column column(String name, AnnotatedType type, Position position) {
    try {
      return column(name, type, position, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field '" + name + "': " + e.getMessage(), e);
    }
  }

  private Column column(String name, AnnotatedType annotated, Position position, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("types nest deeper than " + MAX_DEPTH + " levels (recursive record?)");
    }
    Type type = annotated.getType();
    Class<?> raw = rawClass(type);
    boolean annotatedNullable = annotation(annotated, Nullable.class) != null;
    if (raw == Optional.class) {
      AnnotatedType inner = typeArgument(annotated, 0);
      Class<?> innerRaw = rawClass(inner.getType());
      if (innerRaw == Optional.class) {
        throw new IllegalArgumentException("Optional<Optional<...>> cannot be mapped: use one Optional");
      }
      if (innerRaw == VectorSchemaRoot.class) {
        throw new IllegalArgumentException(
            "Optional<VectorSchemaRoot> is not supported: declare @Nullable VectorSchemaRoot (whoever"
                + " receives a root owns and closes it, which an Optional would hide)");
      }
      Codec codec = codec(inner, position, depth);
      return new Column(name, new OptionalCodec(codec), true, false);
    }
    if (annotatedNullable && raw.isPrimitive()) {
      throw new IllegalArgumentException(
          "@Nullable on primitive " + raw + ": use the boxed type or Optional");
    }
    Codec codec = codec(annotated, position, depth);
    Nullable nullable = annotation(annotated, Nullable.class);
    boolean declared = nullable == null || nullable.declared();
    return new Column(name, codec, annotatedNullable, raw.isPrimitive(), annotatedNullable && declared);
  }

  private Codec codec(AnnotatedType annotated, Position position, int depth) {
    Type type = annotated.getType();
    Class<?> raw = rawClass(type);
    Wire wire = annotation(annotated, Wire.class);
    if (wire != null) {
      return overridden(wire, raw);
    }
    if (raw == String.class) {
      return new StringCodec(false);
    }
    if (raw == byte[].class) {
      return BinaryCodec.binary();
    }
    if (raw == long.class || raw == Long.class) {
      return new IntegerCodec(64, true, raw);
    }
    if (raw == int.class || raw == Integer.class) {
      return new IntegerCodec(32, true, raw);
    }
    if (raw == short.class || raw == Short.class) {
      return new IntegerCodec(16, true, raw);
    }
    if (raw == byte.class || raw == Byte.class) {
      return new IntegerCodec(8, true, raw);
    }
    if (raw == BigInteger.class) {
      throw new IllegalArgumentException("BigInteger needs @Wire(UINT64) or another integer type");
    }
    if (raw == double.class || raw == Double.class) {
      return new FloatCodec(false, false);
    }
    if (raw == float.class || raw == Float.class) {
      return new FloatCodec(true, true);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return new BoolCodec();
    }
    if (raw == Instant.class) {
      return new TemporalCodec(TemporalCodec.Kind.INSTANT);
    }
    if (raw == LocalDateTime.class) {
      return new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE_TIME);
    }
    if (raw == LocalDate.class) {
      return new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE);
    }
    if (raw == LocalTime.class) {
      return new TemporalCodec(TemporalCodec.Kind.LOCAL_TIME);
    }
    if (raw == Duration.class) {
      return new TemporalCodec(TemporalCodec.Kind.DURATION);
    }
    if (raw == BigDecimal.class) {
      return new DecimalCodec(38, 18);
    }
    if (raw.isEnum()) {
      @SuppressWarnings("unchecked")
      Class<? extends Enum<?>> enumType = (Class<? extends Enum<?>>) raw;
      return new EnumCodec(nextDictionaryId++, enumType);
    }
    if (raw == List.class || raw == Set.class) {
      AnnotatedType element = typeArgument(annotated, 0);
      Column item = column("item", element, Position.NESTED, depth + 1);
      return new ListCodec(item.codec(), item.primitive(), raw == Set.class);
    }
    if (raw == Map.class) {
      Column key = column("key", typeArgument(annotated, 0), Position.NESTED, depth + 1);
      Column value = column("value", typeArgument(annotated, 1), Position.NESTED, depth + 1);
      return new MapCodec(key.codec(), value.codec(), value.primitive());
    }
    if (raw == VectorSchemaRoot.class) {
      return new RootBinaryCodec();
    }
    if (raw == Schema.class) {
      return new SchemaBinaryCodec();
    }
    if (raw.isRecord()) {
      RecordSchema record = record(raw, depth + 1);
      if (position == Position.NESTED) {
        return new StructCodec(record);
      }
      // a parameter or result, optional or not: a binary cell, nullable exactly when the value is
      return new RecordBinaryCodec(record);
    }
    throw new IllegalArgumentException(
        "unsupported type " + type.getTypeName()
            + " (supported: primitives and their boxes, String, byte[], enums, records, List, Set,"
            + " Map, Optional, temporal types, BigDecimal, VectorSchemaRoot, Schema)");
  }

  /**
   * Builds the schema of a record type: one column per component, nested records as structs.
   *
   * @param type the record class
   * @return its schema
   */
  public RecordSchema record(Class<?> type) {
    return record(type, 0);
  }

  private RecordSchema record(Class<?> type, int depth) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    if (enclosing.contains(type)) {
      throw new IllegalArgumentException(
          "record " + type.getSimpleName() + " contains itself: recursive records cannot be mapped"
              + " to a fixed Arrow schema");
    }
    enclosing.push(type);
    try {
      List<Column> columns = new ArrayList<>();
      for (RecordComponent component : type.getRecordComponents()) {
        try {
          columns.add(column(component.getName(), component.getAnnotatedType(), Position.NESTED, depth + 1));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              type.getSimpleName() + "." + component.getName() + ": " + e.getMessage(), e);
        }
      }
      return new RecordSchema(type, columns);
    } finally {
      enclosing.pop();
    }
  }

  private Codec overridden(Wire wire, Class<?> raw) {
    return switch (wire.value()) {
      case INT8 -> integer(8, true, raw);
      case INT16 -> integer(16, true, raw);
      case INT32 -> integer(32, true, raw);
      case INT64 -> integer(64, true, raw);
      case UINT8 -> integer(8, false, raw);
      case UINT16 -> integer(16, false, raw);
      case UINT32 -> integer(32, false, raw);
      case UINT64 -> integer(64, false, raw);
      case FLOAT32 -> floating(true, raw);
      case FLOAT64 -> floating(false, raw);
      case UTF8 -> requireType(raw, String.class, wire, new StringCodec(false));
      case LARGE_UTF8 -> requireType(raw, String.class, wire, new StringCodec(true));
      case DICTIONARY_UTF8 ->
          requireType(raw, String.class, wire, new DictionaryStringCodec(nextDictionaryId++));
      case BINARY -> requireType(raw, byte[].class, wire, BinaryCodec.binary());
      case LARGE_BINARY -> requireType(raw, byte[].class, wire, BinaryCodec.large());
      case FIXED_SIZE_BINARY -> requireType(raw, byte[].class, wire, BinaryCodec.fixed(wire.byteWidth()));
      case DATE32 -> requireType(raw, LocalDate.class, wire, new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE));
      case TIMESTAMP_US ->
          requireType(raw, LocalDateTime.class, wire, new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE_TIME));
      case TIMESTAMP_US_UTC -> requireType(raw, Instant.class, wire, new TemporalCodec(TemporalCodec.Kind.INSTANT));
      case TIME64_US -> requireType(raw, LocalTime.class, wire, new TemporalCodec(TemporalCodec.Kind.LOCAL_TIME));
      case DURATION_US -> requireType(raw, Duration.class, wire, new TemporalCodec(TemporalCodec.Kind.DURATION));
      case DECIMAL128 ->
          requireType(raw, BigDecimal.class, wire, new DecimalCodec(wire.precision(), wire.scale()));
    };
  }

  private static Codec integer(int bits, boolean signed, Class<?> raw) {
    boolean integral =
        raw == long.class || raw == Long.class || raw == int.class || raw == Integer.class
            || raw == short.class || raw == Short.class || raw == byte.class || raw == Byte.class
            || raw == BigInteger.class;
    if (!integral) {
      throw new IllegalArgumentException("@Wire(" + (signed ? "INT" : "UINT") + bits + ") needs an integer type, got " + raw.getName());
    }
    return new IntegerCodec(bits, signed, raw);
  }

  private static Codec floating(boolean single, Class<?> raw) {
    if (raw != double.class && raw != Double.class && raw != float.class && raw != Float.class) {
      throw new IllegalArgumentException("@Wire(FLOAT" + (single ? 32 : 64) + ") needs float or double, got " + raw.getName());
    }
    return new FloatCodec(single, raw == float.class || raw == Float.class);
  }

  private static Codec requireType(Class<?> raw, Class<?> expected, Wire wire, Codec codec) {
    if (raw != expected) {
      throw new IllegalArgumentException(
          "@Wire(" + wire.value() + ") needs " + expected.getSimpleName() + ", got " + raw.getName());
    }
    return codec;
  }

  /**
   * Finds an annotation on a type. For {@code byte[]} an annotation written before the type ({@code
   * @Wire(...) byte[] x}, the natural spelling) lands on the component type {@code byte}, so the
   * component's annotations count as the array's too.
   */
  private static <A extends java.lang.annotation.Annotation> A annotation(
      AnnotatedType annotated, Class<A> type) {
    A direct = annotated.getAnnotation(type);
    if (direct != null) {
      return direct;
    }
    if (annotated instanceof AnnotatedArrayType array
        && array.getType() == byte[].class) {
      return array.getAnnotatedGenericComponentType().getAnnotation(type);
    }
    return null;
  }

  private static AnnotatedType typeArgument(AnnotatedType annotated, int index) {
    if (annotated instanceof AnnotatedParameterizedType parameterized) {
      AnnotatedType[] arguments = parameterized.getAnnotatedActualTypeArguments();
      if (index < arguments.length) {
        return arguments[index];
      }
    }
    throw new IllegalArgumentException(
        "raw type " + annotated.getType().getTypeName() + ": give its type arguments");
  }

  /** Returns the class of a plain or parameterized type. */
  public static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("unsupported type " + type.getTypeName()
        + " (wildcards and type variables cannot be mapped to Arrow)");
  }
}
