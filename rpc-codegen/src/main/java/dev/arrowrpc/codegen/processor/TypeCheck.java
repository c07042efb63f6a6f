package dev.arrowrpc.codegen.processor;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import dev.arrowrpc.core.schema.TypeCatalog;
import dev.arrowrpc.core.schema.WireOverride;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The compile-time twin of rpc-core's {@code TypeMapper}: walks a declared type as the mapper walks
 * the reflected one, asking the same {@link TypeCatalog} whether each type maps and what Arrow type
 * it takes, refuses what the mapper would refuse, in the mapper's words, and builds the Arrow field
 * the mapper's codecs declare. JDK and Arrow classes are loaded to ask the catalog; enums, records
 * and the collections are followed structurally, as the mapper follows them.
 *
 * <p>One check builds one schema, as one mapper does: it numbers that schema's dictionaries in the
 * mapper's order.
 */
final class TypeCheck {
  private static final int MAX_DEPTH = 32;
  private static final TypeCatalog CATALOG = TypeCatalog.standard();

  /** Where a type appears (the mapper's positions). */
  enum Position {
    PARAMETER,
    RESULT,
    NESTED
  }

  /** A type the mapper would refuse, with the mapper's message. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  private final Elements elements;
  private final SourceAnnotations source;
  private final Deque<String> enclosing = new ArrayDeque<>();
  private long nextDictionaryId;
  private boolean exact = true;

  TypeCheck(Elements elements, SourceAnnotations source) {
    this.elements = elements;
    this.source = source;
  }

  /**
   * Checks a parameter or result column as {@code TypeMapper.column} builds it.
   *
   * @return the column's field in message format, as {@code Column.field()} declares it
   * @throws Refusal prefixed {@code field 'name': } as the mapper prefixes it
   */
  Field column(String name, TypeMirror type, Position position) throws Refusal {
    try {
      return column(name, type, position, 0);
    } catch (Refusal e) {
      throw new Refusal("field '" + name + "': " + e.getMessage());
    }
  }

  /**
   * Checks a record type's components as {@code TypeMapper.record} maps them (stream rows and
   * headers).
   *
   * @return the components' fields
   */
  List<Field> record(TypeElement record) throws Refusal {
    return record(record, 0);
  }

  /**
   * Whether the fields built are exactly the runtime's: false when a {@code @Wire} or {@code
   * @Nullable} attribute was not a literal, or a declaration's type annotations could not be read
   * (the descriptor then leaves the schema to the runtime).
   *
   * @return whether they are
   */
  boolean exact() {
    return exact;
  }

  /**
   * A column's Arrow type as its codec declares it, before a name and nullability; {@code
   * dictionary} is null when the column is not dictionary-encoded, as Arrow's {@link FieldType}
   * takes it.
   */
  private record Shape(ArrowType type, DictionaryEncoding dictionary, List<Field> children) {
    static Shape leaf(ArrowType type) {
      return new Shape(type, null, List.of());
    }

    Field field(String name, boolean nullable) {
      return new Field(name, new FieldType(nullable, type, dictionary), children);
    }
  }

  private Field column(String name, TypeMirror type, Position position, int depth) throws Refusal {
    if (depth > MAX_DEPTH) {
      throw new Refusal("types nest deeper than " + MAX_DEPTH + " levels (recursive record?)");
    }
    mappable(type);
    if (is(type, "java.util.Optional")) {
      return optional(type, position, depth).field(name, true);
    }
    boolean nullable = nullable(type);
    if (nullable && type.getKind().isPrimitive()) {
      throw new Refusal("@Nullable on primitive " + typeName(type) + ": use the boxed type or Optional");
    }
    Shape shape = codec(type, position, depth);
    return shape.field(name, nullable && declaredNullable(type));
  }

