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

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.Wire;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A service whose methods use every Java type the mapper supports, as parameters and as results.
 * {@code src/test/python/gen_reference_schemas.py} declares the same methods and dataclasses with
 * the reference's Python annotations (same names, same parameter names, same field names) and
 * records what the reference derives for them; the schema tests compare, and the round-trip tests
 * serve this interface over a loopback connection.
 */
@RpcService(version = "1.0.0")
public interface TypeZoo {
  /** An enum: travels as dictionary&lt;int16, utf8&gt; holding the constant's name. */
  enum Color {
    RED,
    GREEN,
    BLUE
  }

  /** A flat record. */
  record Point(long x, long y) {}

  /** The innermost level of a three-level nesting. */
  record Inner(String label, @Nullable Long weight, Color color, List<@Nullable String> tags) {}

  /** The middle level: records as fields, in lists and in maps. */
  record Middle(Inner inner, @Nullable Inner spare, List<Inner> inners, Map<String, Inner> byName) {}

  /** The outer level. */
  record Outer(String name, Middle middle, Optional<Middle> maybe, List<Middle> middles) {}

  /** Every default scalar mapping as a record component. */
  record Scalars(
      String s,
      byte[] b,
      long l,
      Long boxedL,
      int i,
      short sh,
      byte by,
      double d,
      float f,
      boolean flag,
      Color color,
      @Nullable String ns,
      Optional<Long> ol,
      byte @Nullable [] nb) {}

