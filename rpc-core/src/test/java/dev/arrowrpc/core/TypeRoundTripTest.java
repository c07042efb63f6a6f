package dev.arrowrpc.core;

import static dev.arrowrpc.core.schema.ZooValues.inner;
import static dev.arrowrpc.core.schema.ZooValues.middle;
import static dev.arrowrpc.core.schema.ZooValues.outer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.schema.TypeZoo;
import dev.arrowrpc.core.schema.TypeZoo.Color;
import dev.arrowrpc.core.schema.TypeZoo.Containers;
import dev.arrowrpc.core.schema.TypeZoo.Inner;
import dev.arrowrpc.core.schema.TypeZoo.Middle;
import dev.arrowrpc.core.schema.TypeZoo.Outer;
import dev.arrowrpc.core.schema.TypeZoo.Point;
import dev.arrowrpc.core.schema.TypeZoo.Scalars;
import dev.arrowrpc.core.schema.TypeZoo.Temporal;
import dev.arrowrpc.core.schema.TypeZoo.Wired;
import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.core.testing.Loopback;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every mapped type travels over a loopback connection as a parameter and back as a result
 * (each echo method returns its argument): ordinary and boundary values, nulls, empty containers,
 * deep nesting. Values the declared Arrow type cannot hold are refused with a {@code TypeError}
 * naming the field, and the connection keeps serving. Both allocators end every test at zero.
 */
class TypeRoundTripTest {
  /** Connects a client to a server of the implementation; subclasses use other transports. */
  protected <T> Harness open(Class<T> service, T implementation) throws Exception {
    return new Loopback(service, implementation);
  }

  private Harness loop;
  private TypeZooImpl impl;
  private TypeZoo zoo;

  @BeforeEach
  void connect() throws Exception {
    impl = new TypeZooImpl();
    loop = open(TypeZoo.class, impl);
    zoo = loop.proxy(TypeZoo.class);
  }

  @AfterEach
  void disconnect() throws Exception {
    try {
      assertEquals(0, loop.clientBytes(), "client allocator");
      assertEquals(0, loop.serverBytes(), "server allocator");
      assertNull(loop.serverFailure());
    } finally {
      loop.close();
      impl.close();
    }
  }

  /** Sends each value through an echo method and asserts it comes back deeply equal. */
  @SafeVarargs
  private static <T> void echo(Function<T, T> method, T... values) {
    for (T value : values) {
      assertEquals(Deep.canon(value), Deep.canon(method.apply(value)), () -> "echo of " + Deep.canon(value));
    }
  }

  /** Sends a value and asserts what comes back (for values the column normalizes). */
  private static <T> void echoAs(Function<T, T> method, T value, T expected) {
    assertEquals(Deep.canon(expected), Deep.canon(method.apply(value)), () -> "echo of " + Deep.canon(value));
  }

  /**
   * Asserts a call is refused as a TypeError naming the field by its path (such as {@code value},
   * {@code value.middle.inner.label} or {@code value[1]}), then that the connection still works.
   */
  private void refused(String path, Executable call) {
    RpcException e = assertThrows(RpcException.class, call);
    assertEquals("TypeError", e.errorType(), e::getMessage);
    assertTrue(e.getMessage().contains("field '" + path + "'"),
        () -> "message should name field '" + path + "': " + e.getMessage());
    assertEquals("still alive", zoo.echoString("still alive"));
  }

  @SafeVarargs
  private static <T> List<T> listOf(T... values) {
    List<T> list = new ArrayList<>(values.length); // element by element: the array never escapes
    for (T value : values) {
      list.add(value);
    }
    return list;
  }

  // ------------------------------------------------------------------ scalars

  @Test
  void strings() {
    echo(zoo::echoString, "", "hello", "héllo ☃ 𝄞 \u0000 end", "x".repeat(100_000));
    echo(zoo::echoUtf8, "", "plain");
    echo(zoo::echoLargeString, "", "large ☃", "y".repeat(70_000));
    echo(zoo::echoDictString, "", "dict", "dict");
  }