  private Shape optional(TypeMirror type, Position position, int depth) throws Refusal {
    TypeMirror inner = typeArgument(type, 0);
    mappable(inner);
    if (is(inner, "java.util.Optional")) {
      throw new Refusal("Optional<Optional<...>> cannot be mapped: use one Optional");
    }
    if (is(inner, "org.apache.arrow.vector.VectorSchemaRoot")) {
      throw new Refusal(
          "Optional<VectorSchemaRoot> is not supported: declare @Nullable VectorSchemaRoot (whoever"
              + " receives a root owns and closes it, which an Optional would hide)");
    }
    return codec(inner, position, depth);
  }

  /** The catalog's verdict on one type, with its {@code @Wire} override if it has one. */
  private Shape codec(TypeMirror type, Position position, int depth) throws Refusal {
    mappable(type);
    Optional<SourceAnnotations.Written> wire = wire(type);
    Optional<TypeCatalog.Entry> entry = entry(type);
    if (wire.isPresent()) {
      WireOverride override = wire.get().override();
      overridden(type, override, wire.get().attributesKnown());
      exact &= wire.get().attributesKnown();
      return override.dictionaryEncoded() ? dictionary() : Shape.leaf(override.arrowType());
    }
    TypeCatalog.Entry found = entry.orElseThrow(() -> new Refusal(
        "unsupported type " + typeName(type) + " (supported: "
            + CATALOG.entries().stream().map(TypeCheck::supported).collect(Collectors.joining(", ")) + ")"));
    if (!found.hasDefault()) {
      throw new Refusal(found.javaType() + " needs @Wire(...) naming its Arrow type, one of "
          + found.overrides().stream().map(Enum::name).collect(Collectors.joining(", ")));
    }
    return switch (found.javaType()) {
      // the codecs keep only the element's codec: the item is always nullable, as is a map's value
      case "List<T>", "Set<T>" -> new Shape(ArrowType.List.INSTANCE, null,
          List.of(nullable(column("item", typeArgument(type, 0), Position.NESTED, depth + 1), true)));
      case "Map<K, V>" -> {
        Field key = column(MapVector.KEY_NAME, typeArgument(type, 0), Position.NESTED, depth + 1);
        Field value = column(MapVector.VALUE_NAME, typeArgument(type, 1), Position.NESTED, depth + 1);
        Field entries = new Field(MapVector.DATA_VECTOR_NAME, FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(nullable(key, false), nullable(value, true)));
        yield new Shape(new ArrowType.Map(false), null, List.of(entries));
      }
      case "Optional<T>" -> optional(type, position, depth);
      case "enum" -> dictionary();
      case "record" -> {
        // the mapper builds the record's schema in both places (its dictionaries are numbered)
        List<Field> components = record(element(type), depth + 1);
        yield position == Position.NESTED
            ? new Shape(ArrowType.Struct.INSTANCE, null, components)
            : Shape.leaf(ArrowType.Binary.INSTANCE);
      }
      default -> Shape.leaf(found.leafType().orElseThrow(() -> new IllegalStateException(
          "the catalog's " + found.javaType() + " has neither a leaf type nor a rule here")));
    };
  }

  /** A dictionary-encoded utf8 column, numbered next in this schema. */
  private Shape dictionary() {
    return new Shape(ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(nextDictionaryId++, false, WireOverride.dictionaryIndexType()), List.of());
  }

  private static Field nullable(Field field, boolean nullable) {
    return new Field(field.getName(),
        new FieldType(nullable, field.getType(), field.getDictionary(), field.getMetadata()), field.getChildren());
  }

