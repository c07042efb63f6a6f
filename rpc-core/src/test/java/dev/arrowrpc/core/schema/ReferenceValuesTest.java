package dev.arrowrpc.core.schema;

import static dev.arrowrpc.core.schema.ZooValues.listOf;
import static dev.arrowrpc.core.schema.ZooValues.outer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Deep;
import dev.arrowrpc.core.schema.TypeZoo.Color;
import dev.arrowrpc.core.schema.TypeZoo.Containers;
import dev.arrowrpc.core.schema.TypeZoo.Point;
import dev.arrowrpc.core.schema.TypeZoo.Scalars;
import dev.arrowrpc.core.schema.TypeZoo.Temporal;
import dev.arrowrpc.core.schema.TypeZoo.Wired;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Python to Java: request and result batches encoded by the reference's own conversion code
 * ({@code reference-values.tsv}, written by {@code gen_reference_schemas.py}) decode in Java to the
 * expected values, and each stream's schema equals the Java-declared one. Java re-encodes every
 * case too; with {@code -Darrowrpc.exportEncoded=FILE} those bytes are written out so the generator's
 * {@code --check-java FILE} mode can decode them with the reference (Java to Python).
 */
class ReferenceValuesTest {
  private static final BufferAllocator MEMORY = new RootAllocator();
  private static final Map<String, MethodSpec> METHODS = ServiceSpec.of(TypeZoo.class).methods();
  private static final Map<String, byte[]> STREAMS = load();

  /** The cases: the same list as the generator's {@code value_cases}, with the Java values. */
  private static final Map<String, Case> CASES = new LinkedHashMap<>();

  private record Case(String method, Object[] args, Object result) {}

  private static void echo(String method, String name, Object value) {
    CASES.put(method + "." + name, new Case(method, new Object[] {value}, value));
  }

