package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Flight server driven by Arrow Java's stock {@link FlightClient}. */
class FlightRpcServerTest {
  private static final String PROTOCOL = "FlightTest";

  private RpcServer rpc;
  private FlightRpcServer server;
  private BufferAllocator clientMemory;
  private FlightClient client;

  @BeforeEach
  void start() {
    rpc = RpcServer.create(FlightTestService.class, new FlightTestService.Impl());
    server = FlightRpcServer.builder(rpc).port(0).start();
    clientMemory = new RootAllocator();
    client = FlightClient.builder(clientMemory, server.location()).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    assertEquals(0, clientMemory.getAllocatedMemory(), "client memory");
    clientMemory.close();
    server.close();
    assertEquals(0, rpc.allocator().getAllocatedMemory(), "server memory");
    rpc.close();
  }

  // ------------------------------------------------------------------ discovery

  @Test
  void listsOneFlightPerMethodOfEveryProtocol() {
    List<FlightInfo> flights = new ArrayList<>();
    client.listFlights(Criteria.ALL).forEach(flights::add);
    List<List<String>> paths = flights.stream().map(f -> f.getDescriptor().getPath()).toList();
    assertTrue(paths.contains(List.of(PROTOCOL, "add")), paths.toString());
    assertTrue(paths.contains(List.of(PROTOCOL, "rows")), paths.toString());
    assertTrue(paths.contains(List.of("vgi_rpc.Reflection.v1", "describe")), paths.toString());

    List<FlightInfo> onlyOurs = new ArrayList<>();
    client.listFlights(new Criteria(PROTOCOL.getBytes(StandardCharsets.UTF_8))).forEach(onlyOurs::add);
    assertEquals(13, onlyOurs.size());
    assertTrue(onlyOurs.stream().allMatch(f -> f.getDescriptor().getPath().get(0).equals(PROTOCOL)));
  }

  @Test
  void flightInfoCarriesSchemasAndParametersAsJson() throws Exception {
    FlightInfo add = client.getInfo(FlightDescriptor.path(PROTOCOL, "add"));
    assertEquals(List.of("result"), names(add.getSchemaOptional().orElseThrow()));
    assertTrue(add.getEndpoints().isEmpty());
    Map<?, ?> doc = (Map<?, ?>) Json.parse(new String(add.getAppMetadata(), StandardCharsets.UTF_8));
    assertEquals(PROTOCOL, doc.get("protocol"));
    assertEquals("1.0.0", doc.get("protocol_version"));
    assertEquals("unary", doc.get("kind"));
    assertEquals("FlightTest/add", doc.get("action"));
    assertEquals(List.of("a", "b"), ((List<?>) doc.get("params")).stream().map(p -> ((Map<?, ?>) p).get("name")).toList());
    Schema params = IpcStreamReader.readSchemaMessage(Base64.getDecoder().decode((String) doc.get("params_schema")),
        WireLimits.DEFAULT);
    assertEquals(List.of("a", "b"), names(params));

    FlightInfo rows = client.getInfo(FlightDescriptor.path(PROTOCOL, "rows"));
    assertEquals(List.of("n", "half", "label"), names(rows.getSchemaOptional().orElseThrow()));
    Map<?, ?> rowsDoc = (Map<?, ?>) Json.parse(new String(rows.getAppMetadata(), StandardCharsets.UTF_8));
    assertEquals("producer", rowsDoc.get("kind"));
    assertEquals(null, rowsDoc.get("action"));

    FlightInfo bare = client.getInfo(FlightDescriptor.path("greet"));
    assertEquals(List.of(PROTOCOL, "greet"), List.of(PROTOCOL, ((Map<?, ?>) Json.parse(new String(
        bare.getAppMetadata(), StandardCharsets.UTF_8))).get("method")));
  }

  @Test
  void getSchemaAnswersTheFlightsSchema() {
    assertEquals(List.of("n", "half", "label"),
        names(client.getSchema(FlightDescriptor.path(PROTOCOL, "titled")).getSchema()));
    FlightRuntimeException missing = assertThrows(FlightRuntimeException.class,
        () -> client.getSchema(FlightDescriptor.path(PROTOCOL, "nope")));
    assertEquals(FlightStatusCode.NOT_FOUND, missing.status().code());
  }