  private void overridden(TypeMirror type, WireOverride wire, boolean attributesKnown) throws Refusal {
    List<TypeCatalog.Entry> answering = CATALOG.answering(wire.type());
    String name = erasedName(type);
    boolean answers = answering.stream()
        .flatMap(entry -> entry.classes().stream())
        .anyMatch(c -> c.getTypeName().equals(name));
    if (!answers) {
      List<String> types = answering.stream()
          .flatMap(entry -> entry.classes().stream())
          .map(Class::getSimpleName)
          .toList();
      throw new Refusal("@Wire(" + wire.type() + ") needs " + oneOf(types) + ", got " + name);
    }
    if (!attributesKnown) {
      return;
    }
    if (wire.type() == Wire.Type.DECIMAL128 && (wire.precision() < 1 || wire.precision() > 38
        || wire.scale() < 0 || wire.scale() > wire.precision())) {
      throw new Refusal("decimal128 needs 1 <= precision <= 38 and 0 <= scale <= precision, got ("
          + wire.precision() + ", " + wire.scale() + ")");
    }
    if (wire.type() == Wire.Type.FIXED_SIZE_BINARY && wire.byteWidth() < 1) {
      throw new Refusal("fixed_size_binary needs a byteWidth > 0");
    }
  }

  private List<Field> record(TypeElement record, int depth) throws Refusal {
    String name = record.getQualifiedName().toString();
    if (record.getKind() != ElementKind.RECORD) {
      throw new Refusal(elements.getBinaryName(record) + " is not a record");
    }
    if (enclosing.contains(name)) {
      throw new Refusal("record " + record.getSimpleName() + " contains itself: recursive records cannot be"
          + " mapped to a fixed Arrow schema");
    }
    if (!source.annotationsReadable(record)) {
      exact = false;
    }
    enclosing.push(name);
    try {
      List<Field> fields = new ArrayList<>();
      for (RecordComponentElement component : record.getRecordComponents()) {
        try {
          source.declaration(component, component.asType());
          fields.add(column(component.getSimpleName().toString(), component.asType(), Position.NESTED, depth + 1));
        } catch (Refusal e) {
          throw new Refusal(record.getSimpleName() + "." + component.getSimpleName() + ": " + e.getMessage());
        }
      }
      return fields;
    } finally {
      enclosing.pop();
    }
  }

  /** Refuses what has no raw class: wildcards, type variables, intersections. */
  private static void mappable(TypeMirror type) throws Refusal {
    switch (type.getKind()) {
      case DECLARED, ARRAY, BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE, VOID, ERROR -> {
        // has a class (or javac reports the error itself)
      }
      default -> throw new Refusal("unsupported type " + typeName(type)
          + " (wildcards and type variables cannot be mapped to Arrow)");
    }
  }

  /** The catalog entry of a type's raw class, as {@code TypeCatalog.forJavaType} finds it. */
  private Optional<TypeCatalog.Entry> entry(TypeMirror type) {
    if (type.getKind() == TypeKind.DECLARED) {
      TypeElement element = element(type);
      if (element.getKind() == ElementKind.ENUM) {
        return CATALOG.entries().stream().filter(e -> e.javaType().equals("enum")).findFirst();
      }
      if (element.getKind() == ElementKind.RECORD) {
        return CATALOG.entries().stream().filter(e -> e.javaType().equals("record")).findFirst();
      }
    }
    return load(erasedName(type)).flatMap(CATALOG::forJavaType);
  }

