package dev.arrowrpc.core.schema;

import static dev.arrowrpc.core.schema.ZooValues.listOf;
import static dev.arrowrpc.core.schema.ZooValues.outer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Deep;
import dev.arrowrpc.core.schema.TypeZoo.Color;
import dev.arrowrpc.core.schema.TypeZoo.Containers;
import dev.arrowrpc.core.schema.TypeZoo.Outer;
import dev.arrowrpc.core.schema.TypeZoo.Point;
import dev.arrowrpc.core.schema.TypeZoo.Wired;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MarshalException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records as the rows of many-row batches (what stream methods send): every codec must grow its
 * vectors past their initial capacity, several batches in one stream must each carry their own
 * dictionaries, and a failed encode must release what it allocated.
 */
class RecordBatchCodecTest {
  private final BufferAllocator memory = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** Writes each list of rows as one batch of a single stream, then reads every batch back. */
  private List<List<Object>> roundTrip(RecordSchema schema, List<List<?>> batches) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema.schema())) {
      for (List<?> rows : batches) {
        try (Batch batch = schema.encode(rows, memory)) {
          writer.write(batch, Map.of());
        }
      }
    }
    List<List<Object>> read = new ArrayList<>();
    try (IpcStreamReader reader =
        IpcStreamReader.open(new ByteArrayInputStream(out.toByteArray()), memory).orElseThrow()) {
      while (reader.next()) {
        read.add(schema.decode(reader.root(), new ReadContext(reader, memory)));
      }
      assertTrue(reader.ended());
    }
    return read;
  }

  private static <T> List<T> rows(int count, IntFunction<T> row) {
    List<T> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(row.apply(i));
    }
    return rows;
  }

  private static Wired wired(int i) {
    return new Wired(i % 256 - 128, i % 65536 - 32768, i * 7L, -i, i % 256, i % 65536, i * 3L,
        -1L - i, BigInteger.valueOf(i).shiftLeft(40), i / 4.0, "lu" + i, new byte[] {(byte) i},
        new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}, "d" + (i % 5), LocalDate.EPOCH.plusDays(i - 2000),
        LocalDateTime.of(2000, 1, 1, 0, 0).plusNanos(i * 1000L), Instant.EPOCH.plusNanos(-i * 1000L),
        LocalTime.MIDNIGHT.plusNanos(i * 1000L), Duration.ofNanos(i * 1000L), BigDecimal.valueOf(i, 4),
        i % 3 == 0 ? null : (long) i);
  }

  @Test
  void manyRowsOfEveryWireType() throws Exception {
    RecordSchema schema = new TypeMapper().record(Wired.class);
    List<Wired> first = rows(5_000, RecordBatchCodecTest::wired);
    List<Wired> second = rows(3, i -> wired(i + 77));
    List<List<Object>> read = roundTrip(schema, List.of(first, second, List.of()));
    assertEquals(3, read.size());
    assertEquals(Deep.canon(first), Deep.canon(read.get(0)));
    assertEquals(Deep.canon(second), Deep.canon(read.get(1)));
    assertTrue(read.get(2).isEmpty());
  }

  @Test
  void manyRowsOfNestedRecordsAndContainers() throws Exception {
    RecordSchema outers = new TypeMapper().record(Outer.class);
    List<Outer> deep = rows(700, i -> outer(i % 4 == 0 ? "" : "o" + i));
    assertEquals(Deep.canon(deep), Deep.canon(roundTrip(outers, List.of(deep)).get(0)));

    RecordSchema containers = new TypeMapper().record(Containers.class);
    List<Containers> rows = rows(2_000, i -> {
      Map<String, List<Long>> ofLists = new LinkedHashMap<>();
      ofLists.put("k" + i, i % 5 == 0 ? null : listOf((long) i, null));
      Map<Long, Point> byId = new LinkedHashMap<>();
      byId.put((long) i, i % 2 == 0 ? null : new Point(i, -i));
      Map<String, Long> sparse = new LinkedHashMap<>();
      sparse.put("s", i % 3 == 0 ? null : (long) i);
      return new Containers(listOf(new Point(i, i), null), ofLists, new LinkedHashSet<>(List.of("t" + i, "u")),
          listOf(listOf((long) i), listOf(), null), byId, listOf(Color.values()[i % 3], null), sparse);
    });
    assertEquals(Deep.canon(rows), Deep.canon(roundTrip(containers, List.of(rows)).get(0)));
  }

  @Test
  void eachBatchCarriesItsOwnDictionary() throws Exception {
    RecordSchema schema = new TypeMapper().record(TypeZoo.Inner.class);
    List<TypeZoo.Inner> first = List.of(ZooValues.inner("a"), ZooValues.inner("bb"));
    List<TypeZoo.Inner> second = List.of(ZooValues.inner(""), ZooValues.inner("ccc"), ZooValues.inner("a"));
    List<List<Object>> read = roundTrip(schema, List.of(first, second));
    assertEquals(Deep.canon(first), Deep.canon(read.get(0)));
    assertEquals(Deep.canon(second), Deep.canon(read.get(1)));
  }

  @Test
  void aFailedEncodeReleasesItsMemory() {
    RecordSchema schema = new TypeMapper().record(Wired.class);
    List<Wired> rows = rows(1_000, RecordBatchCodecTest::wired);
    rows.set(999, new Wired(0, 0, 0, 0, 300, 0, 0, 0, BigInteger.ZERO, 0, "", new byte[0], new byte[8], "",
        LocalDate.EPOCH, LocalDateTime.of(2000, 1, 1, 0, 0), Instant.EPOCH, LocalTime.NOON, Duration.ZERO,
        BigDecimal.ZERO, null));
    MarshalException e = assertThrows(MarshalException.class, () -> schema.encode(rows, memory));
    assertEquals("u8", e.path());
    assertFalse(e.getMessage().isEmpty());
    // noLeaks() checks the allocator
  }

  @Test
  void setsKeepInsertionOrder() throws Exception {
    RecordSchema schema = new TypeMapper().record(Containers.class);
    Set<String> tags = new LinkedHashSet<>(List.of("z", "a", "m"));
    Containers row = new Containers(List.of(), Map.of(), tags, List.of(), Map.of(), List.of(), Map.of());
    Object back = roundTrip(schema, List.of(List.of(row))).get(0).get(0);
    assertEquals(List.of("z", "a", "m"), new ArrayList<>(((Containers) back).tags()));
  }
}