  @Test
  void bytes() {
    byte[] big = new byte[65_536];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    echo(zoo::echoBytes, new byte[0], new byte[] {0, -1, 127, -128}, big);
    echo(zoo::echoBinary, new byte[0], new byte[] {1, 2, 3});
    echo(zoo::echoLargeBytes, new byte[0], big);
    echo(zoo::echoFixed8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[8]);
    echo(zoo::echoFixed4ArrayForm, new byte[] {-1, -2, -3, -4});
  }

  @Test
  void integersAtTheirBoundaries() {
    echo(zoo::echoLong, 0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
    echo(zoo::echoBoxedLong, 0L, Long.MIN_VALUE, Long.MAX_VALUE);
    echo(zoo::echoInt, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    echo(zoo::echoBoxedInt, 7, Integer.MIN_VALUE, Integer.MAX_VALUE);
    echo(zoo::echoShort, (short) 0, Short.MIN_VALUE, Short.MAX_VALUE);
    echo(zoo::echoBoxedShort, (short) -3, Short.MIN_VALUE, Short.MAX_VALUE);
    echo(zoo::echoByte, (byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE);
    echo(zoo::echoBoxedByte, (byte) 9, Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  @Test
  void wireIntegerOverridesAtTheirBoundaries() {
    echo(zoo::echoInt8, Byte.MIN_VALUE, (byte) 0, Byte.MAX_VALUE);
    echo(zoo::echoInt8Long, -128L, 0L, 127L);
    echo(zoo::echoInt16, -32768, 32767);
    echo(zoo::echoInt32, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE);
    echo(zoo::echoInt64, Integer.MIN_VALUE, Integer.MAX_VALUE);
    echo(zoo::echoInt64Big, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.ZERO, BigInteger.valueOf(Long.MAX_VALUE));
    echo(zoo::echoUint8, 0, 255);
    echo(zoo::echoUint16, 0, 65_535);
    echo(zoo::echoUint32, 0L, 4_294_967_295L);
    echo(zoo::echoUint8List, listOf(0, 1, 254, 255, null), listOf());
  }

  @Test
  void uint64CarriesValuesAboveLongMax() {
    BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    echo(zoo::echoUint64Big, BigInteger.ZERO, new BigInteger("18000000000000000000"), max,
        BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
    // a long declared uint64 carries the unsigned bit pattern
    echo(zoo::echoUint64, 0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, -1L,
        new BigInteger("18000000000000000000").longValue());
    assertEquals("18000000000000000000",
        Long.toUnsignedString(zoo.echoUint64(new BigInteger("18000000000000000000").longValue())));
  }

  @Test
  void floatingPoint() {
    echo(zoo::echoDouble, 0.0, -0.0, 1.5, -2.25e300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    echo(zoo::echoBoxedDouble, 3.25, Double.NaN);
    echo(zoo::echoFloat, 0.0f, -0.0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN,
        Float.NEGATIVE_INFINITY);
    echo(zoo::echoBoxedFloat, 2.5f);
    echo(zoo::echoFloat32, 1.5, -0.0, Double.POSITIVE_INFINITY);
    echoAs(zoo::echoFloat32, 0.1, (double) 0.1f);
    echo(zoo::echoFloat64, 0.1f, Float.MAX_VALUE);
  }

  @Test
  void booleansAndEnums() {
    echo(zoo::echoBool, true, false);
    echo(zoo::echoBoxedBool, Boolean.TRUE, Boolean.FALSE);
    echo(zoo::echoColor, Color.RED, Color.GREEN, Color.BLUE);
    echo(zoo::echoColors, listOf(), listOf(Color.BLUE, Color.RED, Color.BLUE, null, Color.GREEN));
    echo(zoo::echoDictStrings, listOf(), listOf("x", "y", "x", "", null, "x"));
  }

  // ------------------------------------------------------------------ containers

  @Test
  void lists() {
    echo(zoo::echoStrings, listOf(), listOf("a", "", "b"));
    echo(zoo::echoNullableItems, listOf(), listOf((String) null), listOf(null, "x", null, ""));
    echo(zoo::echoMatrix, listOf(), listOf(listOf()), listOf(listOf(1L, 2L), listOf(), null, listOf(Long.MIN_VALUE)));
  }

  @Test
  void sets() {
    echo(zoo::echoLongSet, new LinkedHashSet<>(), new LinkedHashSet<>(List.of(3L, 1L, 2L, Long.MIN_VALUE)));
    echo(zoo::echoStringSet, Set.of(), new LinkedHashSet<>(List.of("b", "a", "")));
    assertTrue(zoo.echoLongSet(Set.of(1L)) instanceof Set<?>);
  }

  @Test
  void maps() {
    Map<String, Long> plain = new LinkedHashMap<>();
    plain.put("b", 2L);
    plain.put("a", -1L);
    plain.put("", Long.MAX_VALUE);
    echo(zoo::echoMap, Map.of(), plain);
    Map<String, Long> sparse = new LinkedHashMap<>();
    sparse.put("none", null);
    sparse.put("one", 1L);
    echo(zoo::echoNullableValues, Map.of(), sparse);
    Map<String, List<Long>> ofLists = new LinkedHashMap<>();
    ofLists.put("a", listOf(1L, 2L));
    ofLists.put("empty", listOf());
    ofLists.put("null", null);
    ofLists.put("min", listOf(Long.MIN_VALUE, null));
    echo(zoo::echoMapOfLists, Map.of(), ofLists);
    Map<Long, Point> byId = new LinkedHashMap<>();
    byId.put(1L, new Point(1, 2));
    byId.put(-5L, new Point(Long.MIN_VALUE, Long.MAX_VALUE));
    byId.put(7L, null);
    echo(zoo::echoPointsById, Map.of(), byId);
  }

  // ------------------------------------------------------------------ nullability

  @Test
  void optionalsEmptyAndPresent() {
    echo(zoo::echoOptString, Optional.empty(), Optional.of(""), Optional.of("x"));
    echo(zoo::echoOptLong, Optional.empty(), Optional.of(Long.MIN_VALUE));
    echo(zoo::echoOptList, Optional.empty(), Optional.of(List.of()), Optional.of(List.of("a", "b")));
    echo(zoo::echoOptColor, Optional.empty(), Optional.of(Color.GREEN));
    echo(zoo::echoOptInt16, Optional.empty(), Optional.of(Short.MIN_VALUE), Optional.of(Short.MAX_VALUE));
    echo(zoo::echoOptPoint, Optional.empty(), Optional.of(new Point(3, -4)));
  }

  @Test
  void nullablesNullAndPresent() {
    echo(zoo::echoNullableString, null, "", "s");
    echo(zoo::echoNullableLong, null, 0L, Long.MIN_VALUE);
    echo(zoo::echoNullableColor, null, Color.BLUE);
    echo(zoo::echoNullableBytes, null, new byte[0], new byte[] {5});
    echo(zoo::echoNullableBytesArrayForm, null, new byte[] {6, 7});
    echo(zoo::echoNullableUint32, null, 0L, 4_294_967_295L);
    echo(zoo::echoNullablePoint, null, new Point(0, 0));
  }

  // ------------------------------------------------------------------ records

  @Test
  void recordsAsParametersAndResults() {
    echo(zoo::echoPoint, new Point(0, 0), new Point(Long.MIN_VALUE, Long.MAX_VALUE));
    echo(zoo::echoOuter, outer("deep"), outer(""),
        new Outer("bare", new Middle(new Inner("", null, Color.RED, listOf()), null, listOf(), Map.of()),
            Optional.empty(), listOf()));
    echo(zoo::echoOptOuter, Optional.empty(), Optional.of(outer("opt")));
  }

  @Test
  void listsAndMapsOfRecords() {
    echo(zoo::echoPoints, listOf(), listOf(new Point(1, 2), null, new Point(-3, 4)));
    echo(zoo::echoOuters, listOf(), listOf(outer("one"), outer(""), null, outer("three")));
    Map<String, Point> points = new LinkedHashMap<>();
    points.put("origin", new Point(0, 0));
    points.put("missing", null);
    echo(zoo::echoPointMap, Map.of(), points);
  }

  @Test
  void recordOfScalars() {
    echo(zoo::echoScalars,
        new Scalars("s", new byte[] {1}, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Short.MAX_VALUE,
            Byte.MIN_VALUE, Double.NaN, -0.0f, true, Color.BLUE, null, Optional.empty(), null),
        new Scalars("", new byte[0], 0, 0L, 0, (short) 0, (byte) 0, 0.0, 0f, false, Color.RED, "n",
            Optional.of(-1L), new byte[] {9, 9}));
  }

  static Wired wired(int i8, int u8, long u64, BigInteger u64big, Long nu32) {
    return new Wired(i8, -32768, Integer.MAX_VALUE, Integer.MIN_VALUE, u8, 65535, 4_294_967_295L, u64, u64big,
        1.5, "large", new byte[] {1, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "dict",
        LocalDate.of(2024, 2, 29), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
        Instant.parse("2024-01-02T03:04:05.123456Z"), LocalTime.of(23, 59, 59, 999_999_000),
        Duration.ofNanos(-1_000), new BigDecimal("-99999999999999.9999"), nu32);
  }

  @Test
  void recordOfWireOverrides() {
    echo(zoo::echoWired,
        wired(-128, 255, -1L, new BigInteger("18000000000000000000"), null),
        wired(127, 0, Long.MIN_VALUE, BigInteger.ZERO, 4_294_967_295L));
  }

  @Test
  void recordOfTemporalDefaults() {
    echo(zoo::echoTemporal,
        new Temporal(Instant.parse("1900-01-01T00:00:00.000001Z"), LocalDate.of(1, 1, 1),
            LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_000), LocalTime.MIDNIGHT, Duration.ZERO,
            new BigDecimal("12345678901234567890.123456789012345678")));
  }

  @Test
  void recordOfContainers() {
    Map<String, List<Long>> ofLists = new LinkedHashMap<>();
    ofLists.put("k", listOf(1L, null));
    Map<Long, Point> byId = new LinkedHashMap<>();
    byId.put(Long.MAX_VALUE, new Point(1, 1));
    Map<String, Long> sparse = new LinkedHashMap<>();
    sparse.put("a", null);
    echo(zoo::echoContainers,
        new Containers(listOf(), Map.of(), Set.of(), listOf(), Map.of(), listOf(), Map.of()),
        new Containers(listOf(new Point(1, 2), null), ofLists, new LinkedHashSet<>(List.of("x", "y")),
            listOf(listOf(1L), listOf(), null), byId, listOf(Color.GREEN, null), sparse));
  }

  @Test
  void severalParametersOfMixedKinds() {
    assertEquals(1 + 5 + 3 + 2 + 10 + 200,
        zoo.mixed("a", 5L, Optional.of(new Point(1, 2)), List.of(Color.RED, Color.RED), new Point(1, 0), Color.BLUE));
    assertEquals(0 + 1000 - 1 + 0 + 0 + 0,
        zoo.mixed("", null, Optional.empty(), List.of(), new Point(0, 9), Color.RED));
    zoo.nothing();
  }

  // ------------------------------------------------------------------ temporal and decimal

  @Test
  void temporalValuesKeepMicroseconds() {
    echo(zoo::echoInstant, Instant.EPOCH, Instant.parse("2024-01-02T03:04:05.123456Z"),
        Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.parse("0001-01-01T00:00:00Z"));
    echo(zoo::echoTimestampUtc, Instant.parse("2038-01-19T03:14:08.000001Z"));
    echo(zoo::echoLocalDateTime, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    echo(zoo::echoTimestamp, LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    echo(zoo::echoLocalDate, LocalDate.EPOCH, LocalDate.of(2024, 2, 29), LocalDate.of(1, 1, 1),
        LocalDate.of(9999, 12, 31), LocalDate.of(1900, 3, 1));
    echo(zoo::echoDate32, LocalDate.of(-5000, 6, 15));
    echo(zoo::echoLocalTime, LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_000), LocalTime.NOON);
    echo(zoo::echoTime64, LocalTime.of(0, 0, 0, 1_000));
    echo(zoo::echoDuration, Duration.ZERO, Duration.ofNanos(1_000), Duration.ofNanos(-1_000),
        Duration.ofDays(365L * 1000), Duration.ofSeconds(-86_400, 500_000_000));
    echo(zoo::echoDurationUs, Duration.ofMillis(-1));
  }

  @Test
  void decimalsKeepExactDigits() {
    echo(zoo::echoDecimal, new BigDecimal("12345.6789"), new BigDecimal("-99999999999999.9999"),
        new BigDecimal("99999999999999.9999"), new BigDecimal("0.0000"), new BigDecimal("0.0001"));
    // fewer fractional digits are padded to the column's scale, never rounded
    echoAs(zoo::echoDecimal, new BigDecimal("1.5"), new BigDecimal("1.5000"));
    echoAs(zoo::echoDecimal, new BigDecimal("1E+3"), new BigDecimal("1000.0000"));
    echo(zoo::echoBigDecimal, new BigDecimal("12345678901234567890.123456789012345678"),
        new BigDecimal("-0.000000000000000001"), new BigDecimal("0E-18"));
    echoAs(zoo::echoBigDecimal, BigDecimal.ONE, new BigDecimal("1.000000000000000000"));
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void outOfRangeIntegersAreRefused() {
    refused("value", () -> zoo.echoInt8Long(128));
    refused("value", () -> zoo.echoInt8Long(-129));
    refused("value", () -> zoo.echoInt16(32_768));
    refused("value", () -> zoo.echoInt32(1L << 31));
    refused("value", () -> zoo.echoUint8(256));
    refused("value", () -> zoo.echoUint8(-1));
    refused("value", () -> zoo.echoUint16(-1));
    refused("value", () -> zoo.echoUint32(-1L));
    refused("value", () -> zoo.echoUint32(1L << 32));
    refused("value", () -> zoo.echoUint64Big(BigInteger.ONE.shiftLeft(64)));
    refused("value", () -> zoo.echoUint64Big(BigInteger.ONE.negate()));
    refused("value", () -> zoo.echoInt64Big(BigInteger.ONE.shiftLeft(63)));
    refused("value[1]", () -> zoo.echoUint8List(List.of(1, 256)));
    refused("value.u8", () -> zoo.echoWired(wired(0, 256, 0, BigInteger.ZERO, null)));
    refused("value.i8", () -> zoo.echoWired(wired(-129, 0, 0, BigInteger.ZERO, null)));
  }

  @Test
  void decimalsNeedingRoundingOrMoreDigitsAreRefused() {
    refused("value", () -> zoo.echoDecimal(new BigDecimal("1.23456")));
    refused("value", () -> zoo.echoDecimal(new BigDecimal("100000000000000000")));
    refused("value", () -> zoo.echoBigDecimal(new BigDecimal("1E+20")));
    refused("value", () -> zoo.echoBigDecimal(new BigDecimal("0.0000000000000000001")));
  }

  @Test
  void subMicrosecondTemporalValuesAreRefused() {
    refused("value", () -> zoo.echoInstant(Instant.parse("2024-01-01T00:00:00.000000001Z")));
    refused("value", () -> zoo.echoTimestampUtc(Instant.ofEpochSecond(0, 999)));
    refused("value", () -> zoo.echoLocalDateTime(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1)));
    refused("value", () -> zoo.echoLocalTime(LocalTime.of(1, 2, 3, 4)));
    refused("value", () -> zoo.echoDuration(Duration.ofNanos(1)));
    refused("value.instant", () -> zoo.echoTemporal(new Temporal(Instant.ofEpochSecond(0, 1), LocalDate.EPOCH,
        LocalDateTime.of(2000, 1, 1, 0, 0), LocalTime.NOON, Duration.ZERO, BigDecimal.ONE)));
  }

  @Test
  void temporalValuesOutsideTheColumnsRangeAreRefused() {
    refused("value", () -> zoo.echoInstant(Instant.MAX));
    refused("value", () -> zoo.echoInstant(Instant.MIN));
    refused("value", () -> zoo.echoLocalDateTime(LocalDateTime.MAX));
    refused("value", () -> zoo.echoLocalDate(LocalDate.MAX));
    refused("value", () -> zoo.echoDuration(Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void nullsInNonNullableParametersAreRefused() {
    refused("value", () -> zoo.echoString(null));
    refused("value", () -> zoo.echoBoxedLong(null));
    refused("value", () -> zoo.echoBytes(null));
    refused("value", () -> zoo.echoColor(null));
    refused("value", () -> zoo.echoStrings(null));
    refused("value", () -> zoo.echoMap(null));
    refused("value", () -> zoo.echoPoint(null));
    refused("value", () -> zoo.echoInstant(null));
    refused("e", () -> zoo.mixed("a", null, Optional.empty(), List.of(), null, Color.RED));
    refused("value.middle.inner.label", () -> zoo.echoOuter(new Outer("o",
        new Middle(new Inner(null, null, Color.RED, List.of()), null, List.of(), Map.of()),
        Optional.empty(), List.of())));
    refused("value[2].middle.inner.label", () -> zoo.echoOuters(listOf(outer("a"), outer("b"),
        new Outer("o", new Middle(new Inner(null, null, Color.RED, List.of()), null, List.of(), Map.of()),
            Optional.empty(), List.of()))));
    Map<String, Inner> byName = new LinkedHashMap<>();
    byName.put("ok", inner("ok"));
    byName.put("first", new Inner("x", null, null, List.of()));
    refused("value.middle.byName[\"first\"].color", () -> zoo.echoOuter(new Outer("o",
        new Middle(inner("i"), null, List.of(), byName), Optional.empty(), List.of())));
    Map<String, Long> nullKey = new LinkedHashMap<>();
    nullKey.put(null, 1L);
    refused("value[0].key", () -> zoo.echoMap(nullKey));
  }

  @Test
  void wrongFixedSizeBinaryWidthIsRefused() {
    refused("value", () -> zoo.echoFixed8(new byte[7]));
    refused("value", () -> zoo.echoFixed8(new byte[9]));
    refused("value", () -> zoo.echoFixed4ArrayForm(new byte[0]));
    refused("value.fb", () -> zoo.echoWired(new Wired(0, 0, 0, 0, 0, 0, 0, 0, BigInteger.ZERO, 0, "", new byte[0],
        new byte[3], "", LocalDate.EPOCH, LocalDateTime.MIN.withYear(2000), Instant.EPOCH, LocalTime.NOON,
        Duration.ZERO, BigDecimal.ZERO, null)));
  }

  /**
   * The same wire methods as {@link TypeZoo} declared with Java types that can send what the
   * server's Java types cannot hold, or with a schema the server does not accept.
   */
  @RpcService(name = "TypeZoo", version = "1.0.0")
  public interface WideZoo {
    long echoInt64(long value);

    @Wire(Wire.Type.DICTIONARY_UTF8) String echoColor(@Wire(Wire.Type.DICTIONARY_UTF8) String value);

    @Wire(Wire.Type.UINT8) int echoInt8(@Wire(Wire.Type.UINT8) int value);

    @Nullable String echoString(@Nullable String value);

    @Wire(Wire.Type.INT64) byte mixed(String a, @Nullable Long b, Optional<Point> c, List<Color> d, Point e,
        Color f);
  }

  @Test
  void theServerRefusesParametersItsJavaTypesCannotHold() {
    WideZoo wide = loop.proxy(WideZoo.class);
    refused("value", () -> wide.echoInt64(1L << 40));
    assertEquals(-5, wide.echoInt64(-5));
    refused("value", () -> wide.echoColor("PURPLE"));
    assertEquals("GREEN", wide.echoColor("GREEN"));
    refused("value", () -> wide.echoInt8(1));
    refused("value", () -> wide.echoString(null));
  }

  @Test
  void theClientRefusesResultsItsJavaTypesCannotHold() {
    WideZoo wide = loop.proxy(WideZoo.class);
    refused("result", () -> wide.mixed("abc", 5000L, Optional.empty(), List.of(), new Point(0, 0), Color.RED));
    assertEquals(3 + 1 - 1, wide.mixed("abc", 1L, Optional.empty(), List.of(), new Point(0, 0), Color.RED));
  }

  @Test
  void resultsTheColumnCannotHoldAreRefusedByTheServer() {
    refused("result", zoo::badInt8);
    refused("result", zoo::badNull);
    refused("result", zoo::badDecimal);
  }
}