  /** Loads a JDK, Arrow or primitive class by name, as the catalog's classes are. */
  private static Optional<Class<?>> load(String typeName) {
    for (Class<?> primitive : List.of(boolean.class, byte.class, short.class, int.class, long.class,
        char.class, float.class, double.class, void.class, byte[].class)) {
      if (primitive.getTypeName().equals(typeName)) {
        return Optional.of(primitive);
      }
    }
    if (typeName.endsWith("[]")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Class.forName(typeName, false, TypeCheck.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }

  private static TypeMirror typeArgument(TypeMirror type, int index) throws Refusal {
    if (type instanceof DeclaredType declared && index < declared.getTypeArguments().size()) {
      return declared.getTypeArguments().get(index);
    }
    throw new Refusal("raw type " + typeName(type) + ": give its type arguments");
  }

  private static boolean is(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && element(type).getQualifiedName().contentEquals(qualifiedName);
  }

  private static TypeElement element(TypeMirror type) {
    return (TypeElement) ((DeclaredType) type).asElement();
  }

  private boolean nullable(TypeMirror type) {
    return annotation(type, Nullable.class).isPresent() || source.nullable(type);
  }

  /** Whether a {@code @Nullable} type's field says nullable ({@link Nullable#declared()}). */
  private boolean declaredNullable(TypeMirror type) {
    Optional<Nullable> modelled = annotation(type, Nullable.class);
    if (modelled.isPresent()) {
      return modelled.get().declared();
    }
    Optional<Boolean> written = source.nullableDeclared(type);
    exact &= written.isPresent();
    return written.orElse(true);
  }

  private Optional<SourceAnnotations.Written> wire(TypeMirror type) {
    Optional<SourceAnnotations.Written> modelled = annotation(type, Wire.class)
        .map(w -> new SourceAnnotations.Written(WireOverride.of(w), true));
    return modelled.isPresent() ? modelled : source.wire(type);
  }

  /**
   * An annotation on a type; on {@code byte[]} also one on its component, where an annotation
   * written before the type lands (as the mapper reads it).
   */
  static <A extends java.lang.annotation.Annotation> Optional<A> annotation(TypeMirror type, Class<A> kind) {
    A direct = type.getAnnotation(kind);
    if (direct != null) {
      return Optional.of(direct);
    }
    if (type instanceof ArrayType array && array.getComponentType().getKind() == TypeKind.BYTE) {
      return Optional.ofNullable(array.getComponentType().getAnnotation(kind));
    }
    return Optional.empty();
  }

  /** The erased type as {@link Class#getTypeName()} spells it ({@code a.b.Outer$Inner}, {@code byte[]}). */
  static String erasedName(TypeMirror type) {
    return switch (type.getKind()) {
      case DECLARED -> binaryName(element(type));
      case ARRAY -> erasedName(((ArrayType) type).getComponentType()) + "[]";
      case TYPEVAR, WILDCARD, INTERSECTION, UNION -> typeName(type);
      default -> type.getKind().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The type as {@link java.lang.reflect.Type#getTypeName()} spells it, without annotations. */
  static String typeName(TypeMirror type) {
    return switch (type.getKind()) {
      case DECLARED -> {
        List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
        String raw = binaryName(element(type));
        yield arguments.isEmpty()
            ? raw
            : raw + arguments.stream().map(TypeCheck::typeName).collect(Collectors.joining(", ", "<", ">"));
      }
      case ARRAY -> typeName(((ArrayType) type).getComponentType()) + "[]";
      case WILDCARD -> {
        javax.lang.model.type.WildcardType wildcard = (javax.lang.model.type.WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          yield "? extends " + typeName(wildcard.getExtendsBound());
        }
        yield wildcard.getSuperBound() != null ? "? super " + typeName(wildcard.getSuperBound()) : "?";
      }
      case TYPEVAR -> ((javax.lang.model.type.TypeVariable) type).asElement().getSimpleName().toString();
      default -> type.getKind().isPrimitive() || type.getKind() == TypeKind.VOID
          ? type.getKind().name().toLowerCase(java.util.Locale.ROOT)
          : type.toString();
    };
  }

  private static String binaryName(TypeElement element) {
    StringBuilder name = new StringBuilder(element.getSimpleName());
    Element outer = element.getEnclosingElement();
    while (outer instanceof TypeElement type) {
      name.insert(0, type.getSimpleName() + "$");
      outer = type.getEnclosingElement();
    }
    String packageName = outer == null ? "" : outer.toString();
    return packageName.isEmpty() ? name.toString() : packageName + "." + name;
  }

  private static String supported(TypeCatalog.Entry entry) {
    String name = entry.classes().size() > 1
        ? entry.classes().stream().map(Class::getSimpleName).collect(Collectors.joining("/"))
        : entry.javaType();
    return name + (entry.hasDefault() ? "" : " (with @Wire)");
  }

  private static String oneOf(List<String> names) {
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }
}
