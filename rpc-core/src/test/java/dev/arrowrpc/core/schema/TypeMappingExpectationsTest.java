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
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Wire;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The mapping of every supported Java type and every {@link Wire} override, as a parameter and
 * nested in a record, recorded from the mapper's behaviour before the type catalog replaced its
 * if-chain: the codec tree it builds (codec classes and their settings) and the Arrow field that
 * travels. A change here is a change on the wire. (The refusals' wording is the catalog's: it
 * names the supported types and the types an override needs from the table.)
 */
class TypeMappingExpectationsTest {
  /** An enum. */
  public enum Color {
    RED
  }

  /** A flat record. */
  public record Point(long x, @Nullable String label) {}

  /** Declarations whose mapping is recorded (part 1). */
  public record Decls1(
      String string,
      byte[] bytes,
      long pLong,
      Long bLong,
      int pInt,
      Integer bInt,
      short pShort,
      Short bShort,
      byte pByte,
      Byte bByte,
      double pDouble,
      Double bDouble,
      float pFloat,
      Float bFloat,
      boolean pBool,
      Boolean bBool,
      Instant instant,
      LocalDateTime localDateTime,
      LocalDate localDate,
      LocalTime localTime,
      Duration duration,
      BigDecimal bigDecimal,
      Color color,
      Point point,
      VectorSchemaRoot root,
      Schema schema,
      List<String> listOfString,
      Set<Long> setOfLong,
      List<Point> listOfPoint,
      List<Color> listOfColor,
      List<List<Integer>> listOfListOfInt,
      Map<String, Long> mapStringLong,
      Map<Color, Point> mapColorPoint,
      Map<String, @Nullable Point> mapNullableValue,
      Optional<String> optString,
      Optional<Point> optPoint,
      Optional<List<Integer>> optListOfInt,
      Optional<Color> optColor,
      @Nullable String nullString,
      @Nullable Point nullPoint) {}

  /** Declarations whose mapping is recorded (part 2). */
  public record Decls2(
      @Nullable VectorSchemaRoot nullRoot,
      @Nullable(declared = false) Long undeclaredNullLong,
      List<Optional<Long>> listOfOptLong,
      List<@Nullable Long> listOfNullLong,
      List<@Wire(INT8) Long> listOfWired,
      Optional<@Wire(UINT32) Long> optWired,
      @Wire(INT8) Optional<Long> wireOnOptionalIgnored,
      @Wire(LARGE_BINARY) byte[] wiredBytesBefore,
      @Nullable @Wire(LARGE_UTF8) String nullWiredString,
      Map<Color, @Wire(DICTIONARY_UTF8) String> twoDictionaries,
      @Wire(INT8) long pLongAsInt8,
      @Wire(INT16) long pLongAsInt16,
      @Wire(INT32) long pLongAsInt32,
      @Wire(INT64) long pLongAsInt64,
      @Wire(UINT8) long pLongAsUint8,
      @Wire(UINT16) long pLongAsUint16,
      @Wire(UINT32) long pLongAsUint32,
      @Wire(UINT64) long pLongAsUint64,
      @Wire(INT8) Long bLongAsInt8,
      @Wire(INT16) Long bLongAsInt16,
      @Wire(INT32) Long bLongAsInt32,
      @Wire(INT64) Long bLongAsInt64,
      @Wire(UINT8) Long bLongAsUint8,
      @Wire(UINT16) Long bLongAsUint16,
      @Wire(UINT32) Long bLongAsUint32,
      @Wire(UINT64) Long bLongAsUint64,
      @Wire(INT8) int pIntAsInt8,
      @Wire(INT16) int pIntAsInt16,
      @Wire(INT32) int pIntAsInt32,
      @Wire(INT64) int pIntAsInt64,
      @Wire(UINT8) int pIntAsUint8,
      @Wire(UINT16) int pIntAsUint16,
      @Wire(UINT32) int pIntAsUint32,
      @Wire(UINT64) int pIntAsUint64,
      @Wire(INT8) Integer bIntAsInt8,
      @Wire(INT16) Integer bIntAsInt16,
      @Wire(INT32) Integer bIntAsInt32,
      @Wire(INT64) Integer bIntAsInt64,
      @Wire(UINT8) Integer bIntAsUint8,
      @Wire(UINT16) Integer bIntAsUint16) {}