  @Test
  void listsOneActionPerUnaryMethod() {
    List<String> types = StreamSupport.stream(client.listActions().spliterator(), false)
        .map(ActionType::getType).toList();
    assertTrue(types.containsAll(List.of("FlightTest/add", "FlightTest/greet", "FlightTest/lookup",
        "FlightTest/logged", "vgi_rpc.Reflection.v1/describe")), types.toString());
    assertFalse(types.contains("FlightTest/rows"));
  }

  // ------------------------------------------------------------------ actions

  @Test
  void actionWithJsonBody() throws Exception {
    Answer answer = action("FlightTest/add", "{\"a\": 1, \"b\": 2}".getBytes(StandardCharsets.UTF_8));
    assertEquals(3L, answer.value());
    Answer bare = action("greet", "{\"name\": \"Flight ✈\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("hello, Flight ✈", bare.value());
  }

  @Test
  void actionWithIpcBody() throws Exception {
    FlightInfo info = client.getInfo(FlightDescriptor.path(PROTOCOL, "add"));
    Map<?, ?> doc = (Map<?, ?>) Json.parse(new String(info.getAppMetadata(), StandardCharsets.UTF_8));
    Schema params = IpcStreamReader.readSchemaMessage(Base64.getDecoder().decode((String) doc.get("params_schema")),
        WireLimits.DEFAULT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(params, clientMemory);
        IpcStreamWriter writer = IpcStreamWriter.start(body, params)) {
      root.allocateNew();
      ((BigIntVector) root.getVector("a")).set(0, 40);
      ((BigIntVector) root.getVector("b")).set(0, 2);
      root.setRowCount(1);
      writer.write(root, Map.of(MetadataKeys.METHOD, "add", MetadataKeys.PROTOCOL, PROTOCOL,
          MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE, MetadataKeys.PROTOCOL_VERSION, "1.0.0"));
    }
    assertEquals(42L, action("FlightTest/add", body.toByteArray()).value());
  }

  @Test
  void actionLogsTravelInTheResultStream() throws Exception {
    Answer answer = action("FlightTest/logged", "{\"count\": 3}".getBytes(StandardCharsets.UTF_8));
    assertEquals(3L, answer.value());
    assertEquals(List.of("line 0", "line 1", "line 2"), answer.logs());
  }

  @Test
  void typedErrorCarriesTheRemoteMessage() {
    FlightRuntimeException error = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/lookup", "{\"key\": \"k1\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.NOT_FOUND, error.status().code());
    assertEquals("StatusError: no such key: k1", error.status().description());
    assertEquals("NOT_FOUND", error.status().metadata().get(FlightErrors.CODE));
    assertEquals("StatusError", error.status().metadata().get(FlightErrors.TYPE));
    assertFalse(error.status().metadata().containsKey(FlightErrors.LOGS));
  }

  @Test
  void everyErrorCodeMapsToAFlightStatus() {
    Map<ErrorCode, FlightStatusCode> expected = new java.util.EnumMap<>(ErrorCode.class);
    expected.put(ErrorCode.CANCELLED, FlightStatusCode.CANCELLED);
    expected.put(ErrorCode.UNKNOWN, FlightStatusCode.UNKNOWN);
    expected.put(ErrorCode.INVALID_ARGUMENT, FlightStatusCode.INVALID_ARGUMENT);
    expected.put(ErrorCode.DEADLINE_EXCEEDED, FlightStatusCode.TIMED_OUT);
    expected.put(ErrorCode.NOT_FOUND, FlightStatusCode.NOT_FOUND);
    expected.put(ErrorCode.ALREADY_EXISTS, FlightStatusCode.ALREADY_EXISTS);
    expected.put(ErrorCode.PERMISSION_DENIED, FlightStatusCode.UNAUTHORIZED);
    expected.put(ErrorCode.RESOURCE_EXHAUSTED, FlightStatusCode.RESOURCE_EXHAUSTED);
    expected.put(ErrorCode.FAILED_PRECONDITION, FlightStatusCode.INVALID_ARGUMENT);
    expected.put(ErrorCode.ABORTED, FlightStatusCode.INTERNAL);
    expected.put(ErrorCode.OUT_OF_RANGE, FlightStatusCode.INVALID_ARGUMENT);
    expected.put(ErrorCode.UNIMPLEMENTED, FlightStatusCode.UNIMPLEMENTED);
    expected.put(ErrorCode.INTERNAL, FlightStatusCode.INTERNAL);
    expected.put(ErrorCode.UNAVAILABLE, FlightStatusCode.UNAVAILABLE);
    expected.put(ErrorCode.DATA_LOSS, FlightStatusCode.INTERNAL);
    expected.put(ErrorCode.UNAUTHENTICATED, FlightStatusCode.UNAUTHENTICATED);
    assertEquals(ErrorCode.values().length, expected.size());
    for (ErrorCode code : ErrorCode.values()) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class,
          () -> action("FlightTest/fail", ("{\"code\": \"" + code + "\"}").getBytes(StandardCharsets.UTF_8)));
      assertEquals(expected.get(code), error.status().code(), code.name());
      assertEquals("StatusError: failing with " + code, error.status().description());
      assertEquals(code.name(), error.status().metadata().get(FlightErrors.CODE));
    }
  }

