package dev.arrowrpc.core.schema;

import static dev.arrowrpc.core.Wire.Type.BINARY;
import static dev.arrowrpc.core.Wire.Type.DATE32;
import static dev.arrowrpc.core.Wire.Type.DECIMAL128;
import static dev.arrowrpc.core.Wire.Type.DICTIONARY_UTF8;
import static dev.arrowrpc.core.Wire.Type.DURATION_US;
import static dev.arrowrpc.core.Wire.Type.FIXED_SIZE_BINARY;
import static dev.arrowrpc.core.Wire.Type.FLOAT32;
import static dev.arrowrpc.core.Wire.Type.FLOAT64;
import static dev.arrowrpc.core.Wire.Type.INT16;
import static dev.arrowrpc.core.Wire.Type.INT32;
import static dev.arrowrpc.core.Wire.Type.INT64;
import static dev.arrowrpc.core.Wire.Type.INT8;
import static dev.arrowrpc.core.Wire.Type.LARGE_BINARY;
import static dev.arrowrpc.core.Wire.Type.LARGE_UTF8;
import static dev.arrowrpc.core.Wire.Type.TIME64_US;
import static dev.arrowrpc.core.Wire.Type.TIMESTAMP_US;
import static dev.arrowrpc.core.Wire.Type.TIMESTAMP_US_UTC;
import static dev.arrowrpc.core.Wire.Type.UINT16;
import static dev.arrowrpc.core.Wire.Type.UINT32;
import static dev.arrowrpc.core.Wire.Type.UINT64;
import static dev.arrowrpc.core.Wire.Type.UINT8;
import static dev.arrowrpc.core.Wire.Type.UTF8;