  /** Declarations whose mapping is recorded (part 3). */
  public record Decls3(
      @Wire(UINT32) Integer bIntAsUint32,
      @Wire(UINT64) Integer bIntAsUint64,
      @Wire(INT8) short pShortAsInt8,
      @Wire(INT16) short pShortAsInt16,
      @Wire(INT32) short pShortAsInt32,
      @Wire(INT64) short pShortAsInt64,
      @Wire(UINT8) short pShortAsUint8,
      @Wire(UINT16) short pShortAsUint16,
      @Wire(UINT32) short pShortAsUint32,
      @Wire(UINT64) short pShortAsUint64,
      @Wire(INT8) Short bShortAsInt8,
      @Wire(INT16) Short bShortAsInt16,
      @Wire(INT32) Short bShortAsInt32,
      @Wire(INT64) Short bShortAsInt64,
      @Wire(UINT8) Short bShortAsUint8,
      @Wire(UINT16) Short bShortAsUint16,
      @Wire(UINT32) Short bShortAsUint32,
      @Wire(UINT64) Short bShortAsUint64,
      @Wire(INT8) byte pByteAsInt8,
      @Wire(INT16) byte pByteAsInt16,
      @Wire(INT32) byte pByteAsInt32,
      @Wire(INT64) byte pByteAsInt64,
      @Wire(UINT8) byte pByteAsUint8,
      @Wire(UINT16) byte pByteAsUint16,
      @Wire(UINT32) byte pByteAsUint32,
      @Wire(UINT64) byte pByteAsUint64,
      @Wire(INT8) Byte bByteAsInt8,
      @Wire(INT16) Byte bByteAsInt16,
      @Wire(INT32) Byte bByteAsInt32,
      @Wire(INT64) Byte bByteAsInt64,
      @Wire(UINT8) Byte bByteAsUint8,
      @Wire(UINT16) Byte bByteAsUint16,
      @Wire(UINT32) Byte bByteAsUint32,
      @Wire(UINT64) Byte bByteAsUint64,
      @Wire(INT8) BigInteger bigIntegerAsInt8,
      @Wire(INT16) BigInteger bigIntegerAsInt16,
      @Wire(INT32) BigInteger bigIntegerAsInt32,
      @Wire(INT64) BigInteger bigIntegerAsInt64,
      @Wire(UINT8) BigInteger bigIntegerAsUint8,
      @Wire(UINT16) BigInteger bigIntegerAsUint16) {}

  /** Declarations whose mapping is recorded (part 4). */
  public record Decls4(
      @Wire(UINT32) BigInteger bigIntegerAsUint32,
      @Wire(UINT64) BigInteger bigIntegerAsUint64,
      @Wire(FLOAT32) float pFloatAsFloat32,
      @Wire(FLOAT64) float pFloatAsFloat64,
      @Wire(FLOAT32) Float bFloatAsFloat32,
      @Wire(FLOAT64) Float bFloatAsFloat64,
      @Wire(FLOAT32) double pDoubleAsFloat32,
      @Wire(FLOAT64) double pDoubleAsFloat64,
      @Wire(FLOAT32) Double bDoubleAsFloat32,
      @Wire(FLOAT64) Double bDoubleAsFloat64,
      @Wire(UTF8) String stringAsUtf8,
      @Wire(LARGE_UTF8) String stringAsLargeUtf8,
      @Wire(DICTIONARY_UTF8) String stringAsDictionaryUtf8,
      byte @Wire(BINARY) [] bytesAsBinary,
      byte @Wire(LARGE_BINARY) [] bytesAsLargeBinary,
      byte @Wire(value = FIXED_SIZE_BINARY, byteWidth = 16) [] bytesAsFixed16,
      @Wire(DATE32) LocalDate localDateAsDate32,
      @Wire(TIMESTAMP_US) LocalDateTime localDateTimeAsTimestampUs,
      @Wire(TIMESTAMP_US_UTC) Instant instantAsTimestampUsUtc,
      @Wire(TIME64_US) LocalTime localTimeAsTime64Us,
      @Wire(DURATION_US) Duration durationAsDurationUs,
      @Wire(DECIMAL128) BigDecimal bigDecimalAsDecimal128,
      @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal bigDecimalAsDecimal20x4) {}

  /** Declarations the mapper refuses, with the reason it gives. */
  @SuppressWarnings("rawtypes")
  public record Refused(
      Object object,
      int[] intArray,
      BigInteger bigInteger,
      List<Object> listOfObject,
      List raw,
      Map<String, ?> wildcard,
      Optional<Optional<String>> optionalOfOptional,
      Optional<VectorSchemaRoot> optionalRoot,
      @Nullable int nullablePrimitive,
      @Wire(INT8) String int8OnString,
      @Wire(UINT64) double uint64OnDouble,
      @Wire(FLOAT32) long float32OnLong,
      @Wire(UTF8) byte[] utf8OnBytes,
      @Wire(DICTIONARY_UTF8) Color dictionaryOnEnum,
      @Wire(BINARY) String binaryOnString,
      @Wire(FIXED_SIZE_BINARY) byte[] fixedWithoutWidth,
      @Wire(DATE32) Instant date32OnInstant,
      @Wire(TIMESTAMP_US) Instant timestampOnInstant,
      @Wire(DECIMAL128) double decimalOnDouble,
      @Wire(value = DECIMAL128, precision = 40) BigDecimal decimalTooPrecise,
      @Wire(INT32) List<Long> int32OnList,
      @Wire(UTF8) Point utf8OnRecord,
      @Wire(INT8) boolean int8OnBoolean) {}