  @Test
  void logsBeforeAnErrorTravelInTheStatusMetadata() throws Exception {
    FlightRuntimeException error = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/logThenFail", "{\"why\": \"d\u00e9j\u00e0 vu\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.UNKNOWN, error.status().code());
    assertEquals("ValueError: déjà vu", error.status().description());
    List<?> logs = (List<?>) Json.parse(error.status().metadata().get(FlightErrors.LOGS));
    assertEquals(List.of("checking déjà vu"), logs.stream().map(l -> ((Map<?, ?>) l).get("message")).toList());
  }

  @Test
  void badActionsAreRefusedWithFlightCodes() {
    FlightRuntimeException unknown = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/nope", new byte[0]));
    assertEquals(FlightStatusCode.NOT_FOUND, unknown.status().code());
    FlightRuntimeException badParam = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/add", "{\"a\": 1, \"c\": 2}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, badParam.status().code());
    FlightRuntimeException missing = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/add", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, missing.status().code());
    FlightRuntimeException stream = assertThrows(FlightRuntimeException.class,
        () -> action("FlightTest/rows", "{\"n\": 1}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, stream.status().code());
  }

  @Test
  void malformedIpcIsRefusedNotFatal() throws Exception {
    byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 12, 0, 0, 0, 1, 2, 3};
    FlightRuntimeException action = assertThrows(FlightRuntimeException.class, () -> action("FlightTest/add", garbage));
    assertTrue(action.status().description().contains("invalid Arrow IPC request"), action.status().description());
    try (FlightStream stream = client.getStream(new Ticket(garbage))) {
      FlightRuntimeException get = assertThrows(FlightRuntimeException.class, stream::next);
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, get.status().code());
    }
    assertEquals(3L, action("FlightTest/add", "{\"a\": 1, \"b\": 2}".getBytes(StandardCharsets.UTF_8)).value());
  }

  @Test
  void reflectionIsAnAction() throws Exception {
    Answer answer = action("vgi_rpc.Reflection.v1/describe",
        ("{\"protocol\": \"" + PROTOCOL + "\"}").getBytes(StandardCharsets.UTF_8));
    assertNotNull(answer.value());
  }

  // ------------------------------------------------------------------ DoGet

  @Test
  void doGetStreamsAProducersRows() throws Exception {
    Ticket ticket = new Ticket("{\"protocol\": \"FlightTest\", \"method\": \"rows\", \"params\": {\"n\": 7}}"
        .getBytes(StandardCharsets.UTF_8));
    List<Long> seen = new ArrayList<>();
    List<String> logs = new ArrayList<>();
    try (FlightStream stream = client.getStream(ticket)) {
      assertEquals(List.of("n", "half", "label"), names(stream.getSchema()));
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        for (int i = 0; i < root.getRowCount(); i++) {
          long n = ((BigIntVector) root.getVector("n")).get(i);
          seen.add(n);
          assertEquals(n / 2.0, ((Float8Vector) root.getVector("half")).get(i));
          assertEquals("row " + n, new String(((VarCharVector) root.getVector("label")).get(i), StandardCharsets.UTF_8));
        }
        logs.addAll(appLogs(stream.getLatestMetadata()));
      }
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), seen);
    assertEquals(List.of("turn 0", "turn 2", "turn 4", "turn 6"), logs);
  }