import dev.arrowrpc.core.Wire;
import java.lang.reflect.AnnotatedType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The one table that maps Java types and {@link Wire} overrides to Arrow types and codecs, as the
 * reference maps Python annotations. {@link TypeMapper} reads it by Java type (reflection over an
 * interface); a code generator reads it by Arrow type ({@link #javaTypesFor(Field)}); both get the
 * same answers because both read the same entries.
 *
 * <table>
 * <caption>The mappings, in lookup order</caption>
 * <tr><th>Java type</th><th>Arrow type</th><th>{@code @Wire} overrides it answers to</th></tr>
 * <tr><td>{@code String}</td><td>utf8</td><td>UTF8, LARGE_UTF8, DICTIONARY_UTF8</td></tr>
 * <tr><td>{@code byte[]}</td><td>binary</td><td>BINARY, LARGE_BINARY, FIXED_SIZE_BINARY</td></tr>
 * <tr><td>{@code long}, {@code Long}</td><td>int64</td><td>INT8 … INT64, UINT8 … UINT64 (a
 *     {@code long} carries UINT64's bit pattern)</td></tr>
 * <tr><td>{@code int}, {@code Integer}</td><td>int32</td><td>INT8 … INT64, UINT8 … UINT64</td></tr>
 * <tr><td>{@code short}, {@code Short}</td><td>int16</td><td>INT8 … INT64, UINT8 … UINT64</td></tr>
 * <tr><td>{@code byte}, {@code Byte}</td><td>int8</td><td>INT8 … INT64, UINT8 … UINT64</td></tr>
 * <tr><td>{@code BigInteger}</td><td>none: needs {@code @Wire}</td><td>INT8 … INT64, UINT8 …
 *     UINT64</td></tr>
 * <tr><td>{@code double}, {@code Double}</td><td>float64</td><td>FLOAT32, FLOAT64</td></tr>
 * <tr><td>{@code float}, {@code Float}</td><td>float32</td><td>FLOAT32, FLOAT64</td></tr>
 * <tr><td>{@code boolean}, {@code Boolean}</td><td>bool</td><td></td></tr>
 * <tr><td>{@code Instant}</td><td>timestamp[us, tz=UTC]</td><td>TIMESTAMP_US_UTC</td></tr>
 * <tr><td>{@code LocalDateTime}</td><td>timestamp[us]</td><td>TIMESTAMP_US</td></tr>
 * <tr><td>{@code LocalDate}</td><td>date32</td><td>DATE32</td></tr>
 * <tr><td>{@code LocalTime}</td><td>time64[us]</td><td>TIME64_US</td></tr>
 * <tr><td>{@code Duration}</td><td>duration[us]</td><td>DURATION_US</td></tr>
 * <tr><td>{@code BigDecimal}</td><td>decimal128(38, 18)</td><td>DECIMAL128 (precision,
 *     scale)</td></tr>
 * <tr><td>an enum</td><td>dictionary&lt;int16, utf8&gt; of the constants' names</td><td></td></tr>
 * <tr><td>{@code List<T>}</td><td>list&lt;item: T&gt; (item nullable)</td><td></td></tr>
 * <tr><td>{@code Set<T>}</td><td>list&lt;item: T&gt; (insertion order kept)</td><td></td></tr>
 * <tr><td>{@code Map<K, V>}</td><td>map&lt;K, V&gt; (keys non-null)</td><td></td></tr>
 * <tr><td>{@code Optional<T>}</td><td>T's type, the field nullable</td><td>(those of T, written
 *     on T)</td></tr>
 * <tr><td>a record</td><td>struct&lt;components&gt; inside a record or collection; a binary
 *     cell holding a one-row IPC stream as a parameter or result</td><td></td></tr>
 * <tr><td>{@code VectorSchemaRoot}</td><td>binary: an IPC stream of the batch</td><td></td></tr>
 * <tr><td>{@code Schema}</td><td>binary: an IPC schema message</td><td></td></tr>
 * </table>
 *
 * <p>With a {@code @Wire} override the override decides the Arrow type, and the Java type must be
 * one that answers to it. Nullability is not a type: {@code @Nullable} or {@code Optional} makes a
 * field nullable. Anything else (Object, arrays other than {@code byte[]}, wildcards, type
 * variables, raw collections) is refused when the interface is registered, naming the method, the
 * field and the type.
 */
public final class TypeCatalog {
  private static final Set<Wire.Type> INTEGERS =
      Collections.unmodifiableSet(EnumSet.of(INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64));
  private static final Set<Wire.Type> FLOATS = Collections.unmodifiableSet(EnumSet.of(FLOAT32, FLOAT64));

  private static final TypeCatalog STANDARD = new TypeCatalog(List.of(
      Entry.scalar("String", UTF8, EnumSet.of(UTF8, LARGE_UTF8, DICTIONARY_UTF8), String.class),
      Entry.scalar("byte[]", BINARY, EnumSet.of(BINARY, LARGE_BINARY, FIXED_SIZE_BINARY), byte[].class),
      Entry.scalar("long, Long", INT64, INTEGERS, long.class, Long.class),
      Entry.scalar("int, Integer", INT32, INTEGERS, int.class, Integer.class),
      Entry.scalar("short, Short", INT16, INTEGERS, short.class, Short.class),
      Entry.scalar("byte, Byte", INT8, INTEGERS, byte.class, Byte.class),
      new Entry("BigInteger", List.of(BigInteger.class), BigInteger.class::equals,
          "none: needs @Wire", INTEGERS, Optional.empty(), field -> false, Optional.empty()),
      Entry.scalar("double, Double", FLOAT64, FLOATS, double.class, Double.class),
      Entry.scalar("float, Float", FLOAT32, FLOATS, float.class, Float.class),
      Entry.exact("boolean, Boolean", "bool", ArrowType.Bool.INSTANCE, site -> new BoolCodec(),
          boolean.class, Boolean.class),
      Entry.scalar("Instant", TIMESTAMP_US_UTC, EnumSet.of(TIMESTAMP_US_UTC), Instant.class),
      Entry.scalar("LocalDateTime", TIMESTAMP_US, EnumSet.of(TIMESTAMP_US), LocalDateTime.class),
      Entry.scalar("LocalDate", DATE32, EnumSet.of(DATE32), LocalDate.class),
      Entry.scalar("LocalTime", TIME64_US, EnumSet.of(TIME64_US), LocalTime.class),
      Entry.scalar("Duration", DURATION_US, EnumSet.of(DURATION_US), Duration.class),
      Entry.scalar("BigDecimal", DECIMAL128, EnumSet.of(DECIMAL128), BigDecimal.class),
      Entry.family("enum", Class::isEnum, "dictionary<int16, utf8>",
          field -> WireOverride.ofField(field).filter(WireOverride::dictionaryEncoded).isPresent(),
          TypeCatalog::enumCodec),
      Entry.family("List<T>", List.class::equals, "list<item: T>",
          field -> field.getType() instanceof ArrowType.List, site -> list(site, false)),
      Entry.family("Set<T>", Set.class::equals, "list<item: T>",
          field -> field.getType() instanceof ArrowType.List, site -> list(site, true)),
      Entry.family("Map<K, V>", Map.class::equals, "map<K, V>",
          field -> field.getType() instanceof ArrowType.Map, TypeCatalog::map),
      Entry.family("Optional<T>", Optional.class::equals, "T, nullable",
          field -> false, TypeCatalog::optional),
      Entry.family("record", Class::isRecord, "struct (nested) or binary IPC cell (parameter, result)",
          field -> field.getType() instanceof ArrowType.Struct || field.getType() instanceof ArrowType.Binary,
          TypeCatalog::record),
      Entry.exact("VectorSchemaRoot", "binary (IPC stream)", ArrowType.Binary.INSTANCE,
          site -> new RootBinaryCodec(), VectorSchemaRoot.class),
      Entry.exact("Schema", "binary (IPC schema)", ArrowType.Binary.INSTANCE,
          site -> new SchemaBinaryCodec(), Schema.class)));

  private final List<Entry> entries;

  private TypeCatalog(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * The catalog of the types arrow-rpc maps: the table in this class's documentation.
   *
   * @return the catalog
   */
  public static TypeCatalog standard() {
    return STANDARD;
  }

  /**
   * The entries, in lookup order.
   *
   * @return the entries
   */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * The entry for a Java class (the raw class of a parameterized type).
   *
   * @param type the class
   * @return its entry, or empty when the type cannot be mapped
   */
  public Optional<Entry> forJavaType(Class<?> type) {
    return entries.stream().filter(entry -> entry.matches(type)).findFirst();
  }

  /**
   * The Java types an Arrow field can be declared as, preferred first: the types whose default is
   * the field's type, then the types that reach it through a {@code @Wire} override. Nullability is
   * not considered (a nullable field is a boxed, {@code @Nullable} or {@code Optional} Java type).
   *
   * @param field the Arrow field (its dictionary encoding counts)
   * @return the spellings, empty when no Java type maps to the field's type
   */
  public List<Spelling> javaTypesFor(Field field) {
    List<Spelling> spellings = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.readsByDefault.test(field)) {
        spellings.add(new Spelling(entry, Optional.empty()));
      }
    }
    Optional<WireOverride> wire = WireOverride.ofField(field);
    if (wire.isPresent()) {
      for (Entry entry : entries) {
        if (entry.overrides.contains(wire.get().type()) && !entry.natural.equals(wire)) {
          spellings.add(new Spelling(entry, wire));
        }
      }
    }
    return List.copyOf(spellings);
  }

  /**
   * The entries that answer to an override.
   *
   * @param type the override
   * @return the entries, in lookup order
   */
  public List<Entry> answering(Wire.Type type) {
    return entries.stream().filter(entry -> entry.overrides.contains(type)).toList();
  }

  /**
   * The codec of a type at a place, with no {@code @Wire} on it.
   *
   * @throws IllegalArgumentException naming the type when it cannot be mapped
   */
  Codec codec(Site site) {
    Class<?> raw = site.type();
    Entry entry = forJavaType(raw).orElseThrow(() -> new IllegalArgumentException(
        "unsupported type " + site.annotated().getType().getTypeName() + " (supported: "
            + entries.stream().map(TypeCatalog::supported).collect(Collectors.joining(", ")) + ")"));
    return entry.factory.orElseThrow(() -> new IllegalArgumentException(
            entry.javaType + " needs @Wire(...) naming its Arrow type, one of "
                + entry.overrides.stream().map(Enum::name).collect(Collectors.joining(", "))))
        .codec(site);
  }

  /**
   * The codec of a type at a place carrying a {@code @Wire} override.
   *
   * @throws IllegalArgumentException when the type does not answer to the override, or the
   *     override's attributes are out of range
   */
  Codec codec(Site site, WireOverride wire) {
    Class<?> raw = site.type();
    List<Entry> answering = answering(wire.type());
    if (answering.stream().noneMatch(entry -> entry.matches(raw))) {
      List<String> types = answering.stream()
          .flatMap(entry -> entry.classes.stream())
          .map(Class::getSimpleName)
          .toList();
      throw new IllegalArgumentException("@Wire(" + wire.type() + ") needs " + oneOf(types)
          + ", got " + raw.getTypeName());
    }
    return overridden(wire, site);
  }

  private static String supported(Entry entry) {
    String name = entry.classes.size() > 1
        ? entry.classes.stream().map(Class::getSimpleName).collect(Collectors.joining("/"))
        : entry.javaType;
    return name + (entry.hasDefault() ? "" : " (with @Wire)");
  }

  private static String oneOf(List<String> names) {
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  /** The codec of an override, for a Java type that answers to it. */
  private static Codec overridden(WireOverride wire, Site site) {
    Class<?> raw = site.type();
    return switch (wire.type()) {
      case INT8 -> new IntegerCodec(8, true, raw);
      case INT16 -> new IntegerCodec(16, true, raw);
      case INT32 -> new IntegerCodec(32, true, raw);
      case INT64 -> new IntegerCodec(64, true, raw);
      case UINT8 -> new IntegerCodec(8, false, raw);
      case UINT16 -> new IntegerCodec(16, false, raw);
      case UINT32 -> new IntegerCodec(32, false, raw);
      case UINT64 -> new IntegerCodec(64, false, raw);
      case FLOAT32 -> new FloatCodec(true, raw == float.class || raw == Float.class);
      case FLOAT64 -> new FloatCodec(false, raw == float.class || raw == Float.class);
      case UTF8 -> new StringCodec(false);
      case LARGE_UTF8 -> new StringCodec(true);
      case DICTIONARY_UTF8 -> new DictionaryStringCodec(site.nextDictionaryId());
      case BINARY -> BinaryCodec.binary();
      case LARGE_BINARY -> BinaryCodec.large();
      case FIXED_SIZE_BINARY -> BinaryCodec.fixed(wire.byteWidth());
      case DATE32 -> new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE);
      case TIMESTAMP_US -> new TemporalCodec(TemporalCodec.Kind.LOCAL_DATE_TIME);
      case TIMESTAMP_US_UTC -> new TemporalCodec(TemporalCodec.Kind.INSTANT);
      case TIME64_US -> new TemporalCodec(TemporalCodec.Kind.LOCAL_TIME);
      case DURATION_US -> new TemporalCodec(TemporalCodec.Kind.DURATION);
      case DECIMAL128 -> new DecimalCodec(wire.precision(), wire.scale());
    };
  }

  private static Codec enumCodec(Site site) {
    @SuppressWarnings("unchecked")
    Class<? extends Enum<?>> type = (Class<? extends Enum<?>>) site.type();
    return new EnumCodec(site.nextDictionaryId(), type);
  }

  private static Codec list(Site site, boolean asSet) {
    Column item = site.element("item", 0);
    return new ListCodec(item.codec(), item.primitive(), asSet);
  }

  private static Codec map(Site site) {
    Column key = site.element("key", 0);
    Column value = site.element("value", 1);
    return new MapCodec(key.codec(), value.codec(), value.primitive());
  }

  private static Codec optional(Site site) {
    AnnotatedType inner = site.typeArgument(0);
    Class<?> innerRaw = TypeMapper.rawClass(inner.getType());
    if (innerRaw == Optional.class) {
      throw new IllegalArgumentException("Optional<Optional<...>> cannot be mapped: use one Optional");
    }
    if (innerRaw == VectorSchemaRoot.class) {
      throw new IllegalArgumentException(
          "Optional<VectorSchemaRoot> is not supported: declare @Nullable VectorSchemaRoot (whoever"
              + " receives a root owns and closes it, which an Optional would hide)");
    }
    return new OptionalCodec(site.unwrapped(inner));
  }

  private static Codec record(Site site) {
    RecordSchema record = site.record();
    // a parameter or result, optional or not, is a binary cell, nullable exactly when the value is
    return site.position() == TypeMapper.Position.NESTED
        ? new StructCodec(record)
        : new RecordBinaryCodec(record);
  }

  /**
   * Where a type is being mapped: what a codec factory may ask of the mapper building the schema
   * (nested columns, records, dictionary ids), so the table holds rules and the mapper holds state.
   */
  interface Site {
    /** The type with its annotations. */
    AnnotatedType annotated();

    /** The raw class of the type. */
    Class<?> type();

    /** Where the type appears. */
    TypeMapper.Position position();

    /** A type argument, refusing a raw type. */
    AnnotatedType typeArgument(int index);

    /** The column of a type argument, one level deeper (a collection's item, key or value). */
    Column element(String name, int typeArgument);

    /** The codec of a wrapped type at this same place (what an {@code Optional} holds). */
    Codec unwrapped(AnnotatedType inner);

    /** The schema of this record type, one level deeper. */
    RecordSchema record();

    /** Numbers the next dictionary of the schema being built. */
    long nextDictionaryId();
  }

  /** Builds the codec of a type at a place. */
  @FunctionalInterface
  interface CodecFactory {
    Codec codec(Site site);
  }

  /**
   * One row of the table: which Java types it matches, the Arrow type they map to by default, the
   * {@code @Wire} overrides they answer to, and how their codec is built.
   */
  public static final class Entry {
    private final String javaType;
    private final List<Class<?>> classes;
    private final Predicate<Class<?>> matches;
    private final String arrowType;
    private final Set<Wire.Type> overrides;
    private final Optional<WireOverride> natural;
    private final Predicate<Field> readsByDefault;
    private final Optional<CodecFactory> factory;
    private final Optional<ArrowType> leafType;

    private Entry(String javaType, List<Class<?>> classes, Predicate<Class<?>> matches,
        String arrowType, Set<Wire.Type> overrides, Optional<WireOverride> natural,
        Predicate<Field> readsByDefault, Optional<CodecFactory> factory) {
      this(javaType, classes, matches, arrowType, overrides, natural, readsByDefault, factory,
          natural.map(WireOverride::arrowType));
    }

    private Entry(String javaType, List<Class<?>> classes, Predicate<Class<?>> matches,
        String arrowType, Set<Wire.Type> overrides, Optional<WireOverride> natural,
        Predicate<Field> readsByDefault, Optional<CodecFactory> factory, Optional<ArrowType> leafType) {
      this.javaType = javaType;
      this.classes = List.copyOf(classes);
      this.matches = matches;
      this.arrowType = arrowType;
      this.overrides = overrides.isEmpty()
          ? Set.of()
          : Collections.unmodifiableSet(EnumSet.copyOf(overrides));
      this.natural = natural;
      this.readsByDefault = readsByDefault;
      this.factory = factory;
      this.leafType = leafType;
    }

    /** A leaf whose default is the Arrow type an override names (long: {@code INT64}). */
    private static Entry scalar(String javaType, Wire.Type natural, Set<Wire.Type> overrides,
        Class<?>... classes) {
      WireOverride wire = WireOverride.of(natural);
      List<Class<?>> list = List.of(classes);
      return new Entry(javaType, list, list::contains, arrowName(wire), overrides,
          Optional.of(wire), field -> WireOverride.ofField(field).equals(Optional.of(wire)),
          Optional.of(site -> overridden(wire, site)));
    }

    /** A leaf with an Arrow type no override names. */
    private static Entry exact(String javaType, String arrowType, ArrowType arrow,
        CodecFactory factory, Class<?>... classes) {
      List<Class<?>> list = List.of(classes);
      return new Entry(javaType, list, list::contains, arrowType, Set.of(), Optional.empty(),
          field -> field.getDictionary() == null && field.getType().equals(arrow),
          Optional.of(factory), Optional.of(arrow));
    }

    /** A family of types matched by a rule, mapped from their type arguments or declaration. */
    private static Entry family(String javaType, Predicate<Class<?>> matches, String arrowType,
        Predicate<Field> readsByDefault, CodecFactory factory) {
      return new Entry(javaType, List.of(), matches, arrowType, Set.of(), Optional.empty(),
          readsByDefault, Optional.of(factory));
    }

    private static String arrowName(WireOverride wire) {
      return switch (wire.type()) {
        case INT8, INT16, INT32, INT64 -> "int" + ((ArrowType.Int) wire.arrowType()).getBitWidth();
        case FLOAT32 -> "float32";
        case FLOAT64 -> "float64";
        case UTF8 -> "utf8";
        case BINARY -> "binary";
        case DATE32 -> "date32";
        case TIMESTAMP_US -> "timestamp[us]";
        case TIMESTAMP_US_UTC -> "timestamp[us, tz=UTC]";
        case TIME64_US -> "time64[us]";
        case DURATION_US -> "duration[us]";
        case DECIMAL128 -> "decimal128(" + wire.precision() + ", " + wire.scale() + ")";
        default -> wire.arrowType().toString();
      };
    }

    /**
     * The Java types matched, as a declaration spells them ({@code "long, Long"}, {@code
     * "List<T>"}, {@code "enum"}, {@code "record"}).
     *
     * @return the name
     */
    public String javaType() {
      return javaType;
    }

    /**
     * The classes matched exactly; empty for a family matched by a rule (enums, records).
     *
     * @return the classes, primitive before boxed
     */
    public List<Class<?>> classes() {
      return classes;
    }

    /**
     * Whether the entry matches a class.
     *
     * @param type the class (raw, for a parameterized type)
     * @return whether it does
     */
    public boolean matches(Class<?> type) {
      return matches.test(type);
    }

    /**
     * The Arrow type without an override, as the reference names it ({@code "int64"}), or how it
     * follows from the declaration ({@code "list<item: T>"}).
     *
     * @return the description
     */
    public String arrowType() {
      return arrowType;
    }

    /**
     * The exact Arrow type without an override, for leaves whose default a {@code @Wire} override
     * could also name ({@code long}: int64); empty for the others.
     *
     * @return the default, as an override
     */
    public Optional<WireOverride> defaultWire() {
      return natural;
    }

    /**
     * The {@code @Wire} overrides these types answer to.
     *
     * @return the overrides (empty when none)
     */
    public Set<Wire.Type> overrides() {
      return overrides;
    }

    /**
     * The exact Arrow type of a leaf without an override ({@code long}: int64, {@code boolean}:
     * bool, {@code VectorSchemaRoot}: binary), never dictionary-encoded; empty for families (their
     * type follows from the declaration) and for leaves with no default ({@code BigInteger}).
     *
     * @return the type
     */
    public Optional<ArrowType> leafType() {
      return leafType;
    }

    /**
     * Whether these types have an Arrow type without an override ({@code BigInteger} has none).
     *
     * @return whether they do
     */
    public boolean hasDefault() {
      return factory.isPresent();
    }

    @Override
    public String toString() {
      return javaType + " -> " + arrowType;
    }
  }

  /**
   * How a Java declaration spells an Arrow type: the entry's type, with an override when the
   * entry's default is another Arrow type.
   *
   * @param entry the Java type
   * @param wire the override to write on it, if needed
   */
  public record Spelling(Entry entry, Optional<WireOverride> wire) {
    @Override
    public String toString() {
      return wire.map(w -> w + " ").orElse("") + entry.javaType();
    }
  }
}