  static List<RecordComponent> components() {
    return Stream.of(Decls1.class, Decls2.class, Decls3.class, Decls4.class, Refused.class)
        .flatMap(type -> Stream.of(type.getRecordComponents()))
        .toList();
  }

  /** What the mapper makes of a declaration in a position: the codec tree and the field, or the refusal. */
  static String mapped(RecordComponent component, TypeMapper.Position position) {
    try {
      Column column = new TypeMapper().column(component.getName(), component.getAnnotatedType(), position);
      return describe(column) + " => " + column.field();
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }

  static String describe(Column column) {
    return describe(column.codec())
        + (column.nullable() ? " nullable" : "")
        + (column.primitive() ? " primitive" : "")
        + (column.declaredNullable() != column.nullable() ? " undeclared" : "");
  }

  /** A codec and its settings: its class and every instance field, nested codecs described in turn. */
  static String describe(Object value) {
    if (value instanceof Column column) {
      return column.name() + ": " + describe(column);
    }
    if (value instanceof RecordSchema record) {
      return record.type().getSimpleName() + "{"
          + record.layout().columns().stream().map(TypeMappingExpectationsTest::describe)
              .collect(Collectors.joining(", "))
          + "}";
    }
    if (value instanceof Class<?> type) {
      return type.getSimpleName();
    }
    if (!(value instanceof Codec codec)) {
      return String.valueOf(value);
    }
    List<String> settings = new ArrayList<>();
    for (Class<?> type = codec.getClass(); type != Codec.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        field.setAccessible(true);
        try {
          settings.add(field.getName() + "=" + describe(field.get(codec)));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return codec.getClass().getSimpleName() + "(" + String.join(", ", settings) + ")";
  }

  @TestFactory
  Stream<DynamicTest> everyDeclarationMapsAsRecorded() {
    return components().stream().flatMap(component -> Stream.of(
        DynamicTest.dynamicTest(component.getName() + " nested", () -> assertEquals(
            NESTED.get(component.getName()), mapped(component, TypeMapper.Position.NESTED))),
        DynamicTest.dynamicTest(component.getName() + " as parameter", () -> assertEquals(
            AS_PARAMETER.getOrDefault(component.getName(), NESTED.get(component.getName())),
            mapped(component, TypeMapper.Position.PARAMETER)))));
  }

  /** Recorded: each declaration nested in a record. */
  static final Map<String, String> NESTED = Map.ofEntries(
      Map.entry("string",
          "StringCodec(large=false) => string: Utf8 not null"),
      Map.entry("bytes",
          "BinaryCodec(type=Binary) => bytes: Binary not null"),
      Map.entry("pLong",
          "IntegerCodec(bits=64, signed=true, javaType=long) primitive => pLong: Int(64, true) not null"),
      Map.entry("bLong",
          "IntegerCodec(bits=64, signed=true, javaType=Long) => bLong: Int(64, true) not null"),
      Map.entry("pInt",
          "IntegerCodec(bits=32, signed=true, javaType=int) primitive => pInt: Int(32, true) not null"),
      Map.entry("bInt",
          "IntegerCodec(bits=32, signed=true, javaType=Integer) => bInt: Int(32, true) not null"),
      Map.entry("pShort",
          "IntegerCodec(bits=16, signed=true, javaType=short) primitive => pShort: Int(16, true) not null"),
      Map.entry("bShort",
          "IntegerCodec(bits=16, signed=true, javaType=Short) => bShort: Int(16, true) not null"),
      Map.entry("pByte",
          "IntegerCodec(bits=8, signed=true, javaType=byte) primitive => pByte: Int(8, true) not null"),
      Map.entry("bByte",
          "IntegerCodec(bits=8, signed=true, javaType=Byte) => bByte: Int(8, true) not null"),
      Map.entry("pDouble",
          "FloatCodec(single=false, javaFloat=false) primitive => pDouble: FloatingPoint(DOUBLE) not null"),
      Map.entry("bDouble",
          "FloatCodec(single=false, javaFloat=false) => bDouble: FloatingPoint(DOUBLE) not null"),
      Map.entry("pFloat",
          "FloatCodec(single=true, javaFloat=true) primitive => pFloat: FloatingPoint(SINGLE) not null"),
      Map.entry("bFloat",
          "FloatCodec(single=true, javaFloat=true) => bFloat: FloatingPoint(SINGLE) not null"),
      Map.entry("pBool",
          "BoolCodec() primitive => pBool: Bool not null"),
      Map.entry("bBool",
          "BoolCodec() => bBool: Bool not null"),
      Map.entry("instant",
          "TemporalCodec(kind=INSTANT) => instant: Timestamp(MICROSECOND, UTC) not null"),
      Map.entry("localDateTime",
          "TemporalCodec(kind=LOCAL_DATE_TIME) => localDateTime: Timestamp(MICROSECOND, null) not null"),
      Map.entry("localDate",
          "TemporalCodec(kind=LOCAL_DATE) => localDate: Date(DAY) not null"),
      Map.entry("localTime",
          "TemporalCodec(kind=LOCAL_TIME) => localTime: Time(MICROSECOND, 64) not null"),
      Map.entry("duration",
          "TemporalCodec(kind=DURATION) => duration: Duration(MICROSECOND) not null"),
      Map.entry("bigDecimal",
          "DecimalCodec(precision=38, scale=18) => bigDecimal: Decimal(38, 18, 128) not null"),
      Map.entry("color",
          "EnumCodec(type=Color, id=0) => color: Utf8[dictionary: 0] not null"),
      Map.entry("point",
          "StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) => point: Struct<x: Int(64, true) not null, label: Utf8> not null"),
      Map.entry("root",
          "RootBinaryCodec() => root: Binary not null"),
      Map.entry("schema",
          "SchemaBinaryCodec() => schema: Binary not null"),
      Map.entry("listOfString",
          "ListCodec(element=item: StringCodec(large=false) nullable, asSet=false) => listOfString: List<item: Utf8> not null"),
      Map.entry("setOfLong",
          "ListCodec(element=item: IntegerCodec(bits=64, signed=true, javaType=Long) nullable, asSet=true) => setOfLong: List<item: Int(64, true)> not null"),
      Map.entry("listOfPoint",
          "ListCodec(element=item: StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) nullable, asSet=false) => listOfPoint: List<item: Struct<x: Int(64, true) not null, label: Utf8>> not null"),
      Map.entry("listOfColor",
          "ListCodec(element=item: EnumCodec(type=Color, id=0) nullable, asSet=false) => listOfColor: List<item: Utf8[dictionary: 0]> not null"),
      Map.entry("listOfListOfInt",
          "ListCodec(element=item: ListCodec(element=item: IntegerCodec(bits=32, signed=true, javaType=Integer) nullable, asSet=false) nullable, asSet=false) => listOfListOfInt: List<item: List<item: Int(32, true)>> not null"),
      Map.entry("mapStringLong",
          "MapCodec(key=key: StringCodec(large=false), value=value: IntegerCodec(bits=64, signed=true, javaType=Long) nullable) => mapStringLong: Map(false)<entries: Struct<key: Utf8 not null, value: Int(64, true)> not null> not null"),
      Map.entry("mapColorPoint",
          "MapCodec(key=key: EnumCodec(type=Color, id=0), value=value: StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) nullable) => mapColorPoint: Map(false)<entries: Struct<key: Utf8[dictionary: 0] not null, value: Struct<x: Int(64, true) not null, label: Utf8>> not null> not null"),
      Map.entry("mapNullableValue",
          "MapCodec(key=key: StringCodec(large=false), value=value: StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) nullable) => mapNullableValue: Map(false)<entries: Struct<key: Utf8 not null, value: Struct<x: Int(64, true) not null, label: Utf8>> not null> not null"),
      Map.entry("optString",
          "OptionalCodec(inner=StringCodec(large=false)) nullable => optString: Utf8"),
      Map.entry("optPoint",
          "OptionalCodec(inner=StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable})) nullable => optPoint: Struct<x: Int(64, true) not null, label: Utf8>"),
      Map.entry("optListOfInt",
          "OptionalCodec(inner=ListCodec(element=item: IntegerCodec(bits=32, signed=true, javaType=Integer) nullable, asSet=false)) nullable => optListOfInt: List<item: Int(32, true)>"),
      Map.entry("optColor",
          "OptionalCodec(inner=EnumCodec(type=Color, id=0)) nullable => optColor: Utf8[dictionary: 0]"),
      Map.entry("nullString",
          "StringCodec(large=false) nullable => nullString: Utf8"),
      Map.entry("nullPoint",
          "StructCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) nullable => nullPoint: Struct<x: Int(64, true) not null, label: Utf8>"),
      Map.entry("nullRoot",
          "RootBinaryCodec() nullable => nullRoot: Binary"),
      Map.entry("undeclaredNullLong",
          "IntegerCodec(bits=64, signed=true, javaType=Long) nullable undeclared => undeclaredNullLong: Int(64, true) not null"),
      Map.entry("listOfOptLong",
          "ListCodec(element=item: OptionalCodec(inner=IntegerCodec(bits=64, signed=true, javaType=Long)) nullable, asSet=false) => listOfOptLong: List<item: Int(64, true)> not null"),
      Map.entry("listOfNullLong",
          "ListCodec(element=item: IntegerCodec(bits=64, signed=true, javaType=Long) nullable, asSet=false) => listOfNullLong: List<item: Int(64, true)> not null"),
      Map.entry("listOfWired",
          "ListCodec(element=item: IntegerCodec(bits=8, signed=true, javaType=Long) nullable, asSet=false) => listOfWired: List<item: Int(8, true)> not null"),
      Map.entry("optWired",
          "OptionalCodec(inner=IntegerCodec(bits=32, signed=false, javaType=Long)) nullable => optWired: Int(32, false)"),
      Map.entry("wireOnOptionalIgnored",
          "OptionalCodec(inner=IntegerCodec(bits=64, signed=true, javaType=Long)) nullable => wireOnOptionalIgnored: Int(64, true)"),
      Map.entry("wiredBytesBefore",
          "BinaryCodec(type=LargeBinary) => wiredBytesBefore: LargeBinary not null"),
      Map.entry("nullWiredString",
          "StringCodec(large=true) nullable => nullWiredString: LargeUtf8"),
      Map.entry("twoDictionaries",
          "MapCodec(key=key: EnumCodec(type=Color, id=0), value=value: DictionaryStringCodec(id=1) nullable) => twoDictionaries: Map(false)<entries: Struct<key: Utf8[dictionary: 0] not null, value: Utf8[dictionary: 1]> not null> not null"),
      Map.entry("pLongAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=long) primitive => pLongAsInt8: Int(8, true) not null"),
      Map.entry("pLongAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=long) primitive => pLongAsInt16: Int(16, true) not null"),
      Map.entry("pLongAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=long) primitive => pLongAsInt32: Int(32, true) not null"),
      Map.entry("pLongAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=long) primitive => pLongAsInt64: Int(64, true) not null"),
      Map.entry("pLongAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=long) primitive => pLongAsUint8: Int(8, false) not null"),
      Map.entry("pLongAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=long) primitive => pLongAsUint16: Int(16, false) not null"),
      Map.entry("pLongAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=long) primitive => pLongAsUint32: Int(32, false) not null"),
      Map.entry("pLongAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=long) primitive => pLongAsUint64: Int(64, false) not null"),
      Map.entry("bLongAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=Long) => bLongAsInt8: Int(8, true) not null"),
      Map.entry("bLongAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=Long) => bLongAsInt16: Int(16, true) not null"),
      Map.entry("bLongAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=Long) => bLongAsInt32: Int(32, true) not null"),
      Map.entry("bLongAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=Long) => bLongAsInt64: Int(64, true) not null"),
      Map.entry("bLongAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=Long) => bLongAsUint8: Int(8, false) not null"),
      Map.entry("bLongAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=Long) => bLongAsUint16: Int(16, false) not null"),
      Map.entry("bLongAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=Long) => bLongAsUint32: Int(32, false) not null"),
      Map.entry("bLongAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=Long) => bLongAsUint64: Int(64, false) not null"),
      Map.entry("pIntAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=int) primitive => pIntAsInt8: Int(8, true) not null"),
      Map.entry("pIntAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=int) primitive => pIntAsInt16: Int(16, true) not null"),
      Map.entry("pIntAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=int) primitive => pIntAsInt32: Int(32, true) not null"),
      Map.entry("pIntAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=int) primitive => pIntAsInt64: Int(64, true) not null"),
      Map.entry("pIntAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=int) primitive => pIntAsUint8: Int(8, false) not null"),
      Map.entry("pIntAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=int) primitive => pIntAsUint16: Int(16, false) not null"),
      Map.entry("pIntAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=int) primitive => pIntAsUint32: Int(32, false) not null"),
      Map.entry("pIntAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=int) primitive => pIntAsUint64: Int(64, false) not null"),
      Map.entry("bIntAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=Integer) => bIntAsInt8: Int(8, true) not null"),
      Map.entry("bIntAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=Integer) => bIntAsInt16: Int(16, true) not null"),
      Map.entry("bIntAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=Integer) => bIntAsInt32: Int(32, true) not null"),
      Map.entry("bIntAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=Integer) => bIntAsInt64: Int(64, true) not null"),
      Map.entry("bIntAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=Integer) => bIntAsUint8: Int(8, false) not null"),
      Map.entry("bIntAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=Integer) => bIntAsUint16: Int(16, false) not null"),
      Map.entry("bIntAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=Integer) => bIntAsUint32: Int(32, false) not null"),
      Map.entry("bIntAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=Integer) => bIntAsUint64: Int(64, false) not null"),
      Map.entry("pShortAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=short) primitive => pShortAsInt8: Int(8, true) not null"),
      Map.entry("pShortAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=short) primitive => pShortAsInt16: Int(16, true) not null"),
      Map.entry("pShortAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=short) primitive => pShortAsInt32: Int(32, true) not null"),
      Map.entry("pShortAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=short) primitive => pShortAsInt64: Int(64, true) not null"),
      Map.entry("pShortAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=short) primitive => pShortAsUint8: Int(8, false) not null"),
      Map.entry("pShortAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=short) primitive => pShortAsUint16: Int(16, false) not null"),
      Map.entry("pShortAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=short) primitive => pShortAsUint32: Int(32, false) not null"),
      Map.entry("pShortAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=short) primitive => pShortAsUint64: Int(64, false) not null"),
      Map.entry("bShortAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=Short) => bShortAsInt8: Int(8, true) not null"),
      Map.entry("bShortAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=Short) => bShortAsInt16: Int(16, true) not null"),
      Map.entry("bShortAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=Short) => bShortAsInt32: Int(32, true) not null"),
      Map.entry("bShortAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=Short) => bShortAsInt64: Int(64, true) not null"),
      Map.entry("bShortAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=Short) => bShortAsUint8: Int(8, false) not null"),
      Map.entry("bShortAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=Short) => bShortAsUint16: Int(16, false) not null"),
      Map.entry("bShortAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=Short) => bShortAsUint32: Int(32, false) not null"),
      Map.entry("bShortAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=Short) => bShortAsUint64: Int(64, false) not null"),
      Map.entry("pByteAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=byte) primitive => pByteAsInt8: Int(8, true) not null"),
      Map.entry("pByteAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=byte) primitive => pByteAsInt16: Int(16, true) not null"),
      Map.entry("pByteAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=byte) primitive => pByteAsInt32: Int(32, true) not null"),
      Map.entry("pByteAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=byte) primitive => pByteAsInt64: Int(64, true) not null"),
      Map.entry("pByteAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=byte) primitive => pByteAsUint8: Int(8, false) not null"),
      Map.entry("pByteAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=byte) primitive => pByteAsUint16: Int(16, false) not null"),
      Map.entry("pByteAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=byte) primitive => pByteAsUint32: Int(32, false) not null"),
      Map.entry("pByteAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=byte) primitive => pByteAsUint64: Int(64, false) not null"),
      Map.entry("bByteAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=Byte) => bByteAsInt8: Int(8, true) not null"),
      Map.entry("bByteAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=Byte) => bByteAsInt16: Int(16, true) not null"),
      Map.entry("bByteAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=Byte) => bByteAsInt32: Int(32, true) not null"),
      Map.entry("bByteAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=Byte) => bByteAsInt64: Int(64, true) not null"),
      Map.entry("bByteAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=Byte) => bByteAsUint8: Int(8, false) not null"),
      Map.entry("bByteAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=Byte) => bByteAsUint16: Int(16, false) not null"),
      Map.entry("bByteAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=Byte) => bByteAsUint32: Int(32, false) not null"),
      Map.entry("bByteAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=Byte) => bByteAsUint64: Int(64, false) not null"),
      Map.entry("bigIntegerAsInt8",
          "IntegerCodec(bits=8, signed=true, javaType=BigInteger) => bigIntegerAsInt8: Int(8, true) not null"),
      Map.entry("bigIntegerAsInt16",
          "IntegerCodec(bits=16, signed=true, javaType=BigInteger) => bigIntegerAsInt16: Int(16, true) not null"),
      Map.entry("bigIntegerAsInt32",
          "IntegerCodec(bits=32, signed=true, javaType=BigInteger) => bigIntegerAsInt32: Int(32, true) not null"),
      Map.entry("bigIntegerAsInt64",
          "IntegerCodec(bits=64, signed=true, javaType=BigInteger) => bigIntegerAsInt64: Int(64, true) not null"),
      Map.entry("bigIntegerAsUint8",
          "IntegerCodec(bits=8, signed=false, javaType=BigInteger) => bigIntegerAsUint8: Int(8, false) not null"),
      Map.entry("bigIntegerAsUint16",
          "IntegerCodec(bits=16, signed=false, javaType=BigInteger) => bigIntegerAsUint16: Int(16, false) not null"),
      Map.entry("bigIntegerAsUint32",
          "IntegerCodec(bits=32, signed=false, javaType=BigInteger) => bigIntegerAsUint32: Int(32, false) not null"),
      Map.entry("bigIntegerAsUint64",
          "IntegerCodec(bits=64, signed=false, javaType=BigInteger) => bigIntegerAsUint64: Int(64, false) not null"),
      Map.entry("pFloatAsFloat32",
          "FloatCodec(single=true, javaFloat=true) primitive => pFloatAsFloat32: FloatingPoint(SINGLE) not null"),
      Map.entry("pFloatAsFloat64",
          "FloatCodec(single=false, javaFloat=true) primitive => pFloatAsFloat64: FloatingPoint(DOUBLE) not null"),
      Map.entry("bFloatAsFloat32",
          "FloatCodec(single=true, javaFloat=true) => bFloatAsFloat32: FloatingPoint(SINGLE) not null"),
      Map.entry("bFloatAsFloat64",
          "FloatCodec(single=false, javaFloat=true) => bFloatAsFloat64: FloatingPoint(DOUBLE) not null"),
      Map.entry("pDoubleAsFloat32",
          "FloatCodec(single=true, javaFloat=false) primitive => pDoubleAsFloat32: FloatingPoint(SINGLE) not null"),
      Map.entry("pDoubleAsFloat64",
          "FloatCodec(single=false, javaFloat=false) primitive => pDoubleAsFloat64: FloatingPoint(DOUBLE) not null"),
      Map.entry("bDoubleAsFloat32",
          "FloatCodec(single=true, javaFloat=false) => bDoubleAsFloat32: FloatingPoint(SINGLE) not null"),
      Map.entry("bDoubleAsFloat64",
          "FloatCodec(single=false, javaFloat=false) => bDoubleAsFloat64: FloatingPoint(DOUBLE) not null"),
      Map.entry("stringAsUtf8",
          "StringCodec(large=false) => stringAsUtf8: Utf8 not null"),
      Map.entry("stringAsLargeUtf8",
          "StringCodec(large=true) => stringAsLargeUtf8: LargeUtf8 not null"),
      Map.entry("stringAsDictionaryUtf8",
          "DictionaryStringCodec(id=0) => stringAsDictionaryUtf8: Utf8[dictionary: 0] not null"),
      Map.entry("bytesAsBinary",
          "BinaryCodec(type=Binary) => bytesAsBinary: Binary not null"),
      Map.entry("bytesAsLargeBinary",
          "BinaryCodec(type=LargeBinary) => bytesAsLargeBinary: LargeBinary not null"),
      Map.entry("bytesAsFixed16",
          "BinaryCodec(type=FixedSizeBinary(16)) => bytesAsFixed16: FixedSizeBinary(16) not null"),
      Map.entry("localDateAsDate32",
          "TemporalCodec(kind=LOCAL_DATE) => localDateAsDate32: Date(DAY) not null"),
      Map.entry("localDateTimeAsTimestampUs",
          "TemporalCodec(kind=LOCAL_DATE_TIME) => localDateTimeAsTimestampUs: Timestamp(MICROSECOND, null) not null"),
      Map.entry("instantAsTimestampUsUtc",
          "TemporalCodec(kind=INSTANT) => instantAsTimestampUsUtc: Timestamp(MICROSECOND, UTC) not null"),
      Map.entry("localTimeAsTime64Us",
          "TemporalCodec(kind=LOCAL_TIME) => localTimeAsTime64Us: Time(MICROSECOND, 64) not null"),
      Map.entry("durationAsDurationUs",
          "TemporalCodec(kind=DURATION) => durationAsDurationUs: Duration(MICROSECOND) not null"),
      Map.entry("bigDecimalAsDecimal128",
          "DecimalCodec(precision=38, scale=18) => bigDecimalAsDecimal128: Decimal(38, 18, 128) not null"),
      Map.entry("bigDecimalAsDecimal20x4",
          "DecimalCodec(precision=20, scale=4) => bigDecimalAsDecimal20x4: Decimal(20, 4, 128) not null"),
      Map.entry("object",
          "refused: field 'object': unsupported type java.lang.Object (supported: String, byte[], long/Long, int/Integer, short/Short, byte/Byte, BigInteger (with @Wire), double/Double, float/Float, boolean/Boolean, Instant, LocalDateTime, LocalDate, LocalTime, Duration, BigDecimal, enum, List<T>, Set<T>, Map<K, V>, Optional<T>, record, VectorSchemaRoot, Schema)"),
      Map.entry("intArray",
          "refused: field 'intArray': unsupported type int[] (supported: String, byte[], long/Long, int/Integer, short/Short, byte/Byte, BigInteger (with @Wire), double/Double, float/Float, boolean/Boolean, Instant, LocalDateTime, LocalDate, LocalTime, Duration, BigDecimal, enum, List<T>, Set<T>, Map<K, V>, Optional<T>, record, VectorSchemaRoot, Schema)"),
      Map.entry("bigInteger",
          "refused: field 'bigInteger': BigInteger needs @Wire(...) naming its Arrow type, one of INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64"),
      Map.entry("listOfObject",
          "refused: field 'listOfObject': unsupported type java.lang.Object (supported: String, byte[], long/Long, int/Integer, short/Short, byte/Byte, BigInteger (with @Wire), double/Double, float/Float, boolean/Boolean, Instant, LocalDateTime, LocalDate, LocalTime, Duration, BigDecimal, enum, List<T>, Set<T>, Map<K, V>, Optional<T>, record, VectorSchemaRoot, Schema)"),
      Map.entry("raw",
          "refused: field 'raw': raw type java.util.List: give its type arguments"),
      Map.entry("wildcard",
          "refused: field 'wildcard': unsupported type ? (wildcards and type variables cannot be mapped to Arrow)"),
      Map.entry("optionalOfOptional",
          "refused: field 'optionalOfOptional': Optional<Optional<...>> cannot be mapped: use one Optional"),
      Map.entry("optionalRoot",
          "refused: field 'optionalRoot': Optional<VectorSchemaRoot> is not supported: declare @Nullable VectorSchemaRoot (whoever receives a root owns and closes it, which an Optional would hide)"),
      Map.entry("nullablePrimitive",
          "refused: field 'nullablePrimitive': @Nullable on primitive int: use the boxed type or Optional"),
      Map.entry("int8OnString",
          "refused: field 'int8OnString': @Wire(INT8) needs long, Long, int, Integer, short, Short, byte, Byte or BigInteger, got java.lang.String"),
      Map.entry("uint64OnDouble",
          "refused: field 'uint64OnDouble': @Wire(UINT64) needs long, Long, int, Integer, short, Short, byte, Byte or BigInteger, got double"),
      Map.entry("float32OnLong",
          "refused: field 'float32OnLong': @Wire(FLOAT32) needs double, Double, float or Float, got long"),
      Map.entry("utf8OnBytes",
          "refused: field 'utf8OnBytes': @Wire(UTF8) needs String, got byte[]"),
      Map.entry("dictionaryOnEnum",
          "refused: field 'dictionaryOnEnum': @Wire(DICTIONARY_UTF8) needs String, got dev.arrowrpc.core.schema.TypeMappingExpectationsTest$Color"),
      Map.entry("binaryOnString",
          "refused: field 'binaryOnString': @Wire(BINARY) needs byte[], got java.lang.String"),
      Map.entry("fixedWithoutWidth",
          "refused: field 'fixedWithoutWidth': fixed_size_binary needs a byteWidth > 0"),
      Map.entry("date32OnInstant",
          "refused: field 'date32OnInstant': @Wire(DATE32) needs LocalDate, got java.time.Instant"),
      Map.entry("timestampOnInstant",
          "refused: field 'timestampOnInstant': @Wire(TIMESTAMP_US) needs LocalDateTime, got java.time.Instant"),
      Map.entry("decimalOnDouble",
          "refused: field 'decimalOnDouble': @Wire(DECIMAL128) needs BigDecimal, got double"),
      Map.entry("decimalTooPrecise",
          "refused: field 'decimalTooPrecise': decimal128 needs 1 <= precision <= 38 and 0 <= scale <= precision, got (40, 18)"),
      Map.entry("int32OnList",
          "refused: field 'int32OnList': @Wire(INT32) needs long, Long, int, Integer, short, Short, byte, Byte or BigInteger, got java.util.List"),
      Map.entry("utf8OnRecord",
          "refused: field 'utf8OnRecord': @Wire(UTF8) needs String, got dev.arrowrpc.core.schema.TypeMappingExpectationsTest$Point"),
      Map.entry("int8OnBoolean",
          "refused: field 'int8OnBoolean': @Wire(INT8) needs long, Long, int, Integer, short, Short, byte, Byte or BigInteger, got boolean")
  );

  /** Recorded: the declarations that map differently as a parameter (or result). */
  static final Map<String, String> AS_PARAMETER = Map.ofEntries(
      Map.entry("point",
          "RecordBinaryCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) => point: Binary not null"),
      Map.entry("optPoint",
          "OptionalCodec(inner=RecordBinaryCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable})) nullable => optPoint: Binary"),
      Map.entry("nullPoint",
          "RecordBinaryCodec(record=Point{IntegerCodec(bits=64, signed=true, javaType=long) primitive, StringCodec(large=false) nullable}) nullable => nullPoint: Binary")
  );

  /** Prints the current mapping in the form of the tables above. */
  public static void main(String[] args) {
    StringBuilder nested = new StringBuilder();
    StringBuilder param = new StringBuilder();
    for (RecordComponent component : components()) {
      String n = mapped(component, TypeMapper.Position.NESTED);
      String p = mapped(component, TypeMapper.Position.PARAMETER);
      nested.append(entry(component.getName(), n));
      if (!p.equals(n)) {
        param.append(entry(component.getName(), p));
      }
    }
    System.out.println(nested);
    System.out.println("----");
    System.out.println(param);
  }

  private static String entry(String name, String value) {
    return "      Map.entry(\"" + name + "\",\n          \""
        + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"),\n";
  }
}
