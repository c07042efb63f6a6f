package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.pipe.PipePair;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance service served in-process and called through a Java client: what the reference
 * runner checks over the wire, plus the methods it never calls (wide types, init errors, sticky
 * methods), with every allocator back at zero afterwards.
 */
class ConformanceServiceTest {
  private RootAllocator serverMemory;
  private RpcServer server;
  private PipePair pair;
  private RpcClient client;
  private ConformanceService service;
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();
  private final List<VectorSchemaRoot> inputs = new ArrayList<>();

  @BeforeEach
  void connect() {
    serverMemory = new RootAllocator();
    server = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl()).allocator(serverMemory).build();
    pair = PipePair.serve(server);
    client = RpcClient.builder(pair.client()).onLog(logs::add).build();
    service = client.proxy(ConformanceService.class);
  }

  @AfterEach
  void disconnect() {
    inputs.forEach(VectorSchemaRoot::close);
    client.close();
    pair.close();
    server.close();
    assertEquals(0, serverMemory.getAllocatedMemory(), "server memory leaked");
    serverMemory.close();
  }

  @Test
  void describesNinetyMethods() {
    ServiceDescription description = client.describe();
    assertEquals("ConformanceService", description.protocol());
    assertEquals("2.0.0", description.protocolVersion());
    assertEquals(90, description.methods().size());
    assertEquals(61, description.methods().stream().filter(m -> m.methodType().equals("unary")).count());
    List<MethodInfo> streams =
        description.methods().stream().filter(m -> m.methodType().equals("stream")).toList();
    assertEquals(29, streams.size());
    assertTrue(streams.stream().noneMatch(MethodInfo::hasReturn));
    assertEquals(6, streams.stream().filter(m -> m.headerSchema().isPresent()).count());
    assertEquals(18, description.method("produce_dynamic_schema").orElseThrow()
        .headerSchema().orElseThrow().getFields().size());
    assertTrue(description.protocolHash().matches("[0-9a-f]{64}"));
    List<String> voids = description.methods().stream()
        .filter(m -> m.methodType().equals("unary") && !m.hasReturn()).map(MethodInfo::name).toList();
    assertEquals(List.of("reset_cancel_probe", "void_noop", "void_with_param"), voids);
  }

  @Test
  void echoesScalarsAndContainers() {
    assertEquals("héllo \u0000 世界", service.echo_string("héllo \u0000 世界"));
    assertArrayEquals(new byte[] {0, (byte) 0xff}, service.echo_bytes(new byte[] {0, (byte) 0xff}));
    assertEquals(Long.MIN_VALUE, service.echo_int(Long.MIN_VALUE));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(service.echo_float(-0.0)));
    assertTrue(Double.isNaN(service.echo_float(Double.NaN)));
    assertFalse(service.echo_bool(false));
    service.void_noop();
    service.void_with_param(3);
    assertEquals(Status.CLOSED, service.echo_enum(Status.CLOSED));
    assertEquals(List.of("a", ""), service.echo_list(List.of("a", "")));
    Map<String, Long> ordered = new LinkedHashMap<>();
    ordered.put("z", 1L);
    ordered.put("a", 2L);
    assertEquals(List.of("z", "a"), List.copyOf(service.echo_dict(ordered).keySet()));
    assertEquals(List.of(List.of()), service.echo_nested_list(List.of(List.of())));
    assertNull(service.echo_optional_string(null));
    assertEquals("", service.echo_optional_string(""));
    assertNull(service.echo_optional_int(null));
    assertEquals(5L, service.echo_optional_int(5L));
    assertEquals(12.5, service.add_floats(10, 2.5));
    assertEquals("a-b", service.concatenate("a", "b", "-"));
    assertEquals("required=1, optional_str=default, optional_int=42", service.with_defaults(1, "default", 42));
    assertEquals(new byte[7].length, service.oversized_unary(7).length);
  }

  @Test
  void echoesRecords() {
    assertEquals(new Point(1.5, 2.5), service.echo_point(new Point(1.5, 2.5)));
    assertEquals("Point(1.5, 2.5)", service.inspect_point(new Point(1.5, 2.5)));
    assertEquals("Point(1.0, -0.0)", service.inspect_point(new Point(1, -0.0)));
    BoundingBox box = new BoundingBox(new Point(0, 1), new Point(1, 0), "b");
    assertEquals(box, service.echo_bounding_box(box));
    AllTypes all = new AllTypes("s", new byte[] {1, 2}, 3, 4.5, true, List.of(1L), List.of("x"),
        Map.of("k", 9L), Status.ACTIVE, new Point(1, 2), null, null, null, List.of(new Point(3, 4)),
        7, 8.5f, List.of(List.of(1L, 2L), List.of()), Map.of("a", "b"));
    AllTypes back = service.echo_all_types(all);
    assertArrayEquals(all.bytes_field(), back.bytes_field());
    assertEquals(all.dict_field(), back.dict_field());
    assertEquals(all.nested_list(), back.nested_list());
    assertNull(back.optional_nested());
    assertEquals(all.annotated_float32(), back.annotated_float32());
  }

  @Test
  void echoesWideTypes() {
    assertEquals(Integer.MIN_VALUE, service.echo_int32(Integer.MIN_VALUE));
    assertEquals(1.25f, service.echo_float32(1.25f));
    assertEquals((byte) -128, service.echo_int8((byte) -128));
    assertEquals((short) 32767, service.echo_int16((short) 32767));
    assertEquals(255, service.echo_uint8(255));
    assertEquals(65535, service.echo_uint16(65535));
    assertEquals(4_294_967_295L, service.echo_uint32(4_294_967_295L));
    BigInteger big = new BigInteger("18000000000000000000");
    assertEquals(big, service.echo_uint64(big));
    assertEquals(LocalDate.of(1969, 7, 20), service.echo_date(LocalDate.of(1969, 7, 20)));
    LocalDateTime moment = LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000);
    assertEquals(moment, service.echo_timestamp(moment));
    assertEquals(Instant.parse("2024-01-01T00:00:00.000001Z"), service.echo_timestamp_utc(Instant.parse("2024-01-01T00:00:00.000001Z")));
    assertEquals(LocalTime.of(23, 59, 59, 999_999_000), service.echo_time(LocalTime.of(23, 59, 59, 999_999_000)));
    assertEquals(Duration.ofDays(-3).plusNanos(1000), service.echo_duration(Duration.ofDays(-3).plusNanos(1000)));
    assertEquals(new BigDecimal("-99999999999999.9999"), service.echo_decimal(new BigDecimal("-99999999999999.9999")));
    assertEquals("large", service.echo_large_string("large"));
    assertArrayEquals(new byte[] {9}, service.echo_large_binary(new byte[] {9}));
    assertArrayEquals(new byte[8], service.echo_fixed_binary(new byte[8]));
    assertEquals("dict", service.echo_dict_encoded_string("dict"));
    WideTypes wide = new WideTypes((byte) 1, (short) 2, 3, 4, 5, 6L, big, 1.5f, LocalDate.EPOCH,
        moment, Instant.EPOCH, LocalTime.MIDNIGHT, Duration.ofMillis(5), new BigDecimal("12345.6789"),
        "ls", new byte[] {1}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    WideTypes wideBack = service.echo_wide_types(wide);
    assertEquals(wide.uint64_field(), wideBack.uint64_field());
    assertEquals(wide.decimal_field(), wideBack.decimal_field());
    assertArrayEquals(wide.fixed_binary_field(), wideBack.fixed_binary_field());
    ContainerWideTypes containers = new ContainerWideTypes(List.of(new BigDecimal("1.5000")),
        List.of(LocalDate.EPOCH), List.of(moment), null, null, null, Map.of("d", new BigDecimal("2.0000")),
        Set.of(3L), Arrays.asList(1L, null, 3L));
    assertEquals(containers, service.echo_container_wide_types(containers));
    DeepNested deep = new DeepNested(List.of(List.of(new BigDecimal("0.0001")), List.of()), null, "x", List.of("y", "y", "z"));
    assertEquals(deep, service.echo_deep_nested(deep));
  }

  @Test
  void echoesEmbeddedArrow() {
    Schema schema = new Schema(List.of(Field.nullable("n", new ArrowType.Int(32, true))));
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, client.allocator())) {
      IntVector n = (IntVector) batch.getVector("n");
      n.allocateNew(2);
      n.set(0, 7);
      n.setNull(1);
      n.setValueCount(2);
      batch.setRowCount(2);
      EmbeddedArrow back = service.echo_embedded_arrow(new EmbeddedArrow(batch, schema));
      try (VectorSchemaRoot echoed = back.batch()) {
        assertEquals(schema, back.schema());
        assertEquals(batch.contentToTSVString(), echoed.contentToTSVString());
      }
    }
  }

  @Test
  void raisesTheNamedErrors() {
    assertEquals("ValueError", assertThrows(RpcException.class, () -> service.raise_value_error("v")).errorType());
    RpcException runtime = assertThrows(RpcException.class, () -> service.raise_runtime_error("r"));
    assertEquals("RuntimeError", runtime.errorType());
    assertEquals("r", runtime.errorMessage());
    assertEquals("TypeError", assertThrows(RpcException.class, () -> service.raise_type_error("t")).errorType());
    assertEquals("ValueError", assertThrows(RpcException.class, () -> service.oversized_unary(-1)).errorType());
    assertEquals("x", service.echo_string("x"));
  }

  @Test
  void logsInOrder() {
    service.echo_with_multi_logs("v");
    assertEquals(List.of("debug: v", "info: v", "warn: v"), messages());
    assertEquals(List.of(LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN), logs.stream().map(LogMessage::level).toList());
    logs.clear();
    service.echo_with_log_extras("v");
    assertEquals(Map.of("source", "conformance", "detail", "v"), logs.get(0).extra());
    logs.clear();
    service.echo_with_all_log_levels("v");
    assertEquals(List.of("trace: v", "debug: v", "info: v", "warn: v", "error: v"), messages());
    logs.clear();
    service.echo_with_info_log("v");
    assertEquals(List.of("info: v"), messages());
  }

  private List<String> messages() {
    return logs.stream().map(LogMessage::message).toList();
  }

  @Test
  void producers() {
    assertEquals(List.of("0:0", "1:10", "2:20"), drain(service.produce_n(3)));
    assertEquals(List.of(), drain(service.produce_empty()));
    assertEquals(List.of("0:0"), drain(service.produce_single()));
    assertEquals(List.of("0:0", "1:10", "2:20", "3:30"), drain(service.produce_large_batches(2, 2)));
    assertEquals(List.of("0:0", "1:10", "2:20"), drain(service.produce_oversized_batch(3)));
    logs.clear();
    assertEquals(2, drain(service.produce_with_logs(2)).size());
    assertEquals(List.of("producing batch 0", "producing batch 1"), messages());
    List<String> before = new ArrayList<>();
    RpcException error = assertThrows(RpcException.class, () -> {
      try (BatchStream stream = service.produce_error_mid_stream(2)) {
        while (true) {
          before.add(row(stream.tick().orElseThrow()));
        }
      }
    });
    assertEquals("intentional error after 2 batches", error.errorMessage());
    assertEquals(2, before.size());
    assertEquals("x", service.echo_string("x"));
  }

  @Test
  void headers() {
    logs.clear();
    try (BatchStream stream = service.produce_with_header_and_logs(2)) {
      assertEquals(new ConformanceHeader(2, "producing 2 with logs"), stream.header(ConformanceHeader.class));
      assertEquals(List.of("stream init log"), messages());
      assertEquals(List.of("0:0", "1:10"), drain(stream));
    }
    try (BatchStream stream = service.produce_with_rich_header(5, 1)) {
      RichHeader header = stream.header(RichHeader.class);
      assertEquals(RichHeaders.build(5).list_of_nested(), header.list_of_nested());
      assertEquals(RichHeaders.build(5).dict_field(), header.dict_field());
      assertEquals(List.of("0:0"), drain(stream));
    }
    try (BatchStream stream = service.exchange_with_header(2.0)) {
      assertEquals("scale by 2.0", stream.header(ConformanceHeader.class).description());
      assertEquals(List.of(10.0), values(stream.exchange(doubles(5.0))));
    }
  }

  @Test
  void dynamicSchema() {
    try (BatchStream stream = service.produce_dynamic_schema(0, 2, true, true)) {
      VectorSchemaRoot first = stream.tick().orElseThrow();
      assertEquals(List.of("index", "label", "score"),
          first.getSchema().getFields().stream().map(Field::getName).toList());
      assertEquals("row-0", new String(((VarCharVector) first.getVector("label")).get(0), java.nio.charset.StandardCharsets.UTF_8));
      VectorSchemaRoot second = stream.tick().orElseThrow();
      assertEquals(1.5, ((Float8Vector) second.getVector("score")).get(0));
      assertTrue(stream.tick().isEmpty());
    }
    try (BatchStream stream = service.produce_dynamic_schema(0, 1, false, false)) {
      assertEquals(1, stream.tick().orElseThrow().getSchema().getFields().size());
    }
  }

  @Test
  void exchanges() {
    try (BatchStream stream = service.exchange_scale(3)) {
      assertEquals(List.of(3.0, 6.0), values(stream.exchange(doubles(1, 2))));
    }
    try (BatchStream stream = service.exchange_accumulate()) {
      VectorSchemaRoot first = stream.exchange(doubles(1, 2));
      assertEquals(3.0, ((Float8Vector) first.getVector("running_sum")).get(0));
      VectorSchemaRoot second = stream.exchange(doubles(10));
      assertEquals(13.0, ((Float8Vector) second.getVector("running_sum")).get(0));
      assertEquals(2, ((BigIntVector) second.getVector("exchange_count")).get(0));
    }
    logs.clear();
    try (BatchStream stream = service.exchange_with_logs()) {
      assertEquals(List.of(1.0), values(stream.exchange(doubles(1))));
      assertEquals(List.of("exchange processing", "exchange debug"), messages());
    }
    try (BatchStream stream = service.exchange_error_on_nth(2)) {
      assertEquals(List.of(1.0), values(stream.exchange(doubles(1))));
      assertEquals("intentional error on exchange 2",
          assertThrows(RpcException.class, () -> stream.exchange(doubles(2))).errorMessage());
    }
    try (BatchStream stream = service.exchange_oversized(4)) {
      assertEquals(4, stream.exchange(doubles(1)).getRowCount());
    }
    try (BatchStream stream = service.exchange_zero_columns()) {
      VectorSchemaRoot empty = stream.tick().orElseThrow();
      assertEquals(0, empty.getRowCount());
      assertEquals(0, empty.getSchema().getFields().size());
    }
    assertEquals(7, service.echo_int(7));
  }

  @Test
  void castsCompatibleInput() {
    Schema float32 = new Schema(List.of(Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
    try (BatchStream stream = service.exchange_cast_compatible();
        VectorSchemaRoot input = VectorSchemaRoot.create(float32, client.allocator())) {
      Float4Vector value = (Float4Vector) input.getVector("value");
      value.allocateNew(1);
      value.set(0, 1.5f);
      value.setValueCount(1);
      input.setRowCount(1);
      VectorSchemaRoot out = stream.exchange(input);
      assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), out.getSchema().getFields().get(0).getType());
      assertEquals(List.of(1.5), values(out));
    }
    Schema wrong = new Schema(List.of(Field.nullable("wrong", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    try (BatchStream stream = service.exchange_cast_compatible();
        VectorSchemaRoot input = VectorSchemaRoot.create(wrong, client.allocator())) {
      input.setRowCount(0);
      RpcException error = assertThrows(RpcException.class, () -> stream.exchange(input));
      assertEquals("TypeError", error.errorType());
      assertTrue(error.errorMessage().contains("Input schema mismatch"), error.errorMessage());
    }
  }

  @Test
  void initErrorsAreRuntimeErrors() {
    RpcException error = assertThrows(RpcException.class, () -> {
      try (BatchStream stream = service.produce_error_on_init()) {
        stream.tick();
      }
    });
    assertEquals("RuntimeError", error.errorType());
    assertEquals("intentional init error", error.errorMessage());
    RpcException exchange = assertThrows(RpcException.class, () -> {
      try (BatchStream stream = service.exchange_error_on_init()) {
        stream.exchange(doubles(1));
      }
    });
    assertEquals("intentional exchange init error", exchange.errorMessage());
  }

  @Test
  void cancelProbeCountsTurnsAndCancels() {
    service.reset_cancel_probe();
    try (BatchStream stream = service.cancellable_producer()) {
      stream.tick();
      stream.tick();
      stream.cancel();
    }
    try (BatchStream stream = service.cancellable_exchange()) {
      stream.exchange(doubles(1));
      stream.cancel();
      stream.cancel();
    }
    assertEquals(List.of(2L, 1L, 2L), service.cancel_probe_counters());
    service.reset_cancel_probe();
    assertEquals(List.of(0L, 0L, 0L), service.cancel_probe_counters());
  }

  @Test
  void stickyMethodsNeedSessions() {
    RpcException open = assertThrows(RpcException.class, () -> service.open_counter(1));
    assertEquals("RuntimeError", open.errorType());
    assertEquals("sticky sessions not available on this transport", open.errorMessage());
    assertEquals(StickyCounters.NO_COUNTER,
        assertThrows(RpcException.class, () -> service.increment_counter(1)).errorMessage());
    assertEquals(StickyCounters.NO_COUNTER, assertThrows(RpcException.class, service::close_counter).errorMessage());
    assertEquals(StickyCounters.NO_COUNTER, assertThrows(RpcException.class, () -> {
      try (BatchStream stream = service.stream_session_counter(1)) {
        stream.tick();
      }
    }).errorMessage());
    assertEquals(List.of(), drain(service.stream_session_counter(0)));
  }

  // ---------------------------------------------------------------- added in 2.0.0

  @Test
  void echoesOptionalAndAnnotatedValues() {
    assertNull(service.echo_optional_point(null));
    assertEquals(new Point(3, 4), service.echo_optional_point(new Point(3, 4)));
    assertNull(service.echo_annotated_optional_int(null));
    assertEquals(17, service.echo_annotated_optional_int(17));
    assertEquals(Integer.MIN_VALUE, service.echo_annotated_optional_int(Integer.MIN_VALUE));
    assertEquals(23, service.echo_outer_optional_non_null(23));
  }

  @Test
  void packsNestedContainers() {
    List<Status> statuses = List.of(Status.ACTIVE, Status.CLOSED, Status.ACTIVE);
    List<Point> points = List.of(new Point(1, 2), new Point(3, 4));
    Map<String, Status> byName = new LinkedHashMap<>();
    byName.put("c", Status.CLOSED);
    byName.put("a", Status.ACTIVE);
    NestedContainers packed = service.pack_nested_containers(statuses, points, byName);
    try (VectorSchemaRoot batch = packed.tagged_batch()) {
      assertEquals(statuses, packed.statuses());
      assertEquals(points, packed.points());
      assertEquals(List.of("c", "a"), List.copyOf(packed.status_by_name().keySet()));
      assertEquals(byName, packed.status_by_name());
      assertEquals(List.of(Status.ACTIVE, Status.CLOSED), List.copyOf(packed.frozen_statuses()));
      assertEquals(Status.ACTIVE, packed.tagged_status());
      assertEquals(new Point(1, 2), packed.tagged_point());
      assertEquals(List.of(Field.nullable("value", new ArrowType.Int(64, true))), batch.getSchema().getFields());
      assertEquals(2, batch.getRowCount());
      assertEquals(1, ((BigIntVector) batch.getVector("value")).get(0));
      assertEquals(2, ((BigIntVector) batch.getVector("value")).get(1));
    }
    NestedContainers empty = service.pack_nested_containers(List.of(), List.of(), Map.of());
    try (VectorSchemaRoot batch = empty.tagged_batch()) {
      assertNull(empty.tagged_status());
      assertNull(empty.tagged_point());
      assertEquals(Set.of(), empty.frozen_statuses());
      assertEquals(2, batch.getRowCount());
    }
    RpcException hole = assertThrows(RpcException.class,
        () -> service.pack_nested_containers(java.util.Arrays.asList(Status.ACTIVE, null), points, byName));
    assertEquals("TypeError", hole.errorType());
    assertEquals("statuses were not reconstructed as Status members", hole.errorMessage());
  }

  @Test
  void echoesStatusLists() {
    assertEquals(List.of(Status.ACTIVE, Status.CLOSED), service.echo_status_list(List.of(Status.ACTIVE, Status.CLOSED)));
    assertEquals(List.of(), service.echo_status_list(List.of()));
    assertEquals("TypeError", assertThrows(RpcException.class,
        () -> service.echo_status_list(java.util.Arrays.asList(Status.PENDING, null))).errorType());
  }

  @Test
  void publishedStringNeedsExternalStorage() {
    RpcException error = assertThrows(RpcException.class, () -> service.published_string("hi", true));
    assertEquals("RuntimeError", error.errorType());
    assertEquals("published_string requires external storage", error.errorMessage());
    assertEquals("x", service.echo_string("x"));
  }

  @Test
  void annotatedBatchesCarryTheirOwnMetadata() {
    List<Map<String, String>> metadata = new ArrayList<>();
    try (BatchStream stream = service.produce_annotated_batches(3, 8)) {
      for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
        VectorSchemaRoot root = batch.get();
        assertEquals(8, root.getRowCount());
        BigIntVector value = (BigIntVector) root.getVector("value");
        assertEquals(metadata.size() * 1_000_000L, value.get(0));
        assertEquals(metadata.size() * 1_000_000L + 7, value.get(7));
        metadata.add(stream.lastMetadata());
      }
    }
    assertEquals(3, metadata.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(String.valueOf(i), metadata.get(i).get("conformance.batch_index"));
      assertEquals("3", metadata.get(i).get("conformance.batch_total"));
      assertEquals("\u00fcn\u00efcode-\u03bb", metadata.get(i).get("conformance.emit_label"));
    }
    try (BatchStream stream = service.produce_annotated_batches(1, 0)) {
      assertEquals(0, stream.tick().orElseThrow().getRowCount());
      assertTrue(stream.tick().isEmpty());
    }
  }

  @Test
  void tickMetadataIsReportedPerTick() {
    try (BatchStream stream = service.produce_tick_metadata(2)) {
      for (long i = 0; i < 2; i++) {
        VectorSchemaRoot batch = stream.tick().orElseThrow();
        assertEquals(i, ((BigIntVector) batch.getVector("index")).get(0));
        assertEquals("", ((VarCharVector) batch.getVector("seen")).getObject(0).toString());
      }
      assertTrue(stream.tick().isEmpty());
    }
    try (BatchStream stream = service.produce_tick_metadata(0)) {
      assertTrue(stream.tick().isPresent(), "like the reference, the first tick always emits");
      assertTrue(stream.tick().isEmpty());
    }
  }

  @Test
  void exchangeReportsItsInputMetadata() {
    try (BatchStream stream = service.exchange_input_metadata()) {
      for (int turn = 0; turn < 2; turn++) {
        VectorSchemaRoot out = stream.exchange(doubles(turn, turn));
        assertEquals(1, out.getRowCount());
        assertEquals("", ((VarCharVector) out.getVector("seen")).getObject(0).toString());
        assertEquals("", ((VarCharVector) out.getVector("keys")).getObject(0).toString());
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String row(VectorSchemaRoot batch) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < batch.getRowCount(); i++) {
      rows.append(i == 0 ? "" : ",")
          .append(((BigIntVector) batch.getVector("index")).get(i))
          .append(':')
          .append(((BigIntVector) batch.getVector("value")).get(i));
    }
    return rows.toString();
  }

  private static List<String> drain(BatchStream stream) {
    List<String> rows = new ArrayList<>();
    try (stream) {
      for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
        rows.addAll(List.of(row(batch.get()).split(",")));
      }
    }
    return rows;
  }

  private VectorSchemaRoot doubles(double... values) {
    BufferAllocator memory = client.allocator();
    VectorSchemaRoot root = VectorSchemaRoot.create(Batches.SCALE, memory);
    Float8Vector vector = (Float8Vector) root.getVector("value");
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    root.setRowCount(values.length);
    inputs.add(root);
    return root;
  }

  private static List<Double> values(VectorSchemaRoot batch) {
    Float8Vector vector = (Float8Vector) batch.getVector("value");
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < batch.getRowCount(); i++) {
      out.add(vector.get(i));
    }
    return out;
  }
}
