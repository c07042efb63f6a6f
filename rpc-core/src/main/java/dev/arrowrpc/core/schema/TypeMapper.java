package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Derives Arrow columns from Java types by reflection, reading the mapping from the {@link
 * TypeCatalog} (which lists it), with {@link Wire} overrides and {@link Nullable}/{@link Optional}
 * nullability. The mapper holds what the table cannot: where a type appears, how deep, which
 * records enclose it, and the dictionary numbering.
 *
 * <p>One mapper builds one schema: it numbers the dictionaries of that schema.
 */
public final class TypeMapper {
  private static final int MAX_DEPTH = 32;

  private static final TypeCatalog CATALOG = TypeCatalog.standard();

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
    Class<?> raw = rawClass(annotated.getType());
    if (raw == Optional.class) {
      // nullability is the column's, not the type's: the catalog's Optional entry maps what it
      // holds (a @Wire on the Optional itself is not read; write it on the type argument)
      return new Column(name, CATALOG.codec(new Site(annotated, raw, position, depth)), true, false);
    }
    boolean annotatedNullable = annotation(annotated, Nullable.class) != null;
    if (annotatedNullable && raw.isPrimitive()) {
      throw new IllegalArgumentException(
          "@Nullable on primitive " + raw + ": use the boxed type or Optional");
    }
    Codec codec = codec(annotated, position, depth);
    Nullable nullable = annotation(annotated, Nullable.class);
    boolean declared = nullable == null || nullable.declared();
    return new Column(name, codec, annotatedNullable, raw.isPrimitive(), annotatedNullable && declared);
  }

  /** Looks the type up in the catalog: its {@code @Wire} override if it has one, else its entry. */
  private Codec codec(AnnotatedType annotated, Position position, int depth) {
    Site site = new Site(annotated, rawClass(annotated.getType()), position, depth);
    Wire wire = annotation(annotated, Wire.class);
    return wire == null ? CATALOG.codec(site) : CATALOG.codec(site, WireOverride.of(wire));
  }

  /** A type being mapped, at its place in the schema this mapper builds. */
  private final class Site implements TypeCatalog.Site {
    private final AnnotatedType annotated;
    private final Class<?> raw;
    private final Position position;
    private final int depth;

    Site(AnnotatedType annotated, Class<?> raw, Position position, int depth) {
      this.annotated = annotated;
      this.raw = raw;
      this.position = position;
      this.depth = depth;
    }

    @Override
    public AnnotatedType annotated() {
      return annotated;
    }

    @Override
    public Class<?> type() {
      return raw;
    }

    @Override
    public Position position() {
      return position;
    }

    @Override
    public AnnotatedType typeArgument(int index) {
      return TypeMapper.typeArgument(annotated, index);
    }

    @Override
    public Column element(String name, int typeArgument) {
      return column(name, typeArgument(typeArgument), Position.NESTED, depth + 1);
    }

    @Override
    public Codec unwrapped(AnnotatedType inner) {
      return codec(inner, position, depth);
    }

    @Override
    public RecordSchema record() {
      return TypeMapper.this.record(raw, depth + 1);
    }

    @Override
    public long nextDictionaryId() {
      return nextDictionaryId++;
    }
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

  /**
   * {@return the class of a plain or parameterized type}
   *
   * @param type the record class
   */
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