  private static Map<String, Long> orderedMap(Object... keysAndValues) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (Long) keysAndValues[i + 1]);
    }
    return map;
  }

  static {
    echo("echoString", "plain", "héllo ☃ 𝄞");
    echo("echoString", "empty", "");
    echo("echoBytes", "some", new byte[] {0, -1, 127, -128});
    echo("echoLong", "min", Long.MIN_VALUE);
    echo("echoLong", "max", Long.MAX_VALUE);
    echo("echoBoxedLong", "some", 42L);
    echo("echoInt", "min", Integer.MIN_VALUE);
    echo("echoShort", "min", Short.MIN_VALUE);
    echo("echoByte", "max", Byte.MAX_VALUE);
    echo("echoDouble", "some", 1.5);
    echo("echoFloat", "some", -2.5f);
    echo("echoBool", "true", true);
    echo("echoColor", "green", Color.GREEN);
    echo("echoStrings", "some", List.of("a", "", "b"));
    echo("echoNullableItems", "some", listOf(null, "x"));
    echo("echoLongSet", "one", Set.of(3L));
    echo("echoColors", "some", List.of(Color.BLUE, Color.RED, Color.BLUE));
    echo("echoMatrix", "some", List.of(List.of(1L, 2L), List.of(), List.of(3L)));
    echo("echoMap", "some", orderedMap("b", 2L, "a", -1L));
    echo("echoNullableValues", "some", orderedMap("none", null, "one", 1L));
    Map<String, List<Long>> ofLists = new LinkedHashMap<>();
    ofLists.put("a", List.of(1L, 2L));
    ofLists.put("e", List.of());
    echo("echoMapOfLists", "some", ofLists);
    echo("echoPointsById", "some", Map.of(1L, new Point(1, 2)));
    echo("echoOptString", "none", Optional.empty());
    echo("echoOptString", "some", Optional.of("x"));
    echo("echoOptColor", "some", Optional.of(Color.GREEN));
    echo("echoNullableLong", "none", null);
    echo("echoPoint", "some", new Point(-1, Long.MAX_VALUE));
    echo("echoOptPoint", "none", Optional.empty());
    echo("echoOptPoint", "some", Optional.of(new Point(3, 4)));
    echo("echoNullablePoint", "some", new Point(5, 6));
    echo("echoPoints", "some", List.of(new Point(1, 2), new Point(3, 4)));
    echo("echoOuter", "deep", outer("deep"));
    echo("echoOuter", "bare", outer(""));
    echo("echoScalars", "extremes", new Scalars("s", new byte[] {1}, Long.MIN_VALUE, Long.MAX_VALUE,
        Integer.MIN_VALUE, Short.MAX_VALUE, Byte.MIN_VALUE, 1.5, 0.25f, true, Color.BLUE, null, Optional.empty(),
        null));
    echo("echoScalars", "present", new Scalars("", new byte[0], 0, 0L, 0, (short) 0, (byte) 0, 0.0, 0f, false,
        Color.RED, "n", Optional.of(-1L), new byte[] {9, 9}));
    echo("echoWired", "extremes", new Wired(-128, -32768, Integer.MAX_VALUE, Integer.MIN_VALUE, 255, 65535,
        4_294_967_295L, new BigInteger("18000000000000000000").longValue(),
        BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), 1.5, "large", new byte[] {1, 2},
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "dict", LocalDate.of(2024, 2, 29),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), Instant.parse("2024-01-02T03:04:05.123456Z"),
        LocalTime.of(23, 59, 59, 999_999_000), Duration.ofNanos(-1_000), new BigDecimal("-99999999999999.9999"),
        null));
    echo("echoTemporal", "edges", new Temporal(Instant.parse("1900-01-01T00:00:00.000001Z"), LocalDate.of(1, 1, 1),
        LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_000), LocalTime.MIDNIGHT, Duration.ZERO,
        new BigDecimal("12345678901234567890.123456789012345678")));
    Map<String, List<Long>> containerLists = new LinkedHashMap<>();
    containerLists.put("k", listOf(1L, null));
    echo("echoContainers", "some", new Containers(List.of(new Point(1, 2)), containerLists, Set.of("x"),
        listOf(List.of(1L), List.of(), null), Map.of(Long.MAX_VALUE, new Point(1, 1)), listOf(Color.GREEN, null),
        orderedMap("a", null)));
    echo("echoUint64", "above-long-max", new BigInteger("18000000000000000000").longValue());
    echo("echoUint64Big", "max", BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    echo("echoUint8", "max", 255);
    echo("echoUint32", "max", 4_294_967_295L);
    echo("echoInt8", "min", (byte) -128);
    echo("echoFloat32", "some", 1.5);
    echo("echoLargeString", "some", "large ☃");
    echo("echoLargeBytes", "some", new byte[] {0});
    echo("echoFixed8", "some", new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
    echo("echoDictString", "some", "dict");
    echo("echoDictStrings", "some", List.of("x", "y", "x"));
    echo("echoDate32", "leap", LocalDate.of(2024, 2, 29));
    echo("echoTimestamp", "micros", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
    echo("echoTimestampUtc", "micros", Instant.parse("2024-01-02T03:04:05.123456Z"));
    echo("echoTime64", "last", LocalTime.of(23, 59, 59, 999_999_000));
    echo("echoDurationUs", "negative", Duration.ofNanos(-1_000));
    echo("echoDecimal", "some", new BigDecimal("12345.6789"));
    echo("echoNullableUint32", "none", null);
    echo("echoOptInt16", "min", Optional.of(Short.MIN_VALUE));
    echo("echoUint8List", "some", listOf(0, 255, null));
    echo("echoInstant", "micros", Instant.parse("2024-01-02T03:04:05.123456Z"));
    echo("echoLocalDate", "before-epoch", LocalDate.of(1969, 12, 31));
    echo("echoLocalDateTime", "before-epoch", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    echo("echoLocalTime", "noon", LocalTime.NOON);
    echo("echoDuration", "long", Duration.ofDays(365_000));
    echo("echoBigDecimal", "tiny", new BigDecimal("-0.000000000000000001"));
    CASES.put("mixed.some", new Case("mixed",
        new Object[] {"a", null, Optional.of(new Point(1, 2)), List.of(), new Point(3, 4), Color.BLUE}, 1234L));
  }

  private static Map<String, byte[]> load() {
    Map<String, byte[]> streams = new TreeMap<>();
    try (InputStream in = ReferenceValuesTest.class.getResourceAsStream("reference-values.tsv")) {
      assertNotNull(in, "missing reference-values.tsv: run gen_reference_schemas.py");
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          int tab = line.indexOf('\t');
          streams.put(line.substring(0, tab), HexFormat.of().parseHex(line.substring(tab + 1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return streams;
  }

  @AfterAll
  static void releaseMemory() {
    assertEquals(0, MEMORY.getAllocatedMemory());
    MEMORY.close();
  }

  /** Decodes one stream with a layout, asserting its schema is the declared one. */
  private static Object[] decode(byte[] bytes, RowLayout layout) throws IOException {
    try (IpcStreamReader reader = IpcStreamReader.open(new java.io.ByteArrayInputStream(bytes), MEMORY).orElseThrow()) {
      assertEquals(
          ReferenceSchemas.describe(ReferenceSchemas.withoutDictionaryIds(layout.schema())),
          ReferenceSchemas.describe(ReferenceSchemas.withoutDictionaryIds(reader.schema())));
      assertTrue(reader.next());
      assertEquals(1, reader.root().getRowCount());
      Object[] row = layout.decodeRow(reader.root().getFieldVectors(), 0, new ReadContext(reader, MEMORY));
      assertFalse(reader.next());
      return row;
    }
  }

  @TestFactory
  Stream<DynamicTest> referenceEncodedValuesDecodeInJava() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, byte[]> stream : STREAMS.entrySet()) {
      String key = stream.getKey();
      tests.add(DynamicTest.dynamicTest(key, () -> {
        boolean request = key.startsWith("request.");
        String caseKey = key.substring(key.indexOf('.') + 1);
        Case c = CASES.get(caseKey);
        assertNotNull(c, "no Java expectation for " + caseKey);
        MethodSpec spec = METHODS.get(c.method());
        if (request) {
          Object[] args = decode(stream.getValue(), spec.params());
          assertEquals(Deep.canon(Arrays.asList(c.args())), Deep.canon(Arrays.asList(args)), key);
        } else {
          Object[] result = decode(stream.getValue(), spec.result());
          assertEquals(Deep.canon(c.result()), Deep.canon(result[0]), key);
        }
      }));
    }
    return tests.stream();
  }

  /**
   * Cases the reference cannot encode itself. Before 0.52 its {@code _convert_for_arrow} left enum
   * members and dataclasses inside lists and maps unconverted; 0.52 converts them recursively, so
   * every case now has reference bytes.
   */
  private static final Set<String> REFERENCE_CANNOT_ENCODE = Set.of();

  @Test
  void everyCaseHasReferenceBytes() {
    for (String caseKey : CASES.keySet()) {
      boolean any = STREAMS.containsKey("request." + caseKey) || STREAMS.containsKey("response." + caseKey);
      assertEquals(!REFERENCE_CANNOT_ENCODE.contains(caseKey), any, caseKey);
    }
  }

  /** Java encodes every case; with {@code arrowrpc.exportEncoded} set, the streams are written out. */
  @Test
  void javaEncodesEveryCase() throws IOException {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Case> entry : CASES.entrySet()) {
      Case c = entry.getValue();
      MethodSpec spec = METHODS.get(c.method());
      byte[] request;
      try (Batch batch = spec.params().encode(1, (row, column) -> c.args()[column], MEMORY)) {
        request = IpcBytes.stream(spec.params().schema(), batch);
      }
      byte[] response;
      try (Batch batch = spec.result().encode(1, (row, column) -> c.result(), MEMORY)) {
        response = IpcBytes.stream(spec.result().schema(), batch);
      }
      // what Java writes, Java reads back
      assertEquals(Deep.canon(Arrays.asList(c.args())), Deep.canon(Arrays.asList(decode(request, spec.params()))));
      assertEquals(Deep.canon(c.result()), Deep.canon(decode(response, spec.result())[0]));
      lines.add("request." + entry.getKey() + "\t" + HexFormat.of().formatHex(request));
      lines.add("response." + entry.getKey() + "\t" + HexFormat.of().formatHex(response));
    }
    String export = System.getProperty("arrowrpc.exportEncoded");
    if (export != null && !export.isBlank()) {
      Files.write(Path.of(export), lines, StandardCharsets.UTF_8);
    }
  }

  @Test
  void setsAndMapsComeBackInWireOrder() throws IOException {
    byte[] bytes = STREAMS.get("request.echoMap.some");
    Object decoded = decode(bytes, METHODS.get("echoMap").params())[0];
    assertEquals(List.of("b", "a"), new ArrayList<>(((Map<?, ?>) decoded).keySet()));
    Object set = decode(STREAMS.get("request.echoLongSet.one"), METHODS.get("echoLongSet").params())[0];
    assertTrue(set instanceof LinkedHashSet<?>);
  }
}