  /** Every {@link Wire} override as a record component. */
  record Wired(
      @Wire(INT8) int i8,
      @Wire(INT16) int i16,
      @Wire(INT32) long i32,
      @Wire(INT64) int i64,
      @Wire(UINT8) int u8,
      @Wire(UINT16) int u16,
      @Wire(UINT32) long u32,
      @Wire(UINT64) long u64,
      @Wire(UINT64) BigInteger u64big,
      @Wire(FLOAT32) double f32,
      @Wire(LARGE_UTF8) String lu,
      @Wire(LARGE_BINARY) byte[] lb,
      @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) byte[] fb,
      @Wire(DICTIONARY_UTF8) String ds,
      @Wire(DATE32) LocalDate date,
      @Wire(TIMESTAMP_US) LocalDateTime ts,
      @Wire(TIMESTAMP_US_UTC) Instant tsz,
      @Wire(TIME64_US) LocalTime time,
      @Wire(DURATION_US) Duration dur,
      @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal dec,
      @Nullable @Wire(UINT32) Long nu32) {}

  /** The default temporal and decimal mappings as record components. */
  record Temporal(
      Instant instant,
      LocalDate date,
      LocalDateTime dateTime,
      LocalTime time,
      Duration duration,
      BigDecimal decimal) {}

  /** Containers as record components. */
  record Containers(
      List<Point> points,
      Map<String, List<Long>> mapOfLists,
      Set<String> tags,
      List<List<Long>> matrix,
      Map<Long, Point> pointsById,
      List<Color> colors,
      Map<String, @Nullable Long> sparse) {}

  // ------------------------------------------------------------------ default scalar mappings

  String echoString(String value);

  byte[] echoBytes(byte[] value);

  long echoLong(long value);

  Long echoBoxedLong(Long value);

  int echoInt(int value);

  Integer echoBoxedInt(Integer value);

  short echoShort(short value);

  Short echoBoxedShort(Short value);

  byte echoByte(byte value);

  Byte echoBoxedByte(Byte value);

  double echoDouble(double value);

  Double echoBoxedDouble(Double value);

  float echoFloat(float value);

  Float echoBoxedFloat(Float value);

  boolean echoBool(boolean value);

  Boolean echoBoxedBool(Boolean value);

  Color echoColor(Color value);

  // ------------------------------------------------------------------ containers

  List<String> echoStrings(List<String> value);

  List<@Nullable String> echoNullableItems(List<@Nullable String> value);

  Set<Long> echoLongSet(Set<Long> value);

  Set<String> echoStringSet(Set<String> value);

  List<Color> echoColors(List<Color> value);

  List<List<Long>> echoMatrix(List<List<Long>> value);

  Map<String, Long> echoMap(Map<String, Long> value);

  Map<String, @Nullable Long> echoNullableValues(Map<String, @Nullable Long> value);

  Map<String, List<Long>> echoMapOfLists(Map<String, List<Long>> value);

  Map<Long, Point> echoPointsById(Map<Long, Point> value);

  // ------------------------------------------------------------------ nullability

  Optional<String> echoOptString(Optional<String> value);

  Optional<Long> echoOptLong(Optional<Long> value);

  Optional<List<String>> echoOptList(Optional<List<String>> value);

  Optional<Color> echoOptColor(Optional<Color> value);

  @Nullable String echoNullableString(@Nullable String value);

  @Nullable Long echoNullableLong(@Nullable Long value);

  @Nullable Color echoNullableColor(@Nullable Color value);

  @Nullable byte[] echoNullableBytes(@Nullable byte[] value);

  byte @Nullable [] echoNullableBytesArrayForm(byte @Nullable [] value);

  // ------------------------------------------------------------------ records

  Point echoPoint(Point value);

  Optional<Point> echoOptPoint(Optional<Point> value);

  @Nullable Point echoNullablePoint(@Nullable Point value);

  Outer echoOuter(Outer value);

  Optional<Outer> echoOptOuter(Optional<Outer> value);

  List<Point> echoPoints(List<Point> value);

  List<Outer> echoOuters(List<Outer> value);

  Map<String, Point> echoPointMap(Map<String, Point> value);

  Scalars echoScalars(Scalars value);

  Wired echoWired(Wired value);

  Temporal echoTemporal(Temporal value);

  Containers echoContainers(Containers value);

  // ------------------------------------------------------------------ @Wire overrides

  @Wire(INT8) byte echoInt8(@Wire(INT8) byte value);

  @Wire(INT8) long echoInt8Long(@Wire(INT8) long value);

  @Wire(INT16) int echoInt16(@Wire(INT16) int value);

  @Wire(INT32) long echoInt32(@Wire(INT32) long value);

  @Wire(INT64) int echoInt64(@Wire(INT64) int value);

  @Wire(INT64) BigInteger echoInt64Big(@Wire(INT64) BigInteger value);

  @Wire(UINT8) int echoUint8(@Wire(UINT8) int value);

  @Wire(UINT16) int echoUint16(@Wire(UINT16) int value);

  @Wire(UINT32) long echoUint32(@Wire(UINT32) long value);

  @Wire(UINT64) long echoUint64(@Wire(UINT64) long value);

  @Wire(UINT64) BigInteger echoUint64Big(@Wire(UINT64) BigInteger value);

  @Wire(FLOAT32) double echoFloat32(@Wire(FLOAT32) double value);

  @Wire(FLOAT64) float echoFloat64(@Wire(FLOAT64) float value);

  @Wire(UTF8) String echoUtf8(@Wire(UTF8) String value);

  @Wire(BINARY) byte[] echoBinary(@Wire(BINARY) byte[] value);

  @Wire(LARGE_UTF8) String echoLargeString(@Wire(LARGE_UTF8) String value);

  @Wire(LARGE_BINARY) byte[] echoLargeBytes(@Wire(LARGE_BINARY) byte[] value);

  @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) byte[] echoFixed8(
      @Wire(value = FIXED_SIZE_BINARY, byteWidth = 8) byte[] value);

  byte @Wire(value = FIXED_SIZE_BINARY, byteWidth = 4) [] echoFixed4ArrayForm(
      byte @Wire(value = FIXED_SIZE_BINARY, byteWidth = 4) [] value);

  @Wire(DICTIONARY_UTF8) String echoDictString(@Wire(DICTIONARY_UTF8) String value);

  List<@Wire(DICTIONARY_UTF8) String> echoDictStrings(List<@Wire(DICTIONARY_UTF8) String> value);

  @Wire(DATE32) LocalDate echoDate32(@Wire(DATE32) LocalDate value);

  @Wire(TIMESTAMP_US) LocalDateTime echoTimestamp(@Wire(TIMESTAMP_US) LocalDateTime value);

  @Wire(TIMESTAMP_US_UTC) Instant echoTimestampUtc(@Wire(TIMESTAMP_US_UTC) Instant value);

  @Wire(TIME64_US) LocalTime echoTime64(@Wire(TIME64_US) LocalTime value);

  @Wire(DURATION_US) Duration echoDurationUs(@Wire(DURATION_US) Duration value);

  @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal echoDecimal(
      @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal value);

  @Nullable @Wire(UINT32) Long echoNullableUint32(@Nullable @Wire(UINT32) Long value);

  Optional<@Wire(INT16) Short> echoOptInt16(Optional<@Wire(INT16) Short> value);

  List<@Wire(UINT8) Integer> echoUint8List(List<@Wire(UINT8) Integer> value);

  // ------------------------------------------------------------------ temporal and decimal defaults

  Instant echoInstant(Instant value);

  LocalDate echoLocalDate(LocalDate value);

  LocalDateTime echoLocalDateTime(LocalDateTime value);

  LocalTime echoLocalTime(LocalTime value);

  Duration echoDuration(Duration value);

  BigDecimal echoBigDecimal(BigDecimal value);

  // ------------------------------------------------------------------ record batches

  VectorSchemaRoot echoRoot(VectorSchemaRoot value);

  VectorSchemaRoot makeRoot(int rows);

  double sumRoot(VectorSchemaRoot value);

  /** Returns -1 for a null root, else the row count. */
  int countNullableRoot(@Nullable VectorSchemaRoot value);

  /** Returns null for a negative row count, else {@code makeRoot(rows)}. */
  @Nullable VectorSchemaRoot maybeRoot(int rows);

  // ------------------------------------------------------------------ shapes

  void nothing();

  long mixed(String a, @Nullable Long b, Optional<Point> c, List<Color> d, Point e, Color f);

  /** The implementation returns a value out of int8's range. */
  @Wire(INT8) long badInt8();

  /** The implementation returns null although the result is not nullable. */
  String badNull();

  /** The implementation returns a decimal with too many fractional digits. */
  @Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal badDecimal();
}