  @Test
  void commandDescriptorMintsATicket() throws Exception {
    byte[] command = "{\"method\": \"titled\", \"params\": {\"n\": 3}}".getBytes(StandardCharsets.UTF_8);
    FlightInfo info = client.getInfo(FlightDescriptor.command(command));
    assertEquals(1, info.getEndpoints().size());
    long rows = 0;
    Optional<String> header = Optional.empty();
    List<String> logs = new ArrayList<>();
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
        ArrowBuf metadata = stream.getLatestMetadata();
        if (metadata != null) {
          Map<?, ?> doc = appMetadata(metadata);
          if (doc.get(ProducerPump.HEADER) instanceof String text) {
            header = Optional.of(text);
          }
          logs.addAll(appLogs(metadata));
        }
      }
    }
    assertEquals(3, rows);
    assertTrue(header.isPresent(), "the header rides on the first batch");
    try (IpcStreamReader reader = IpcBytes(Base64.getDecoder().decode(header.get()))) {
      assertTrue(reader.next());
      assertEquals("rows", new String(((VarCharVector) reader.root().getVector("title")).get(0), StandardCharsets.UTF_8));
      assertEquals(3L, ((BigIntVector) reader.root().getVector("total")).get(0));
    }
    assertEquals("opening", logs.get(0));

    FlightRuntimeException unary = assertThrows(FlightRuntimeException.class, () -> client.getInfo(
        FlightDescriptor.command("{\"method\": \"add\", \"params\": {\"a\": 1, \"b\": 2}}".getBytes(StandardCharsets.UTF_8))));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, unary.status().code());
    assertTrue(unary.status().description().contains("DoAction"), unary.status().description());
  }

  @Test
  void doGetWithAnIpcTicket() throws Exception {
    Schema params = IpcStreamReader.readSchemaMessage(Base64.getDecoder().decode((String) ((Map<?, ?>) Json.parse(
        new String(client.getInfo(FlightDescriptor.path(PROTOCOL, "rows")).getAppMetadata(), StandardCharsets.UTF_8)))
        .get("params_schema")), WireLimits.DEFAULT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(params, clientMemory);
        IpcStreamWriter writer = IpcStreamWriter.start(body, params)) {
      root.allocateNew();
      ((BigIntVector) root.getVector("n")).set(0, 4);
      root.setRowCount(1);
      writer.write(root, Map.of(MetadataKeys.METHOD, "rows", MetadataKeys.PROTOCOL, PROTOCOL,
          MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE, MetadataKeys.PROTOCOL_VERSION, "1.0.0"));
    }
    long rows = 0;
    try (FlightStream stream = client.getStream(new Ticket(body.toByteArray()))) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    assertEquals(4, rows);
  }

  @Test
  void aFailingProducerEndsTheStreamWithItsStatus() throws Exception {
    Ticket ticket = new Ticket("{\"method\": \"failAt\", \"params\": {\"n\": 4}}".getBytes(StandardCharsets.UTF_8));
    long[] rows = {0};
    List<String> logs = new ArrayList<>();
    try (FlightStream stream = client.getStream(ticket)) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, () -> {
        while (stream.next()) {
          rows[0] += stream.getRoot().getRowCount();
          logs.addAll(appLogs(stream.getLatestMetadata()));
        }
      });
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, error.status().code());
      assertEquals("StatusError: failed at 4", error.status().description());
      assertEquals("RESOURCE_EXHAUSTED", error.status().metadata().get(FlightErrors.CODE));
    }
    assertEquals(4, rows[0]);
    assertEquals(List.of("turn 0", "turn 2"), logs);
  }

  @Test
  void doGetRefusesWhatIsNoProducer() throws Exception {
    for (String ticket : List.of("{\"method\": \"add\", \"params\": {\"a\": 1, \"b\": 2}}", "{\"method\": \"same\"}",
        "not json", "{\"method\": \"rows\", \"extra\": 1}")) {
      try (FlightStream stream = client.getStream(new Ticket(ticket.getBytes(StandardCharsets.UTF_8)))) {
        FlightRuntimeException error = assertThrows(FlightRuntimeException.class, stream::next, ticket);
        assertEquals(FlightStatusCode.INVALID_ARGUMENT, error.status().code(), ticket);
      }
    }
  }

  @Test
  void doGetServesBatchStreamProducersOfEveryBatchSize() throws Exception {
    FlightInfo info = client.getInfo(FlightDescriptor.path(PROTOCOL, "numbers"));
    assertEquals(List.of(), info.getSchemaOptional().map(schema -> names(schema)).orElse(List.of()), "decided when the stream opens");
    Ticket ticket = new Ticket("{\"method\": \"numbers\", \"params\": {\"count\": 200000, \"rowsPerBatch\": 65536}}"
        .getBytes(StandardCharsets.UTF_8));
    long rows = 0;
    long sum = 0;
    try (FlightStream stream = client.getStream(ticket)) {
      assertEquals(List.of("n"), names(stream.getSchema()));
      while (stream.next()) {
        BigIntVector n = (BigIntVector) stream.getRoot().getVector(0);
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
          sum += n.get(i);
        }
        rows += stream.getRoot().getRowCount();
      }
    }
    assertEquals(200_000, rows);
    assertEquals(199_999L * 200_000 / 2, sum);
  }

  @Test
  void concurrentStreamsStayApart() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Long>> sums = new ArrayList<>();
      for (int s = 1; s <= 4; s++) {
        long count = 1000L * s;
        sums.add(pool.submit(() -> {
          long sum = 0;
          Ticket ticket = new Ticket(("{\"method\": \"numbers\", \"params\": {\"count\": " + count
              + ", \"rowsPerBatch\": 7}}").getBytes(StandardCharsets.UTF_8));
          try (FlightStream stream = client.getStream(ticket)) {
            while (stream.next()) {
              BigIntVector n = (BigIntVector) stream.getRoot().getVector(0);
              for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
                sum += n.get(i);
              }
            }
          }
          return sum;
        }));
      }
      for (int s = 1; s <= 4; s++) {
        long count = 1000L * s;
        assertEquals((count - 1) * count / 2, sums.get(s - 1).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void doGetRefusesAnExchangeStream() throws Exception {
    try (FlightStream stream = client.getStream(new Ticket("{\"method\": \"scale\", \"params\": {\"factor\": 2}}"
        .getBytes(StandardCharsets.UTF_8)))) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, stream::next);
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, error.status().code());
    }
  }

  @Test
  void cancelStopsTheProducerAndReleasesItsMemory() throws Exception {
    int before = FlightTestService.Impl.CANCELS.get();
    Ticket ticket = new Ticket("{\"method\": \"endless\"}".getBytes(StandardCharsets.UTF_8));
    try (FlightStream stream = client.getStream(ticket)) {
      for (int i = 0; i < 3; i++) {
        assertTrue(stream.next());
      }
      stream.cancel("enough", null);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (FlightTestService.Impl.CANCELS.get() == before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(FlightTestService.Impl.CANCELS.get() > before, "the producer heard the cancel");
  }

  // ------------------------------------------------------------------ helpers

  /** A unary answer: its value (first column, first row) and its log messages. */
  private record Answer(Object value, List<String> logs) {}

  private Answer action(String type, byte[] body) throws Exception {
    Iterator<Result> results = client.doAction(new Action(type, body));
    assertTrue(results.hasNext());
    byte[] stream = results.next().getBody();
    assertFalse(results.hasNext());
    Object value = null;
    List<String> logs = new ArrayList<>();
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), clientMemory).orElseThrow()) {
      while (reader.next()) {
        LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
        if (kind instanceof LogBatches.Log log) {
          logs.add(log.message().message());
        } else if (reader.root().getRowCount() > 0) {
          Object cell = reader.root().getVector(0).getObject(0);
          value = cell instanceof org.apache.arrow.vector.util.Text text ? text.toString() : cell;
        }
      }
    }
    return new Answer(value, logs);
  }

  private IpcStreamReader IpcBytes(byte[] bytes) throws Exception {
    return IpcStreamReader.open(new ByteArrayInputStream(bytes), clientMemory).orElseThrow();
  }

  private static Map<?, ?> appMetadata(ArrowBuf buf) {
    byte[] bytes = new byte[(int) buf.readableBytes()];
    buf.getBytes(0, bytes);
    return (Map<?, ?>) Json.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private static List<String> appLogs(ArrowBuf buf) {
    if (buf == null) {
      return List.of();
    }
    Object logs = appMetadata(buf).get(ProducerPump.LOGS);
    if (!(logs instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(entry -> (String) ((Map<?, ?>) entry).get("message")).toList();
  }

  private static List<String> names(Schema schema) {
    return schema.getFields().stream().map(f -> f.getName()).toList();
  }
}
