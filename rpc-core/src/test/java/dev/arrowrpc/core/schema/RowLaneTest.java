package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.Wire;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MarshalException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The small-batch lane writes the bytes the vector path writes for the same row, reads back the
 * values the vector path reads (from its own bytes and from the vector path's), and fails as the
 * vector path fails, for every kind of column it takes; layouts it does not take have no lane.
 */
class RowLaneTest {
  private static final Map<String, String> METADATA = Map.of("vgi_rpc.method", "m");

  /** Methods whose parameters are the layouts under test. */
  @RpcService(name = "LaneCases")
  interface LaneCases {
    long mixed(long id, int count, double score, float ratio, boolean enabled, String label, byte[] blob,
        List<Long> values, Map<String, String> tags, Instant at);

    void widths(byte b, short s, @Nullable Short boxedShort, @Nullable Integer boxedInt, @Nullable Long boxedLong,
        @Wire(Wire.Type.UINT64) BigInteger big, @Nullable Float f, @Nullable Double d, @Nullable Boolean flag, @Wire(Wire.Type.UINT32) long unsigned, @Wire(Wire.Type.INT16) int narrow);

    void temporal(@Nullable LocalDate date, @Nullable LocalDateTime dateTime, @Nullable LocalTime time,
        @Nullable Duration duration, @Nullable Instant instant);

    void nested(List<List<Integer>> lists, @Nullable Set<String> set, Map<String, List<Double>> byName,
        List<Long> nullableItems, @Nullable Map<Long, Optional<String>> sparse);

    void optional(Optional<String> text, Optional<Long> number, Optional<List<String>> list);

    void strings(String text, String other);

    void keyed(Map<String, Long> counts, @Nullable Map<String, String> names, Map<String, byte[]> blobs,
        Map<String, Boolean> flags, List<String> texts);

    void vectorsOnly(java.math.BigDecimal amount);

    void primitives(long a, int b, double c, float d, boolean e, List<Long> f);

    void boxes(@Nullable Long a, @Nullable Integer b, @Nullable Double c, @Nullable Float d, @Nullable Boolean e,
        @Nullable List<Long> f);

    void records(List<Point> points, Map<String, Shape> shapes, @Nullable List<Shape> more);

    /** A flat record. */
    record Point(int x, @Nullable Integer y) {}

    /** A record holding a record, a list and a string. */
    record Shape(String name, Point origin, List<Point> corners, @Nullable String note) {}
  }

  private static RowLayout params(String name) {
    for (Method method : LaneCases.class.getDeclaredMethods()) {
      if (method.getName().equals(name)) {
        return MethodSpec.of(method).params();
      }
    }
    throw new AssertionError(name);
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<Map.Entry<String, Object>> pairs(Object... namesAndValues) {
    List<Map.Entry<String, Object>> pairs = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      pairs.add(Map.entry((String) namesAndValues[i], namesAndValues[i + 1]));
    }
    return pairs;
  }

  @Test
  void rowsOfEveryKindMatchTheVectorPath() throws IOException {
    List<Object> nullableItems = new ArrayList<>(Arrays.asList(1L, null, 3L));
    Map<Long, Optional<String>> sparse = new LinkedHashMap<>();
    sparse.put(1L, Optional.of("one"));
    sparse.put(2L, Optional.empty());
    List<Map.Entry<String, Object>> rows = pairs(
        "mixed", new Object[] {42L, 7, 2.5, 1.25f, true, "label é", new byte[] {1, 2, 3},
            List.of(1L, 2L, 3L), map("a", "b", "c", "d"), Instant.parse("2026-12-04T10:15:30.123456Z")},
        "mixed", new Object[] {-1L, 0, -0.0, Float.NaN, false, "", new byte[0], List.of(), Map.of(),
            Instant.EPOCH},
        "widths", new Object[] {(byte) -3, (short) 300, null, 5, null, BigInteger.TEN, null, 1.5, null, 4_000_000_000L,
            -300},
        "widths", new Object[] {Byte.MIN_VALUE, Short.MAX_VALUE, (short) -1, null, Long.MIN_VALUE,
            BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), 2.5f, null, false, 0L, Short.MIN_VALUE + 0},
        "temporal", new Object[] {LocalDate.of(2026, 12, 4), LocalDateTime.of(1969, 7, 20, 20, 17, 40),
            LocalTime.of(23, 59, 59, 999_999_000), Duration.ofMillis(-1500), Instant.parse("1900-01-01T00:00:00Z")},
        "temporal", new Object[] {null, null, null, null, null},
        "nested", new Object[] {List.of(List.of(1, 2), List.of(), List.of(3)), new LinkedHashSet<>(List.of("x", "y")),
            map("p", List.of(1.0, 2.0), "q", List.of()), List.of(4L, 5L),
            sparse},
        "nested", new Object[] {Arrays.asList(null, List.of(9)), null, map("n", null), nullableItems, null},
        "optional", new Object[] {Optional.of("t"), Optional.empty(), Optional.of(List.of("a", "b"))},
        "optional", new Object[] {Optional.empty(), Optional.of(5L), Optional.empty()},
        "strings", new Object[] {"x".repeat(100), "日本語"},
        "keyed", new Object[] {map("a", 1L, "é", null, "c", Long.MIN_VALUE), map("k", "v", "n", null, "ü", "日本"),
            map("b", new byte[] {1, 2}, "none", null, "empty", new byte[0]), map("t", true, "f", false, "n", null),
            Arrays.asList("x", null, "", "é")},
        "keyed", new Object[] {Map.of(), null, Map.of(), Map.of(), List.of()},
        "keyed", new Object[] {Map.of("only", 5L), Map.of(), Map.of("z", new byte[] {9}), Map.of("y", true),
            List.of("only")},
        // texts read a byte at a time (up to 24 bytes) and eight at a time, a non-ASCII byte in each part
        "strings", new Object[] {"s".repeat(24), "t".repeat(23) + "é"},
        "strings", new Object[] {"u".repeat(25), "v".repeat(30) + "é" + "w".repeat(9)},
        "strings", new Object[] {"é" + "x".repeat(40), "y".repeat(39) + "é"},
        "records", new Object[] {Arrays.asList(new LaneCases.Point(3, null), null, new LaneCases.Point(-5, 6)),
            map("sq", new LaneCases.Shape("sq", new LaneCases.Point(0, 0),
                List.of(new LaneCases.Point(1, 1)), null), "none", null),
            List.of(new LaneCases.Shape("tri", new LaneCases.Point(7, null), List.of(), "n"))},
        "records", new Object[] {List.of(), Map.of(), null},
        // the kinds of fixed-width value the lane reads without its codec's conversion: extremes, signed
        // zeros, NaNs (a float's with a payload), in columns and as a list's items
        "primitives", new Object[] {Long.MIN_VALUE, Integer.MIN_VALUE, Double.NaN, -0.0f, true,
            List.of(Long.MAX_VALUE, -1L, 0L, 127L, 128L)},
        "boxes", new Object[] {Long.MAX_VALUE, Integer.MAX_VALUE, -0.0, Float.intBitsToFloat(0x7fc00123), false,
            Arrays.asList(null, Long.MIN_VALUE)},
        "boxes", new Object[] {null, -1, Double.MIN_VALUE, Float.MAX_VALUE, null, null},
        "nested", new Object[] {List.of(List.of(Integer.MIN_VALUE, -1), List.of(Integer.MAX_VALUE)), Set.of(),
            map("n", List.of(Double.NEGATIVE_INFINITY, -0.0, Double.NaN)), List.of(Long.MIN_VALUE), null});
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Map.Entry<String, Object> row : rows) {
        same(params(row.getKey()), (Object[]) row.getValue(), allocator, row.getKey());
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void shortTextsOfEveryLengthReadAsWrittenAndAgain() throws IOException {
    // keys and values laid end to end in one data buffer: a text's word holds its neighbours' bytes,
    // a non-ASCII one among them; texts of 1 to 24 bytes (one, two and three words), read twice (the
    // second time perhaps a string read before) and in another order
    List<String> texts = new ArrayList<>();
    for (int length = 1; length <= 25; length++) {
      texts.add("abcdefghijklmnopqrstuvwxyz".substring(0, length));
      texts.add("é" + "q".repeat(length));
      texts.add("r".repeat(length) + "é");
    }
    texts.add("abcdefgh\u0000");
    texts.add("abcdefgh");
    texts.add("abcdefgi");
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i + 1 < texts.size(); i++) {
          same(params("strings"), new Object[] {texts.get(i), texts.get(i + 1)}, allocator, "strings " + i);
          same(params("mixed"), new Object[] {1L, 2, 3.0, 4f, true, texts.get(texts.size() - 1 - i), new byte[] {5},
              List.of(), map(texts.get(i), "é", "x", texts.get(i + 1), "é" + texts.get(i), texts.get(i)),
              Instant.EPOCH}, allocator, "mixed " + i);
        }
        java.util.Collections.reverse(texts);
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void secondRowsOfTheSameMethodsMatchToo() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      same(params("mixed"), new Object[] {-1L, 0, -0.0, Float.NaN, false, "", new byte[0], List.of(), Map.of(),
          Instant.EPOCH}, allocator, "mixed, empty values");
      same(params("widths"), new Object[] {Byte.MIN_VALUE, Short.MAX_VALUE, (short) -1, null, Long.MIN_VALUE,
          BigInteger.valueOf(Long.MAX_VALUE), 2.5f, null, false, 0xffffffffL, 32767}, allocator, "widths, extremes");
      same(params("temporal"), new Object[] {null, null, null, null, null}, allocator, "temporal, nulls");
      same(params("optional"), new Object[] {Optional.empty(), Optional.of(5L), Optional.empty()}, allocator,
          "optional, empties");
      List<Object> nullableItems = new ArrayList<>(Arrays.asList(1L, null, 3L));
      same(params("nested"), new Object[] {Arrays.asList(null, List.of(9)), null, map("n", null), nullableItems,
          null}, allocator, "nested, nulls");
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void headersKeptForFixedMetadataStillFollowEachRowsShape() throws IOException {
    // the same lengths twice, then other lengths (the kept header patched), then the first again
    sameWithKeptHeaders("strings", List.of(new Object[] {"ab", "c"}, new Object[] {"xy", "z"},
        new Object[] {"abc", ""}, new Object[] {"ab", "c"}));
    // other list sizes, null counts and offsets under the same nodes and buffers
    List<Object> nullableItems = new ArrayList<>(Arrays.asList(1L, null, 3L));
    sameWithKeptHeaders("nested", List.of(
        new Object[] {List.of(List.of(1, 2), List.of(), List.of(3)), new LinkedHashSet<>(List.of("x", "y")),
            map("p", List.of(1.0, 2.0), "q", List.of()), List.of(4L, 5L), null},
        new Object[] {Arrays.asList(null, List.of(9)), null, map("n", null), nullableItems, null},
        new Object[] {List.of(), Set.of("only"), Map.of(), List.of(), null}));
  }

  /** Writes each row with fixed metadata through vectors and through the lane: the same bytes. */
  private static void sameWithKeptHeaders(String method, List<Object[]> rows) throws IOException {
    Map<String, String> fixed = dev.arrowrpc.core.wire.FixedMetadata.of(Map.of("vgi_rpc.method", method));
    RowLayout layout = params(method);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Object[] row : rows) {
        ByteArrayOutputStream viaVectors = new ByteArrayOutputStream();
        try (Batch batch = layout.encode(1, (r, c) -> row[c], allocator);
            IpcStreamWriter writer = IpcStreamWriter.start(viaVectors, layout.schema())) {
          writer.append(batch, fixed);
        }
        ByteArrayOutputStream viaLane = new ByteArrayOutputStream();
        try (IpcStreamWriter writer = IpcStreamWriter.start(viaLane, layout.schema())) {
          writer.append(layout.lane().orElseThrow().encode(row), fixed);
        }
        assertArrayEquals(viaVectors.toByteArray(), viaLane.toByteArray(), method + " " + Arrays.toString(row));
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void aRecordThatCannotBeWrittenFailsAsTheVectorPathFails() {
    RowLayout records = params("records");
    Object[] wrong = {List.of(), Map.of("s", "not a shape"), null};
    String expected = failure(() -> {
      try (BufferAllocator allocator = new RootAllocator();
          Batch batch = records.encode(1, (r, c) -> wrong[c], allocator)) {
        return batch;
      }
    });
    assertEquals(expected, failure(() -> records.lane().orElseThrow().encode(wrong)));
    Object[] missing = {List.of(),
        Map.of("s", new LaneCases.Shape(null, new LaneCases.Point(0, 0), List.of(), null)), null};
    String absent = failure(() -> {
      try (BufferAllocator allocator = new RootAllocator();
          Batch batch = records.encode(1, (r, c) -> missing[c], allocator)) {
        return batch;
      }
    });
    assertEquals(absent, failure(() -> records.lane().orElseThrow().encode(missing)));
    assertTrue(absent.contains("name"), absent);
  }

  @Test
  void aLayoutWithAColumnWithoutALaneHasNone() {
    assertTrue(params("mixed").lane().isPresent());
    assertFalse(params("vectorsOnly").lane().isPresent());
  }

  @Test
  void writingFailsAsTheVectorPathFails() {
    RowLayout widths = params("widths");
    Object[] outOfRange = {(byte) 1, (short) 1, null, null, null, BigInteger.ONE.shiftLeft(64), null, null, null, 1L,
        1};
    String expected = failure(() -> {
      try (BufferAllocator allocator = new RootAllocator();
          Batch batch = widths.encode(1, (r, c) -> outOfRange[c], allocator)) {
        return batch;
      }
    });
    assertEquals(expected, failure(() -> widths.lane().orElseThrow().encode(outOfRange)));
    assertTrue(expected.contains("big"), expected);

    RowLayout mixed = params("mixed");
    Object[] missing = {1L, 1, 1.0, 1f, true, null, new byte[0], List.of(), Map.of(), Instant.EPOCH};
    assertEquals("the field is not nullable but the value is null", failure(
        () -> mixed.lane().orElseThrow().encode(missing)).replaceAll(" \\(at .*\\)$", "").replaceAll("^.*: ", ""));
    Object[] tooFine = {1L, 1, 1.0, 1f, true, "", new byte[0], List.of(), Map.of(), Instant.ofEpochSecond(0, 1)};
    String fine = failure(() -> {
      try (BufferAllocator allocator = new RootAllocator();
          Batch batch = mixed.encode(1, (r, c) -> tooFine[c], allocator)) {
        return batch;
      }
    });
    assertEquals(fine, failure(() -> mixed.lane().orElseThrow().encode(tooFine)));
    assertTrue(fine.contains("sub-microsecond"), fine);
  }

  @Test
  void itemsAndEntriesThatCannotBeWrittenFailAsTheVectorPathFails() {
    // a wrong item, key or value (through unchecked generics) at each position, and a missing key
    Map<Object, Object> nullKey = new LinkedHashMap<>();
    nullKey.put("a", "b");
    nullKey.put(null, "c");
    List<Object[]> rows = List.of(
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], List.of("x"), Map.of(), Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], List.of(1L, 2L, 3.5), Map.of(), Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], Arrays.asList(1L, null, "y"), Map.of(), Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], List.of(), map("k", "v", "w", 5), Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], List.of(), Map.of(7, "v"), Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, "", new byte[0], List.of(), nullKey, Instant.EPOCH},
        new Object[] {1L, 1, 1.0, 1f, true, 5, new byte[0], List.of(), Map.of(), Instant.EPOCH});
    RowLayout mixed = params("mixed");
    int failures = 0;
    for (Object[] row : rows) {
      String expected = outcome(() -> {
        try (BufferAllocator allocator = new RootAllocator();
            Batch batch = mixed.encode(1, (r, c) -> row[c], allocator)) {
          return batch;
        }
      });
      assertEquals(expected, outcome(() -> mixed.lane().orElseThrow().encode(row)), Arrays.toString(row));
      failures += expected.equals("written") ? 0 : 1;
    }
    assertTrue(failures >= 5, "rows that fail: " + failures);
    RowLayout nested = params("nested");
    Object[] lists = {List.of(List.of(1), List.of(2, "z")), null, Map.of(), List.of(), null};
    String expected = failure(() -> {
      try (BufferAllocator allocator = new RootAllocator();
          Batch batch = nested.encode(1, (r, c) -> lists[c], allocator)) {
        return batch;
      }
    });
    assertEquals(expected, failure(() -> nested.lane().orElseThrow().encode(lists)));
    assertTrue(expected.contains("[1]"), expected);
  }

  /** The message of the MarshalException an action fails with, or "written" when it does not fail. */
  private static String outcome(java.util.concurrent.Callable<?> action) {
    try {
      action.call();
      return "written";
    } catch (MarshalException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aNullCellReadIntoAPrimitiveFailsAsTheVectorPathFails() throws IOException {
    // cells written null through boxes, read as primitives (a writer that ignored the schema's
    // nullability): each column in turn, the others set
    RowLayout boxes = params("boxes");
    RowLayout primitives = params("primitives");
    for (int column = 0; column < 5; column++) {
      Object[] row = {1L, 2, 3.0, 4f, true, List.of(5L)};
      row[column] = null;
      byte[] stream = write(boxes, row);
      try (BufferAllocator allocator = new RootAllocator()) {
        String viaVectors;
        try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), allocator).orElseThrow()) {
          assertTrue(reader.next());
          viaVectors = failure(() -> primitives.decodeRow(reader.root().getFieldVectors(), 0, new ReadContext(reader,
              allocator)));
        }
        try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), allocator).orElseThrow()) {
          assertTrue(reader.next());
          BatchView view = reader.directBatch().orElseThrow();
          assertEquals(viaVectors, failure(() -> primitives.lane().orElseThrow().decode(view)), "column " + column);
        }
        assertTrue(viaVectors.contains("primitive"), viaVectors);
        assertEquals(0, allocator.getAllocatedMemory());
      }
    }
    // a null list is read as null by both
    byte[] stream = write(boxes, new Object[] {1L, 2, 3.0, 4f, true, null});
    try (BufferAllocator allocator = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), allocator).orElseThrow()) {
      assertTrue(reader.next());
      assertEquals(Arrays.asList(1L, 2, 3.0, 4f, true, null),
          Arrays.asList(primitives.lane().orElseThrow().decode(reader.directBatch().orElseThrow())));
    }
  }

  @Test
  void readingInvalidUtf8FailsAsTheVectorPathFails() throws IOException {
    invalidUtf8FailsAsTheVectorPathFails(params("strings"), new Object[] {"ok", "bad"});
    // a map's key and value, of one read through text keys in place
    invalidUtf8FailsAsTheVectorPathFails(params("keyed"), new Object[] {Map.of(), map("ok", "bad"), Map.of(),
        Map.of(), List.of()});
    invalidUtf8FailsAsTheVectorPathFails(params("keyed"), new Object[] {Map.of(), map("bad", "ok"), Map.of(),
        Map.of(), List.of()});
    invalidUtf8FailsAsTheVectorPathFails(params("keyed"), new Object[] {map("ok", 1L, "bad", 2L), null, Map.of(),
        Map.of(), List.of()});
    invalidUtf8FailsAsTheVectorPathFails(params("keyed"), new Object[] {Map.of(), null, Map.of(), Map.of(),
        List.of("ok", "bad")});
  }

  /** Writes a row, turns the bytes "bad" into bytes that are not UTF-8, reads it both ways: the same failure. */
  private static void invalidUtf8FailsAsTheVectorPathFails(RowLayout strings, Object[] row) throws IOException {
    byte[] stream = write(strings, row);
    // turn "bad" into bytes that are not UTF-8
    int at = indexOf(stream, "bad".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    stream[at] = (byte) 0xff;
    try (BufferAllocator allocator = new RootAllocator()) {
      String viaVectors;
      try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), allocator).orElseThrow()) {
        assertTrue(reader.next());
        viaVectors = failure(() -> strings.decodeRow(reader.root().getFieldVectors(), 0, new ReadContext(reader,
            allocator)));
      }
      String viaLane;
      try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), allocator).orElseThrow()) {
        assertTrue(reader.next());
        BatchView view = reader.directBatch().orElseThrow();
        viaLane = failure(() -> strings.lane().orElseThrow().decode(view));
      }
      assertEquals(viaVectors, viaLane);
      assertTrue(viaLane.contains("UTF-8"), viaLane);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static String failure(java.util.concurrent.Callable<?> action) {
    MarshalException e = assertThrows(MarshalException.class, action::call);
    return e.getMessage();
  }

  private static byte[] write(RowLayout layout, Object[] values) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, layout.schema())) {
      writer.append(layout.lane().orElseThrow().encode(values), METADATA);
    }
    return out.toByteArray();
  }

  private static void same(RowLayout layout, Object[] values, BufferAllocator allocator, String what)
      throws IOException {
    ByteArrayOutputStream viaVectors = new ByteArrayOutputStream();
    try (Batch batch = layout.encode(1, (r, c) -> values[c], allocator);
        IpcStreamWriter writer = IpcStreamWriter.start(viaVectors, layout.schema())) {
      writer.append(batch, METADATA);
    }
    byte[] viaLane = write(layout, values);
    assertArrayEquals(viaVectors.toByteArray(), viaLane, what + ": the lane's bytes");

    Object[] expected;
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(viaLane), allocator).orElseThrow()) {
      assertTrue(reader.next());
      assertEquals(1, reader.rowCount());
      expected = layout.decodeRow(reader.root().getFieldVectors(), 0, new ReadContext(reader, allocator));
      assertTrue(reader.directBatch().isEmpty(), "a loaded batch is not read in place");
    }
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(viaLane), allocator).orElseThrow()) {
      assertTrue(reader.next());
      assertTrue(layout.lane().orElseThrow().reads(reader.schema()));
      Object[] actual = layout.lane().orElseThrow().decode(reader.directBatch().orElseThrow());
      assertEquals(normalize(expected), normalize(actual), what + ": the values read");
      assertEquals(normalize(values), normalize(actual), what + ": the values written");
      assertFalse(reader.next());
    }
  }

  /** Byte arrays (also as a map's values) compared by content, everything else by equals. */
  private static List<Object> normalize(Object[] values) {
    List<Object> out = new ArrayList<>();
    for (Object value : values) {
      if (value instanceof Map<?, ?> map) {
        Map<Object, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, normalize(new Object[] {v}).get(0)));
        out.add(copy);
      } else {
        out.add(value instanceof byte[] bytes ? "bytes" + Arrays.toString(bytes) : value);
      }
    }
    return out;
  }
}
