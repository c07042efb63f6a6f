package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The client side of conformance: every method of {@link ConformanceService} called through the
 * arrow-rpc typed proxy against a conformance worker, with exact values, Arrow types, nullability
 * and log messages asserted. One body serves every cell of the client matrix (the reference's
 * Python worker, the Go worker and this project's Java worker, each over pipe, Unix socket, TCP
 * and HTTP): a subclass says how to reach the worker ({@link #openTarget()}).
 *
 * <p>Besides the runner's cases it covers what the reference's native-client contract singles
 * out: all-null columns, dictionary-encoded columns, nested columns in exchange inputs, empty and
 * single-row batches, errors with their types, cancellation mid-stream, stream headers and output
 * schemas chosen at run time. One connection serves a whole cell, as the reference runner shares
 * one; after every test the client's allocator must be back at zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class ConformanceClientContract {
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  private static final List<Field> COUNTER = List.of(Field.nullable("index", INT64), Field.nullable("value", INT64));
  private static final List<Field> SCALE = List.of(Field.nullable("value", FLOAT64));
  private static final String NO_STICKY_COUNTER = "no sticky counter bound to this request";

  /** How the contract reaches one worker over one transport. */
  interface Target extends AutoCloseable {
    /**
     * Opens a client to the worker.
     *
     * @param allocator the client's allocator
     * @param onLog receives the server's log messages
     * @return the client
     * @throws IOException when the worker cannot be reached
     */
    RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) throws IOException;

    /** The transport's label: {@code pipe}, {@code unix}, {@code tcp} or {@code http}. */
    String transport();

    /** Ends the worker. */
    @Override
    void close();
  }

  private Target target;
  private RootAllocator memory;
  private RpcClient client;
  /** The proxy every test calls. */
  protected ConformanceService service;
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> owned = new ArrayList<>();

  /**
   * Starts (or finds) the worker this class runs against.
   *
   * @return the target
   * @throws Exception when the worker cannot be started
   */
  protected abstract Target openTarget() throws Exception;

  @BeforeAll
  void connect() throws Exception {
    target = openTarget();
    memory = new RootAllocator();
    client = target.connect(memory, logs::add);
    service = client.proxy(ConformanceService.class);
  }

  @BeforeEach
  void clearLogs() {
    logs.clear();
  }

  @AfterEach
  void releaseAndCheckMemory() throws Exception {
    for (AutoCloseable resource : owned) {
      resource.close();
    }
    owned.clear();
    assertEquals(0, memory.getAllocatedMemory(), "client memory not released: " + memory.toVerboseString());
  }

  @AfterAll
  void disconnect() {
    try {
      if (client != null) {
        client.close();
      }
      if (memory != null) {
        memory.close();
      }
    } finally {
      if (target != null) {
        target.close();
      }
    }
  }

  /** Closes the cell's connection (its memory must be back at zero) and opens a new one. */
  private void reconnect() throws Exception {
    for (AutoCloseable resource : owned) {
      resource.close();
    }
    owned.clear();
    RpcClient old = client;
    client = target.connect(memory, logs::add);
    service = client.proxy(ConformanceService.class);
    old.close();
    assertEquals(0, memory.getAllocatedMemory(), "client memory not released: " + memory.toVerboseString());
  }

  // ================================================================ unary: scalars

  @Test
  void echoString() {
    for (String value : List.of("hello", "", "héllo 🎉👍🏽", "日本語テキスト", "مرحبا بالعالم", "nul\u0000inside",
        "tab\tnew\nline\r\"quote\"\\back")) {
      assertEquals(value, service.echo_string(value));
    }
  }

  @Test
  void echoBytes() {
    byte[] high = new byte[256];
    for (int i = 0; i < high.length; i++) {
      high[i] = (byte) i;
    }
    byte[] ff = new byte[1000];
    Arrays.fill(ff, (byte) 0xff);
    for (byte[] value : List.of(new byte[0], new byte[1000], ff, high, "bytes".getBytes(StandardCharsets.UTF_8))) {
      assertArrayEquals(value, service.echo_bytes(value));
    }
  }

  @Test
  void echoIntAndBool() {
    for (long value : new long[] {0, 1, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertEquals(value, service.echo_int(value));
    }
    assertTrue(service.echo_bool(true));
    assertFalse(service.echo_bool(false));
  }

  @Test
  void echoFloatKeepsEveryBit() {
    for (double value : new double[] {0.0, -0.0, 1.5, -2.25, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN, Double.MIN_VALUE, Double.MAX_VALUE, 0.1}) {
      assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(service.echo_float(value)),
          "echo_float(" + value + ")");
    }
    assertEquals(3.75, service.add_floats(1.5, 2.25));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(service.add_floats(-0.0, -0.0)));
  }

  @Test
  void voidMethodsReturnNothingAndLogNothing() {
    service.void_noop();
    service.void_with_param(42);
    assertEquals(List.of(), logs);
    assertEquals("after void", service.echo_string("after void"));
  }

  // ================================================================ unary: containers, enums, optionals

  @Test
  void echoEnumByName() {
    for (Status status : Status.values()) {
      assertEquals(status, service.echo_enum(status));
    }
  }

  @Test
  void echoListDictAndNestedList() {
    assertEquals(List.of(), service.echo_list(List.of()));
    assertEquals(List.of("a", "", "ünï"), service.echo_list(List.of("a", "", "ünï")));
    Map<String, Long> ordered = new LinkedHashMap<>();
    ordered.put("zeta", 1L);
    ordered.put("alpha", -2L);
    ordered.put("mid", Long.MAX_VALUE);
    Map<String, Long> back = service.echo_dict(ordered);
    assertEquals(ordered, back);
    assertEquals(List.copyOf(ordered.keySet()), List.copyOf(back.keySet()), "key order");
    assertEquals(Map.of(), service.echo_dict(Map.of()));
    assertEquals(List.of(), service.echo_nested_list(List.of()));
    assertEquals(List.of(List.of()), service.echo_nested_list(List.of(List.of())));
    List<List<Long>> matrix = List.of(List.of(1L, 2L), List.of(), List.of(Long.MIN_VALUE));
    assertEquals(matrix, service.echo_nested_list(matrix));
  }

  @Test
  void optionalsKeepNullApartFromEmpty() {
    assertNull(service.echo_optional_string(null));
    assertEquals("", service.echo_optional_string(""));
    assertEquals("x", service.echo_optional_string("x"));
    assertNull(service.echo_optional_int(null));
    assertEquals(0L, service.echo_optional_int(0L));
    assertEquals(-7L, service.echo_optional_int(-7L));
  }

  // ================================================================ unary: records

  @Test
  void echoPointAndBoundingBox() {
    assertEquals(new Point(1.5, 2.5), service.echo_point(new Point(1.5, 2.5)));
    assertEquals(new Point(-0.0, Double.MAX_VALUE), service.echo_point(new Point(-0.0, Double.MAX_VALUE)));
    assertEquals("Point(1.5, 2.5)", service.inspect_point(new Point(1.5, 2.5)));
    assertEquals("Point(3.0, -4.0)", service.inspect_point(new Point(3, -4)));
    BoundingBox box = new BoundingBox(new Point(0, 10), new Point(10, 0), "unit ⬛");
    assertEquals(box, service.echo_bounding_box(box));
  }

  @Test
  void echoAllTypesPopulated() {
    Map<String, Long> dict = new LinkedHashMap<>();
    dict.put("b", 2L);
    dict.put("a", 1L);
    AllTypes all = new AllTypes("s", new byte[] {0, 1, (byte) 0xff}, -3, 4.5, true, List.of(1L, 2L, 3L),
        List.of("x", ""), dict, Status.ACTIVE, new Point(1, 2), "opt", 99L, new Point(-1, -2),
        List.of(new Point(3, 4), new Point(5, 6)), Integer.MIN_VALUE, 8.5f,
        List.of(List.of(1L, 2L), List.of()), Map.of("k", "v"));
    assertDeepEquals(all, service.echo_all_types(all));
  }

  @Test
  void echoAllTypesWithNullsAndEmpties() {
    AllTypes sparse = new AllTypes("", new byte[0], 0, 0.0, false, List.of(), List.of(), Map.of(), Status.PENDING,
        new Point(0, 0), null, null, null, List.of(), 0, 0f, List.of(), Map.of());
    assertDeepEquals(sparse, service.echo_all_types(sparse));
  }

  // ================================================================ unary: widths, temporal, decimal

  @Test
  void echoNarrowAndUnsignedIntegers() {
    for (int value : new int[] {0, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertEquals(value, service.echo_int32(value));
    }
    for (float value : new float[] {0f, 1.25f, -3.0e38f, Float.POSITIVE_INFINITY, Float.MIN_VALUE}) {
      assertEquals(Float.floatToRawIntBits(value), Float.floatToRawIntBits(service.echo_float32(value)));
    }
    assertEquals((byte) -128, service.echo_int8((byte) -128));
    assertEquals((byte) 127, service.echo_int8((byte) 127));
    assertEquals((short) -32768, service.echo_int16((short) -32768));
    assertEquals((short) 32767, service.echo_int16((short) 32767));
    assertEquals(0, service.echo_uint8(0));
    assertEquals(255, service.echo_uint8(255));
    assertEquals(65535, service.echo_uint16(65535));
    assertEquals(4_294_967_295L, service.echo_uint32(4_294_967_295L));
    for (String value : List.of("0", "18000000000000000000", "18446744073709551615")) {
      assertEquals(new BigInteger(value), service.echo_uint64(new BigInteger(value)));
    }
  }

  @Test
  void echoTemporalValues() {
    for (LocalDate date : List.of(LocalDate.EPOCH, LocalDate.of(1969, 7, 20), LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31))) {
      assertEquals(date, service.echo_date(date));
    }
    LocalDateTime moment = LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000);
    assertEquals(moment, service.echo_timestamp(moment));
    assertEquals(LocalDateTime.of(1900, 1, 1, 0, 0), service.echo_timestamp(LocalDateTime.of(1900, 1, 1, 0, 0)));
    Instant instant = Instant.parse("2024-01-01T12:34:56.000001Z");
    assertEquals(instant, service.echo_timestamp_utc(instant));
    assertEquals(LocalTime.MIDNIGHT, service.echo_time(LocalTime.MIDNIGHT));
    assertEquals(LocalTime.of(23, 59, 59, 999_999_000), service.echo_time(LocalTime.of(23, 59, 59, 999_999_000)));
    for (Duration duration : List.of(Duration.ZERO, Duration.ofDays(-3).plusNanos(1000), Duration.ofDays(36500).plusMillis(7))) {
      assertEquals(duration, service.echo_duration(duration));
    }
  }

  @Test
  void echoDecimalExactly() {
    for (String value : List.of("0.0000", "1.5000", "-99999999999999.9999", "0.0001", "12345678901234.5678")) {
      BigDecimal decimal = new BigDecimal(value);
      BigDecimal back = service.echo_decimal(decimal);
      assertEquals(decimal, back, "value and scale of " + value);
    }
  }

  @Test
  void echoLargeAndFixedBinaryAndDictionaryString() {
    assertEquals("", service.echo_large_string(""));
    assertEquals("large ☃", service.echo_large_string("large ☃"));
    byte[] fourMiB = new byte[4 << 20];
    for (int i = 0; i < fourMiB.length; i++) {
      fourMiB[i] = (byte) (i * 31 + (i >>> 11));
    }
    assertArrayEquals(fourMiB, service.echo_large_binary(fourMiB));
    assertArrayEquals(new byte[0], service.echo_large_binary(new byte[0]));
    byte[] eight = {1, 2, 3, 4, 5, 6, 7, (byte) 0xff};
    assertArrayEquals(eight, service.echo_fixed_binary(eight));
    assertEquals("dictionary-encoded", service.echo_dict_encoded_string("dictionary-encoded"));
    assertEquals("", service.echo_dict_encoded_string(""));
  }

  @Test
  void echoWideTypes() {
    WideTypes low = new WideTypes((byte) -128, (short) -32768, Integer.MIN_VALUE, 0, 0, 0L, BigInteger.ZERO,
        -1.5f, LocalDate.of(1970, 1, 2), LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1000), Instant.EPOCH,
        LocalTime.of(0, 0, 0, 1000), Duration.ofNanos(-1000), new BigDecimal("-0.0001"), "", new byte[0],
        new byte[8]);
    assertDeepEquals(low, service.echo_wide_types(low));
    WideTypes high = new WideTypes((byte) 127, (short) 32767, Integer.MAX_VALUE, 255, 65535, 4_294_967_295L,
        new BigInteger("18446744073709551615"), Float.MAX_VALUE, LocalDate.of(9999, 12, 31),
        LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_000), Instant.parse("2100-01-01T00:00:00Z"),
        LocalTime.of(23, 59, 59, 999_999_000), Duration.ofDays(1000), new BigDecimal("9999999999999999.9999"),
        "wide ✓", new byte[] {1, 2, 3}, new byte[] {9, 8, 7, 6, 5, 4, 3, 2});
    assertDeepEquals(high, service.echo_wide_types(high));
  }

  @Test
  void echoContainerWideTypesWithNulls() {
    Map<String, BigDecimal> decimals = new LinkedHashMap<>();
    decimals.put("x", new BigDecimal("2.0000"));
    decimals.put("a", new BigDecimal("-3.1416"));
    ContainerWideTypes full = new ContainerWideTypes(List.of(new BigDecimal("1.5000"), new BigDecimal("0.0001")),
        List.of(LocalDate.EPOCH, LocalDate.of(2024, 2, 29)), List.of(LocalDateTime.of(2024, 1, 1, 1, 1, 1, 1000)),
        LocalDate.of(2020, 5, 17), new BigDecimal("7.2500"), LocalDateTime.of(1999, 12, 31, 23, 59, 59),
        decimals, new LinkedHashSet<>(List.of(1L, 2L, 3L)), Arrays.asList(1L, null, 3L));
    assertDeepEquals(full, service.echo_container_wide_types(full));
    ContainerWideTypes nulls = new ContainerWideTypes(List.of(), List.of(), List.of(), null, null, null, Map.of(),
        Set.of(), Arrays.asList(null, null));
    assertDeepEquals(nulls, service.echo_container_wide_types(nulls));
  }

  @Test
  void echoDeepNestedWithDictionaryEncodedValues() {
    DeepNested deep = new DeepNested(List.of(List.of(new BigDecimal("0.0001"), new BigDecimal("-5.5000")), List.of()),
        List.of(LocalDate.of(2001, 9, 9)), "dictionary", List.of("y", "y", "z", "y"));
    assertDeepEquals(deep, service.echo_deep_nested(deep));
    DeepNested sparse = new DeepNested(List.of(), null, "", List.of());
    assertDeepEquals(sparse, service.echo_deep_nested(sparse));
  }

  @Test
  void echoEmbeddedArrowBatchAndSchema() {
    Schema schema = new Schema(List.of(Field.nullable("n", new ArrowType.Int(32, true)),
        Field.nullable("s", ArrowType.Utf8.INSTANCE)));
    VectorSchemaRoot batch = own(VectorSchemaRoot.create(schema, client.allocator()));
    IntVector n = (IntVector) batch.getVector("n");
    n.allocateNew(3);
    n.set(0, 7);
    n.setNull(1);
    n.set(2, -1);
    n.setValueCount(3);
    VarCharVector s = (VarCharVector) batch.getVector("s");
    s.allocateNew(3);
    s.setNull(0);
    s.setNull(1);
    s.setSafe(2, "z".getBytes(StandardCharsets.UTF_8));
    s.setValueCount(3);
    batch.setRowCount(3);
    EmbeddedArrow back = service.echo_embedded_arrow(new EmbeddedArrow(batch, schema));
    VectorSchemaRoot echoed = own(back.batch());
    assertEquals(schema, back.schema());
    assertEquals(schema.getFields(), echoed.getSchema().getFields());
    assertEquals(batch.contentToTSVString(), echoed.contentToTSVString());
  }

  // ================================================================ unary: parameters, errors, logs

  @Test
  void severalParametersAndClientSideDefaults() {
    assertEquals("a-b", service.concatenate("a", "b", "-"));
    assertEquals("pre::suf", service.concatenate("pre", "suf", "::"));
    assertEquals("required=1, optional_str=default, optional_int=42", service.with_defaults(1, "default", 42));
    assertEquals("required=-5, optional_str=custom, optional_int=0", service.with_defaults(-5, "custom", 0));
  }

  @Test
  void errorsCarryTheirPythonTypesAndKeepTheConnection() {
    RpcException value = assertThrows(RpcException.class, () -> service.raise_value_error("bad value"));
    assertEquals("ValueError", value.errorType());
    assertEquals("bad value", value.errorMessage());
    RpcException runtime = assertThrows(RpcException.class, () -> service.raise_runtime_error("runtime ✗"));
    assertEquals("RuntimeError", runtime.errorType());
    assertEquals("runtime ✗", runtime.errorMessage());
    RpcException type = assertThrows(RpcException.class, () -> service.raise_type_error("wrong type"));
    assertEquals("TypeError", type.errorType());
    assertEquals("wrong type", type.errorMessage());
    assertEquals("ValueError", assertThrows(RpcException.class, () -> service.oversized_unary(-1)).errorType());
    assertEquals("still here", service.echo_string("still here"));
  }

  @Test
  void oversizedUnaryReturnsThatManyZeroBytes() {
    assertArrayEquals(new byte[0], service.oversized_unary(0));
    assertArrayEquals(new byte[100_000], service.oversized_unary(100_000));
  }

  @Test
  void logsArriveBeforeTheResultInOrder() {
    assertEquals("v", service.echo_with_info_log("v"));
    assertEquals(List.of(new LogMessage(LogLevel.INFO, "info: v", Map.of())), logs);
    logs.clear();
    assertEquals("m", service.echo_with_multi_logs("m"));
    assertEquals(List.of(new LogMessage(LogLevel.DEBUG, "debug: m", Map.of()),
        new LogMessage(LogLevel.INFO, "info: m", Map.of()), new LogMessage(LogLevel.WARN, "warn: m", Map.of())), logs);
    logs.clear();
    assertEquals("x", service.echo_with_log_extras("x"));
    assertEquals(List.of(new LogMessage(LogLevel.INFO, "info: x", Map.of("source", "conformance", "detail", "x"))), logs);
    logs.clear();
    assertEquals("a", service.echo_with_all_log_levels("a"));
    assertEquals(List.of(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR),
        logs.stream().map(LogMessage::level).toList());
    assertEquals(List.of("trace: a", "debug: a", "info: a", "warn: a", "error: a"),
        logs.stream().map(LogMessage::message).toList());
  }

  // ================================================================ producer streams

  @Test
  void produceNYieldsOneRowPerBatchWithTheDeclaredSchema() {
    try (BatchStream stream = service.produce_n(3)) {
      for (long i = 0; i < 3; i++) {
        VectorSchemaRoot batch = stream.tick().orElseThrow(() -> new AssertionError("ended early"));
        assertEquals(COUNTER, batch.getSchema().getFields());
        assertEquals(List.of(List.of(i, i * 10)), counterRows(batch));
      }
      assertTrue(stream.tick().isEmpty());
      assertTrue(stream.tick().isEmpty(), "a finished producer stays finished");
    }
    assertEquals(List.of(), drainCounter(service.produce_n(0)));
  }

  @Test
  void produceEmptySingleAndLargeBatches() {
    assertEquals(List.of(), drainCounter(service.produce_empty()));
    assertEquals(List.of(List.of(List.of(0L, 0L))), drainCounter(service.produce_single()));
    List<List<List<Long>>> large = drainCounter(service.produce_large_batches(1000, 3));
    assertEquals(3, large.size());
    for (int b = 0; b < 3; b++) {
      assertEquals(1000, large.get(b).size());
      for (int r = 0; r < 1000; r++) {
        long index = b * 1000L + r;
        assertEquals(List.of(index, index * 10), large.get(b).get(r));
      }
    }
    List<List<List<Long>>> oversized = drainCounter(service.produce_oversized_batch(5));
    assertEquals(List.of(List.of(List.of(0L, 0L), List.of(1L, 10L), List.of(2L, 20L), List.of(3L, 30L),
        List.of(4L, 40L))), oversized);
  }

  @Test
  void producerLogsPrecedeTheirBatch() {
    try (BatchStream stream = service.produce_with_logs(3)) {
      for (long i = 0; i < 3; i++) {
        VectorSchemaRoot batch = stream.tick().orElseThrow();
        assertEquals(List.of(List.of(i, i * 10)), counterRows(batch));
        assertEquals(new LogMessage(LogLevel.INFO, "producing batch " + i, Map.of()), logs.get(logs.size() - 1));
        assertEquals(i + 1, logs.size());
      }
      assertTrue(stream.tick().isEmpty());
    }
  }

  @Test
  void producerErrorMidStreamEndsTheStreamNotTheConnection() {
    List<List<List<Long>>> before = new ArrayList<>();
    RpcException error;
    try (BatchStream stream = service.produce_error_mid_stream(2)) {
      error = assertThrows(RpcException.class, () -> {
        while (true) {
          before.add(counterRows(stream.tick().orElseThrow(() -> new AssertionError("finished without the error"))));
        }
      });
    }
    assertEquals(List.of(List.of(List.of(0L, 0L)), List.of(List.of(1L, 10L))), before);
    assertEquals("RuntimeError", error.errorType());
    assertEquals("intentional error after 2 batches", error.errorMessage());
    assertEquals(5, service.echo_int(5));
    RpcException immediately = assertThrows(RpcException.class, () -> drainCounter(service.produce_error_mid_stream(0)));
    assertEquals("intentional error after 0 batches", immediately.errorMessage());
    assertEquals(6, service.echo_int(6));
  }

  /**
   * A stream method that raises before returning a stream. On a byte channel the reference server
   * answers the request with an error stream and goes back to reading requests, while a client of
   * a header-less stream only reads that answer after it has written its input stream, which the
   * reference server then takes for a malformed request (WIRE §8.5: the protocol's own hazard; the
   * reference's suite skips these cases on shared pipes). So each init error gets a connection of
   * its own here.
   */
  @Test
  void initErrorsAreRuntimeErrors() throws Exception {
    RpcException producer = assertThrows(RpcException.class, () -> drainCounter(service.produce_error_on_init()));
    assertEquals("RuntimeError", producer.errorType(), () -> describe(producer));
    assertEquals("intentional init error", producer.errorMessage());
    reconnect();
    RpcException exchange = assertThrows(RpcException.class, () -> {
      try (BatchStream stream = service.exchange_error_on_init()) {
        stream.exchange(doubles(1.0));
      }
    });
    assertEquals("RuntimeError", exchange.errorType(), () -> describe(exchange));
    assertEquals("intentional exchange init error", exchange.errorMessage());
    reconnect();
    assertEquals("ok", service.echo_string("ok"));
  }

  // ================================================================ stream headers

  @Test
  void producerHeaderComesFirst() {
    try (BatchStream stream = service.produce_with_header(3)) {
      assertEquals(new ConformanceHeader(3, "producing 3 batches"), stream.header(ConformanceHeader.class));
      assertEquals(3, drainCounter(stream).size());
    }
    try (BatchStream stream = service.produce_with_header_and_logs(2)) {
      assertEquals(new ConformanceHeader(2, "producing 2 with logs"), stream.header(ConformanceHeader.class));
      assertEquals(List.of(new LogMessage(LogLevel.INFO, "stream init log", Map.of())), logs,
          "the init log arrives with the header");
      assertEquals(List.of(List.of(List.of(0L, 0L)), List.of(List.of(1L, 10L))), drainCounter(stream));
    }
  }

  @Test
  void richHeadersCarryEveryType() {
    for (long seed : new long[] {0, 7, 42}) {
      try (BatchStream stream = service.produce_with_rich_header(seed, 2)) {
        assertDeepEquals(RichHeaders.build(seed), stream.header(RichHeader.class));
        assertEquals(2, drainCounter(stream).size());
      }
    }
    for (long seed : new long[] {5, 12}) {
      try (BatchStream stream = service.exchange_with_rich_header(seed, 3.0)) {
        assertDeepEquals(RichHeaders.build(seed), stream.header(RichHeader.class));
        assertEquals(List.of(3.0, 7.5), values(stream.exchange(doubles(1.0, 2.5))));
      }
    }
  }

  @Test
  void exchangeHeaderThenTurns() {
    try (BatchStream stream = service.exchange_with_header(2.0)) {
      assertEquals(new ConformanceHeader(0, "scale by 2.0"), stream.header(ConformanceHeader.class));
      assertEquals(List.of(10.0), values(stream.exchange(doubles(5.0))));
      assertEquals(List.of(-1.0, 0.5), values(stream.exchange(doubles(-0.5, 0.25))));
    }
  }

  // ================================================================ dynamic output schemas

  @Test
  void dynamicSchemaProducerChoosesItsColumnsAtRunTime() {
    boolean[][] flags = {{true, true}, {true, false}, {false, true}, {false, false}};
    for (boolean[] flag : flags) {
      boolean strings = flag[0];
      boolean floats = flag[1];
      List<Field> expected = new ArrayList<>(List.of(Field.nullable("index", INT64)));
      if (strings) {
        expected.add(Field.nullable("label", ArrowType.Utf8.INSTANCE));
      }
      if (floats) {
        expected.add(Field.nullable("score", FLOAT64));
      }
      try (BatchStream stream = service.produce_dynamic_schema(3, 3, strings, floats)) {
        assertDeepEquals(RichHeaders.build(3), stream.header(RichHeader.class));
        for (long i = 0; i < 3; i++) {
          VectorSchemaRoot batch = stream.tick().orElseThrow();
          assertEquals(expected, batch.getSchema().getFields(), "schema for strings=" + strings + " floats=" + floats);
          assertEquals(1, batch.getRowCount());
          assertEquals(i, ((BigIntVector) batch.getVector("index")).get(0));
          if (strings) {
            assertEquals("row-" + i, new String(((VarCharVector) batch.getVector("label")).get(0), StandardCharsets.UTF_8));
          }
          if (floats) {
            assertEquals(i * 1.5, ((Float8Vector) batch.getVector("score")).get(0));
          }
        }
        assertTrue(stream.tick().isEmpty());
      }
    }
  }

  // ================================================================ exchange streams

  @Test
  void exchangeScaleAcrossBatchShapes() {
    try (BatchStream stream = service.exchange_scale(2.5)) {
      VectorSchemaRoot many = stream.exchange(doubles(1.0, 2.0, 3.0));
      assertEquals(SCALE, many.getSchema().getFields());
      assertEquals(List.of(2.5, 5.0, 7.5), values(many));
      VectorSchemaRoot single = stream.exchange(doubles(-4.0));
      assertEquals(List.of(-10.0), values(single));
      VectorSchemaRoot empty = stream.exchange(doubles());
      assertEquals(SCALE, empty.getSchema().getFields());
      assertEquals(0, empty.getRowCount());
      assertEquals(List.of(0.0), values(stream.exchange(doubles(0.0))));
    }
  }

  @Test
  void allNullAndPartlyNullColumnsSurvive() {
    try (BatchStream stream = service.exchange_scale(3.0)) {
      VectorSchemaRoot allNull = stream.exchange(doubles((Double) null, null, null));
      assertEquals(SCALE, allNull.getSchema().getFields());
      assertEquals(3, allNull.getRowCount());
      assertEquals(Arrays.asList(null, null, null), values(allNull));
      assertEquals(Arrays.asList(3.0, null, -3.0), values(stream.exchange(doubles(1.0, null, -1.0))));
    }
    try (BatchStream stream = service.exchange_with_logs()) {
      assertEquals(Arrays.asList(null, null), values(stream.exchange(doubles((Double) null, null))));
      assertEquals(List.of(new LogMessage(LogLevel.INFO, "exchange processing", Map.of()),
          new LogMessage(LogLevel.DEBUG, "exchange debug", Map.of())), logs);
    }
  }

  @Test
  void exchangeOpenedAndClosedWithoutTurns() {
    try (BatchStream stream = service.exchange_scale(2.0)) {
      assertNotNull(stream);
    }
    assertEquals("next", service.echo_string("next"));
  }

  @Test
  void exchangeAccumulateKeepsStateAcrossTurns() {
    try (BatchStream stream = service.exchange_accumulate()) {
      VectorSchemaRoot first = stream.exchange(doubles(1.0, 2.0));
      assertEquals(List.of(Field.nullable("running_sum", FLOAT64), Field.nullable("exchange_count", INT64)),
          first.getSchema().getFields());
      assertEquals(1, first.getRowCount());
      assertEquals(3.0, ((Float8Vector) first.getVector("running_sum")).get(0));
      assertEquals(1, ((BigIntVector) first.getVector("exchange_count")).get(0));
      VectorSchemaRoot second = stream.exchange(doubles(10.0));
      assertEquals(13.0, ((Float8Vector) second.getVector("running_sum")).get(0));
      assertEquals(2, ((BigIntVector) second.getVector("exchange_count")).get(0));
      VectorSchemaRoot third = stream.exchange(doubles(null, -3.0));
      assertEquals(10.0, ((Float8Vector) third.getVector("running_sum")).get(0), "nulls are skipped");
      assertEquals(3, ((BigIntVector) third.getVector("exchange_count")).get(0));
    }
  }

  @Test
  void exchangeLogsPrecedeEachAnswer() {
    try (BatchStream stream = service.exchange_with_logs()) {
      for (int turn = 1; turn <= 2; turn++) {
        assertEquals(List.of(1.5, -2.0), values(stream.exchange(doubles(1.5, -2.0))));
        assertEquals(2 * turn, logs.size());
        assertEquals(new LogMessage(LogLevel.INFO, "exchange processing", Map.of()), logs.get(2 * turn - 2));
        assertEquals(new LogMessage(LogLevel.DEBUG, "exchange debug", Map.of()), logs.get(2 * turn - 1));
      }
    }
  }

  @Test
  void exchangeErrorsOnTheNthTurn() {
    try (BatchStream stream = service.exchange_error_on_nth(3)) {
      assertEquals(List.of(1.0), values(stream.exchange(doubles(1.0))));
      assertEquals(List.of(2.0), values(stream.exchange(doubles(2.0))));
      RpcException error = assertThrows(RpcException.class, () -> stream.exchange(doubles(3.0)));
      assertEquals("RuntimeError", error.errorType());
      assertEquals("intentional error on exchange 3", error.errorMessage());
    }
    try (BatchStream stream = service.exchange_error_on_nth(1)) {
      RpcException error = assertThrows(RpcException.class, () -> stream.exchange(doubles(1.0)));
      assertEquals("intentional error on exchange 1", error.errorMessage());
    }
    try (BatchStream stream = service.exchange_scale(2.0)) {
      assertEquals(List.of(4.0), values(stream.exchange(doubles(2.0))), "a new stream after failed ones");
    }
  }

  @Test
  void exchangeOversizedAnswersWithCounterRows() {
    try (BatchStream stream = service.exchange_oversized(4)) {
      VectorSchemaRoot out = stream.exchange(doubles(1.0));
      assertEquals(COUNTER, out.getSchema().getFields());
      assertEquals(List.of(List.of(0L, 0L), List.of(1L, 10L), List.of(2L, 20L), List.of(3L, 30L)), counterRows(out));
    }
  }

  @Test
  void zeroColumnStreamAnswersEmptyBatches() {
    try (BatchStream stream = service.exchange_zero_columns()) {
      for (int i = 0; i < 2; i++) {
        VectorSchemaRoot empty = stream.tick().orElseThrow();
        assertEquals(0, empty.getRowCount());
        assertEquals(List.of(), empty.getSchema().getFields());
      }
    }
    assertEquals(8, service.echo_int(8));
  }

  @Test
  void exchangeCastsCompatibleInputs() {
    assertEquals(List.of(1.0, -2.0), castCompatible(new ArrowType.Int(32, true), 1, -2));
    assertEquals(List.of(3.0, 4.0), castCompatible(INT64, 3, 4));
    assertEquals(List.of(1.5, -0.25), castCompatible(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), 1.5, -0.25));
    assertEquals(List.of(2.5), castCompatible(FLOAT64, 2.5));
  }

  private List<Double> castCompatible(ArrowType type, double... values) {
    Schema schema = new Schema(List.of(Field.nullable("value", type)));
    VectorSchemaRoot input = own(VectorSchemaRoot.create(schema, client.allocator()));
    FieldVector vector = input.getVector(0);
    vector.allocateNew();
    for (int i = 0; i < values.length; i++) {
      if (vector instanceof IntVector v) {
        v.setSafe(i, (int) values[i]);
      } else if (vector instanceof BigIntVector v) {
        v.setSafe(i, (long) values[i]);
      } else if (vector instanceof Float4Vector v) {
        v.setSafe(i, (float) values[i]);
      } else {
        ((Float8Vector) vector).setSafe(i, values[i]);
      }
    }
    vector.setValueCount(values.length);
    input.setRowCount(values.length);
    try (BatchStream stream = service.exchange_cast_compatible()) {
      VectorSchemaRoot out = stream.exchange(input);
      assertEquals(SCALE, out.getSchema().getFields(), "cast output schema for " + type);
      return values(out);
    }
  }

  @Test
  void wrongInputColumnIsATypeErrorAndTheConnectionSurvives() {
    Schema wrong = new Schema(List.of(Field.nullable("wrong", FLOAT64)));
    VectorSchemaRoot input = own(VectorSchemaRoot.create(wrong, client.allocator()));
    input.setRowCount(0);
    try (BatchStream stream = service.exchange_cast_compatible()) {
      RpcException error = assertThrows(RpcException.class, () -> stream.exchange(input));
      assertEquals("TypeError", error.errorType());
      assertTrue(error.errorMessage().contains("Input schema mismatch"), error.errorMessage());
    }
    assertEquals(9, service.echo_int(9));
  }

  @Test
  void dictionaryEncodedExchangeInputIsDecodedByThePeer() {
    BufferAllocator allocator = client.allocator();
    Float8Vector dictionaryValues = own(new Float8Vector("value", allocator));
    dictionaryValues.allocateNew(2);
    dictionaryValues.set(0, 2.5);
    dictionaryValues.set(1, 7.0);
    dictionaryValues.setValueCount(2);
    DictionaryEncoding encoding = new DictionaryEncoding(11L, false, new ArrowType.Int(16, true));
    Dictionary dictionary = new Dictionary(dictionaryValues, encoding);
    Field field = new Field("value", new FieldType(true, new ArrowType.Int(16, true), encoding), null);
    VectorSchemaRoot input = own(VectorSchemaRoot.create(new Schema(List.of(field)), allocator));
    SmallIntVector indices = (SmallIntVector) input.getVector(0);
    indices.allocateNew(4);
    indices.set(0, 1);
    indices.set(1, 0);
    indices.setNull(2);
    indices.set(3, 1);
    indices.setValueCount(4);
    input.setRowCount(4);
    DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(dictionary);
    try (BatchStream stream = service.exchange_cast_compatible()) {
      VectorSchemaRoot out = stream.exchange(input, provider);
      assertEquals(SCALE, out.getSchema().getFields());
      assertEquals(Arrays.asList(7.0, 2.5, null, 7.0), values(out));
    }
  }

  @Test
  void nestedColumnsInAnExchangeInputReachThePeerAndAreRefusedByName() {
    Field name = Field.nullable("name", ArrowType.Utf8.INSTANCE);
    Field scores = new Field("scores", FieldType.nullable(ArrowType.List.INSTANCE),
        List.of(Field.nullable("item", new ArrowType.Int(32, true))));
    Field nested = new Field("nested", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(name, scores));
    Schema schema = new Schema(List.of(Field.nullable("value", FLOAT64), nested));
    VectorSchemaRoot input = own(VectorSchemaRoot.create(schema, client.allocator()));
    Float8Vector value = (Float8Vector) input.getVector("value");
    value.allocateNew(2);
    value.set(0, 1.0);
    value.setNull(1);
    value.setValueCount(2);
    StructVector struct = (StructVector) input.getVector("nested");
    struct.allocateNew();
    VarCharVector names = struct.getChild("name", VarCharVector.class);
    names.setSafe(0, "first".getBytes(StandardCharsets.UTF_8));
    names.setNull(1);
    ListVector lists = struct.getChild("scores", ListVector.class);
    UnionListWriter writer = lists.getWriter();
    writer.setPosition(0);
    writer.startList();
    writer.writeInt(1);
    writer.writeInt(2);
    writer.endList();
    writer.setPosition(1);
    writer.startList();
    writer.endList();
    lists.setValueCount(2);
    names.setValueCount(2);
    struct.setIndexDefined(0);
    struct.setNull(1);
    struct.setValueCount(2);
    input.setRowCount(2);
    try (BatchStream stream = service.exchange_scale(2.0)) {
      RpcException error = assertThrows(RpcException.class, () -> stream.exchange(input));
      assertEquals("TypeError", error.errorType());
      assertTrue(error.errorMessage().contains("Input schema mismatch"), error.errorMessage());
    }
    try (BatchStream stream = service.exchange_scale(2.0)) {
      assertEquals(List.of(2.0), values(stream.exchange(doubles(1.0))), "the connection still serves exchanges");
    }
  }

  // ================================================================ cancellation

  @Test
  void cancelAProducerMidStream() {
    service.reset_cancel_probe();
    assertEquals(List.of(0L, 0L, 0L), service.cancel_probe_counters());
    try (BatchStream stream = service.cancellable_producer()) {
      for (long i = 0; i < 3; i++) {
        assertEquals(List.of(List.of(i, i * 10)), counterRows(stream.tick().orElseThrow()));
      }
      stream.cancel();
      assertTrue(stream.tick().isEmpty(), "a cancelled producer yields nothing more");
    }
    List<Long> counters = service.cancel_probe_counters();
    assertTrue(counters.get(0) >= 3, "produce calls " + counters);
    assertEquals(0L, counters.get(1));
    assertEquals(1L, counters.get(2));
    assertConnectionServes();
  }

  @Test
  void cancelAnExchangeAfterTurnsAndTwice() {
    service.reset_cancel_probe();
    try (BatchStream stream = service.cancellable_exchange()) {
      assertEquals(List.of(1.0), values(stream.exchange(doubles(1.0))));
      assertEquals(Arrays.asList(2.0, null), values(stream.exchange(doubles(2.0, null))));
      stream.cancel();
      stream.cancel();
      RpcException after = assertThrows(RpcException.class, () -> stream.exchange(doubles(3.0)));
      assertEquals("ProtocolError", after.errorType());
    }
    assertEquals(List.of(0L, 2L, 1L), service.cancel_probe_counters());
    assertConnectionServes();
  }

  @Test
  void cancelAnExchangeBeforeAnyTurn() {
    service.reset_cancel_probe();
    try (BatchStream stream = service.cancellable_exchange()) {
      stream.cancel();
    }
    assertEquals(List.of(0L, 0L, 1L), service.cancel_probe_counters());
    assertConnectionServes();
  }

  @Test
  void closeAndCancelInEitherOrder() {
    service.reset_cancel_probe();
    BatchStream first = service.cancellable_exchange();
    values(first.exchange(doubles(1.0)));
    first.close();
    first.cancel();
    BatchStream second = service.cancellable_exchange();
    values(second.exchange(doubles(1.0)));
    second.cancel();
    second.close();
    List<Long> counters = service.cancel_probe_counters();
    assertEquals(2L, counters.get(1));
    assertTrue(counters.get(2) == 1L || counters.get(2) == 2L, "on_cancel calls " + counters);
    assertConnectionServes();
  }

  private void assertConnectionServes() {
    assertEquals(11, service.echo_int(11));
    try (BatchStream stream = service.exchange_scale(2.0)) {
      assertEquals(List.of(6.0), values(stream.exchange(doubles(3.0))));
    }
    assertEquals("after cancel", service.echo_string("after cancel"));
  }

  // ================================================================ sticky sessions

  @Test
  void stickySessionMethodsWithoutASession() {
    // none of the matrix's workers enables sticky sessions: the reference refuses to open one and
    // every method needing one fails with its message
    RpcException open = assertThrows(RpcException.class, () -> service.open_counter(10));
    assertEquals("RuntimeError", open.errorType(), open.getMessage());
    RpcException increment = assertThrows(RpcException.class, () -> service.increment_counter(5));
    assertEquals("RuntimeError", increment.errorType());
    assertEquals(NO_STICKY_COUNTER, increment.errorMessage());
    RpcException close = assertThrows(RpcException.class, service::close_counter);
    assertEquals(NO_STICKY_COUNTER, close.errorMessage());
    RpcException produce = assertThrows(RpcException.class, () -> drainLongs(service.stream_session_counter(2)));
    assertEquals("RuntimeError", produce.errorType());
    assertEquals(NO_STICKY_COUNTER, produce.errorMessage());
    assertEquals(List.of(), drainLongs(service.stream_session_counter(0)));
    Schema by = new Schema(List.of(Field.nullable("by", INT64)));
    VectorSchemaRoot input = own(VectorSchemaRoot.create(by, client.allocator()));
    BigIntVector column = (BigIntVector) input.getVector(0);
    column.allocateNew(1);
    column.set(0, 1);
    column.setValueCount(1);
    input.setRowCount(1);
    try (BatchStream stream = service.exchange_session_counter()) {
      RpcException exchange = assertThrows(RpcException.class, () -> stream.exchange(input));
      assertEquals(NO_STICKY_COUNTER, exchange.errorMessage());
    }
    assertEquals("after sticky", service.echo_string("after sticky"));
  }

  // ================================================================ added in 2.0.0

  @Test
  void optionalRecordsAndAnnotatedOptionals() {
    assertNull(service.echo_optional_point(null));
    assertEquals(new Point(3, 4), service.echo_optional_point(new Point(3, 4)));
    assertNull(service.echo_annotated_optional_int(null));
    assertEquals(17, service.echo_annotated_optional_int(17));
    assertEquals(23, service.echo_outer_optional_non_null(23));
  }

  @Test
  void enumsAndRecordsInsideContainers() {
    List<Status> statuses = List.of(Status.ACTIVE, Status.CLOSED);
    List<Point> points = List.of(new Point(1, 2), new Point(3, 4));
    Map<String, Status> byName = new LinkedHashMap<>();
    byName.put("a", Status.ACTIVE);
    byName.put("c", Status.CLOSED);
    NestedContainers packed = service.pack_nested_containers(statuses, points, byName);
    VectorSchemaRoot batch = own(packed.tagged_batch());
    assertEquals(statuses, packed.statuses());
    assertEquals(points, packed.points());
    assertEquals(byName, packed.status_by_name());
    assertEquals(Set.copyOf(statuses), packed.frozen_statuses());
    assertEquals(Status.ACTIVE, packed.tagged_status());
    assertEquals(new Point(1, 2), packed.tagged_point());
    assertEquals(List.of(1L, 2L), List.of(((BigIntVector) batch.getVector("value")).get(0),
        ((BigIntVector) batch.getVector("value")).get(1)));
    assertEquals(statuses, service.echo_status_list(statuses));
  }

  @Test
  void perBatchMetadataOfAProducer() {
    try (BatchStream stream = service.produce_annotated_batches(3, 8)) {
      for (int i = 0; i < 3; i++) {
        VectorSchemaRoot batch = stream.tick().orElseThrow();
        assertEquals(8, batch.getRowCount());
        assertEquals(i * 1_000_000L, ((BigIntVector) batch.getVector("value")).get(0));
        Map<String, String> metadata = stream.lastMetadata();
        assertEquals(String.valueOf(i), metadata.get("conformance.batch_index"), "batch " + i);
        assertEquals("3", metadata.get("conformance.batch_total"));
        assertEquals("\u00fcn\u00efcode-\u03bb", metadata.get("conformance.emit_label"));
      }
      assertTrue(stream.tick().isEmpty());
    }
  }

  @Test
  void inputMetadataNeverShowsTransportKeys() {
    try (BatchStream stream = service.exchange_input_metadata()) {
      for (int turn = 0; turn < 3; turn++) {
        VectorSchemaRoot out = stream.exchange(doubles((double) turn));
        assertEquals("", ((VarCharVector) out.getVector("seen")).getObject(0).toString(), "turn " + turn);
        assertEquals("", ((VarCharVector) out.getVector("keys")).getObject(0).toString(), "turn " + turn);
      }
    }
    try (BatchStream stream = service.produce_tick_metadata(2)) {
      for (int tick = 0; tick < 2; tick++) {
        VectorSchemaRoot out = stream.tick().orElseThrow();
        assertEquals("", ((VarCharVector) out.getVector("seen")).getObject(0).toString(), "tick " + tick);
      }
    }
  }

  // ================================================================ describe

  @Test
  void describeListsEveryMethod() {
    ServiceDescription description = client.describe();
    assertEquals("ConformanceService", description.protocol());
    assertEquals(90, description.methods().size());
    Set<String> declared = new java.util.TreeSet<>();
    for (java.lang.reflect.Method method : ConformanceService.class.getDeclaredMethods()) {
      declared.add(method.getName());
    }
    Set<String> described = new java.util.TreeSet<>();
    description.methods().forEach(m -> described.add(m.name()));
    assertEquals(declared, described);
    assertEquals(61, description.methods().stream().filter(m -> m.methodType().equals("unary")).count());
    // every stream states its kind
    assertTrue(description.methods().stream().filter(m -> m.methodType().equals("stream"))
        .allMatch(m -> !m.hasReturn() && (m.streamKind().equals("exchange") || m.streamKind().equals("producer"))));
    assertEquals(6, description.methods().stream().filter(m -> m.headerSchema().isPresent()).count());
    assertTrue(description.protocolHash().matches("[0-9a-f]{64}"), description.protocolHash());
  }

  // ================================================================ helpers

  private static String describe(RpcException error) {
    return error.errorType() + " / " + error.errorMessage() + " / kind " + error.errorKind().orElse("-")
        + "\n" + error.remoteTraceback();
  }

  private <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  /** A {@code value: float64} batch; null elements become nulls. Closed after the test. */
  private VectorSchemaRoot doubles(Double... values) {
    VectorSchemaRoot root = own(VectorSchemaRoot.create(new Schema(SCALE), client.allocator()));
    Float8Vector vector = (Float8Vector) root.getVector("value");
    vector.allocateNew(Math.max(values.length, 1));
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        vector.setNull(i);
      } else {
        vector.set(i, values[i]);
      }
    }
    vector.setValueCount(values.length);
    root.setRowCount(values.length);
    return root;
  }

  private static List<Double> values(VectorSchemaRoot batch) {
    Float8Vector vector = (Float8Vector) batch.getVector("value");
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < batch.getRowCount(); i++) {
      out.add(vector.isNull(i) ? null : vector.get(i));
    }
    return out;
  }

  private static List<List<Long>> counterRows(VectorSchemaRoot batch) {
    BigIntVector index = (BigIntVector) batch.getVector("index");
    BigIntVector value = (BigIntVector) batch.getVector("value");
    List<List<Long>> rows = new ArrayList<>();
    for (int i = 0; i < batch.getRowCount(); i++) {
      rows.add(List.of(index.get(i), value.get(i)));
    }
    return rows;
  }

  /** Every batch of a counter producer, as rows of {@code [index, value]}; closes the stream. */
  private static List<List<List<Long>>> drainCounter(BatchStream stream) {
    List<List<List<Long>>> batches = new ArrayList<>();
    try (stream) {
      for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
        assertEquals(COUNTER, batch.get().getSchema().getFields());
        batches.add(counterRows(batch.get()));
      }
    }
    return batches;
  }

  private static List<Long> drainLongs(BatchStream stream) {
    List<Long> out = new ArrayList<>();
    try (stream) {
      for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
        BigIntVector vector = (BigIntVector) batch.get().getVector(0);
        for (int i = 0; i < batch.get().getRowCount(); i++) {
          out.add(vector.get(i));
        }
      }
    }
    return out;
  }

  /**
   * Compares two values field by field: records by component, arrays by content, floats by bits,
   * decimals with their scale, maps with their key order, batches by content.
   */
  static void assertDeepEquals(Object expected, Object actual) {
    deepEquals(expected, actual, "value");
  }

  private static void deepEquals(Object expected, Object actual, String path) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual, path);
      return;
    }
    if (expected instanceof Record record) {
      assertInstanceOf(record.getClass(), actual, path);
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        try {
          deepEquals(component.getAccessor().invoke(expected), component.getAccessor().invoke(actual),
              path + "." + component.getName());
        } catch (ReflectiveOperationException e) {
          fail(path + ": " + e);
        }
      }
    } else if (expected instanceof byte[] bytes) {
      assertArrayEquals(bytes, (byte[]) actual, path);
    } else if (expected instanceof Double d) {
      assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), path + ": " + actual);
    } else if (expected instanceof Float f) {
      assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), path + ": " + actual);
    } else if (expected instanceof Map<?, ?> map) {
      Map<?, ?> other = assertInstanceOf(Map.class, actual, path);
      assertEquals(List.copyOf(map.keySet()), List.copyOf(other.keySet()), path + " keys in order");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        deepEquals(entry.getValue(), other.get(entry.getKey()), path + "[" + entry.getKey() + "]");
      }
    } else if (expected instanceof Iterable<?> items) {
      Iterable<?> others = assertInstanceOf(Iterable.class, actual, path);
      Iterator<?> a = items.iterator();
      Iterator<?> b = others.iterator();
      int i = 0;
      while (a.hasNext() && b.hasNext()) {
        deepEquals(a.next(), b.next(), path + "[" + i++ + "]");
      }
      assertEquals(a.hasNext(), b.hasNext(), path + ": sizes differ (" + expected + " vs " + actual + ")");
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
