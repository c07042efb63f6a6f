package dev.arrowrpc.conformance.nativeclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The native-client lane of one transport: arrow-rpc's typed client ({@link RpcClient} with the
 * {@link ClientConformanceService} proxy) against the reference's {@code client_worker}, over one
 * persistent connection per lane. The reference rejects batches whose schema is not exactly its
 * {@code TYPED_EXCHANGE_SCHEMA}, so these tests prove the client builds batches from the declared
 * schema, not from the values. The Arrow allocator is checked empty after every test.
 *
 * <p>Skipped, with the reason, when no Python 3.13 with the pinned vgi-rpc is found (see {@link
 * ClientWorker}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class NativeClientContract {
  /** A populated row: dictionary, timestamp, decimal, list and nested struct values. */
  static final TypedRow POPULATED = new TypedRow(
      1.5,
      Arrays.asList("alpha", null, "gamma"),
      "blue",
      Instant.parse("2026-01-02T03:04:05.123456Z"),
      new BigDecimal("12345.6789"),
      new TypedRow.Nested("inner", Arrays.asList(1, null, 3)));
  /** A second populated row: empty and null children, a negative decimal, another category. */
  static final TypedRow SPARSE = new TypedRow(
      -0.0,
      List.of(),
      "red",
      Instant.parse("1969-12-31T23:59:59.999999Z"),
      new BigDecimal("-99999999999999.9999"),
      new TypedRow.Nested(null, List.of()));

  private BufferAllocator root;
  private BufferAllocator allocator;
  private ClientWorker worker;
  private RpcClient client;
  /** The typed proxy on this lane's connection. */
  ClientConformanceService service;

  /** The transport this lane runs over. */
  abstract ClientWorker.Lane lane();

  /** Further worker flags (HTTP only: a prefix, a per-turn budget). */
  List<String> workerFlags() {
    return List.of();
  }

  @BeforeAll
  void startWorker() throws Exception {
    Optional<String> unavailable = ClientWorker.unavailable();
    assumeTrue(unavailable.isEmpty(), () -> "native-client lane skipped: " + unavailable.orElse(""));
    root = new RootAllocator();
    allocator = root.newChildAllocator("native-client-" + lane().label(), 0, Long.MAX_VALUE);
    worker = ClientWorker.start(lane(), workerFlags());
    client = worker.connect(allocator);
    service = client.proxy(ClientConformanceService.class);
  }

  @AfterEach
  void allocatorIsEmpty() {
    if (allocator != null) {
      assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left allocated:\n" + allocator.toVerboseString());
    }
  }

  @AfterAll
  void stopWorker() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (worker != null) {
        worker.close();
      }
      if (allocator != null) {
        allocator.close();
        root.close();
      }
    }
  }

  /** The client, for lane-specific tests. */
  RpcClient client() {
    return client;
  }

  @Test
  void typedExchangeEchoesAnAllNullRow() {
    try (Exchange<TypedRow, TypedRow> exchange = service.typed_exchange()) {
      assertEquals(List.of(TypedRow.allNull()), exchange.exchange(List.of(TypedRow.allNull())));
    }
  }

  @Test
  void typedExchangeEchoesAZeroRowBatch() {
    try (Exchange<TypedRow, TypedRow> exchange = service.typed_exchange()) {
      assertEquals(List.of(), exchange.exchange(List.of()));
    }
  }

  @Test
  void typedExchangeEchoesAPopulatedRow() {
    try (Exchange<TypedRow, TypedRow> exchange = service.typed_exchange()) {
      assertEquals(List.of(POPULATED), exchange.exchange(List.of(POPULATED)));
    }
  }

  @Test
  void typedExchangeTakesSeveralBatchesOnOneExchange() {
    List<List<TypedRow>> batches = List.of(
        List.of(TypedRow.allNull()),
        List.of(),
        List.of(POPULATED),
        List.of(SPARSE, TypedRow.allNull(), POPULATED),
        List.of(),
        List.of(new TypedRow(null, Arrays.asList(null, "x"), "blue", null, BigDecimal.ZERO.setScale(4), null)));
    try (Exchange<TypedRow, TypedRow> exchange = service.typed_exchange()) {
      for (List<TypedRow> batch : batches) {
        assertEquals(batch, exchange.exchange(batch));
      }
    }
  }

  @Test
  void echoBytesRoundTripsEveryByte() {
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    assertArrayEquals(every, service.echo_bytes(every));
    assertArrayEquals(new byte[0], service.echo_bytes(new byte[0]));
    assertArrayEquals(new byte[] {0}, service.echo_bytes(new byte[] {0}));
  }

  @Test
  void producerSequenceYieldsEachIndexOnce() {
    assertEquals(sequence(3, 4), drain(service.producer_sequence(3, 4)));
  }

  @Test
  void describeReportsTheUnaryProducerAndExchangeShapes() {
    ServiceDescription description = client.describe("ClientConformanceService");
    assertEquals("ClientConformanceService", description.protocol());
    assertTrue(description.protocolHash().matches("[0-9a-f]{64}"), description.protocolHash());
    assertEquals(ProtocolHash.of(ServiceSpec.of(ClientConformanceService.class)), description.protocolHash(),
        "the hash of our declaration is the reference's: same methods, parameters and results");
    assertEquals("ClientConformanceService", client.describe().protocol(), "the primary protocol");
    assertEquals(List.of("close_client_session", "echo_bytes", "increment_client_session", "large_response",
            "open_client_session", "producer_emit_and_finish", "producer_empty", "producer_sequence",
            "producer_zero_row_then_value", "typed_exchange"),
        description.methods().stream().map(MethodInfo::name).toList());
    MethodInfo exchange = description.method("typed_exchange").orElseThrow();
    assertEquals("stream", exchange.methodType());
    assertEquals("exchange", exchange.streamKind());
    for (String producer : List.of("producer_sequence", "producer_zero_row_then_value", "producer_emit_and_finish",
        "producer_empty")) {
      MethodInfo method = description.method(producer).orElseThrow();
      assertEquals("stream", method.methodType(), producer);
      assertEquals("producer", method.streamKind(), producer);
    }
    MethodInfo echo = description.method("echo_bytes").orElseThrow();
    assertEquals("unary", echo.methodType());
    assertEquals(MethodInfo.NOT_A_STREAM, echo.streamKind());
    assertTrue(echo.hasReturn());
    assertEquals(List.of("value"), echo.paramsSchema().getFields().stream().map(f -> f.getName()).toList());
    assertEquals("result", echo.resultSchema().orElseThrow().getFields().get(0).getName());
    for (MethodInfo method : description.methods()) {
      method.paramsSchema();
      method.resultSchema();
      method.headerSchema();
      assertFalse(method.hasHeader(), method.name());
    }
  }

  @Test
  void producerSequenceResumesUntilAnEmptyTerminalTurn() {
    assertEquals(sequence(2, 4), drain(service.producer_sequence(2, 4)));
    assertEquals(List.of(), drain(service.producer_sequence(0, 4)));
  }

  @Test
  void producerDeliversAZeroRowDataBatchThenAValue() {
    try (Producer<ProducerRow> producer = service.producer_zero_row_then_value()) {
      List<List<ProducerRow>> batches = new ArrayList<>();
      producer.batches().forEach(batches::add);
      assertEquals(List.of(List.of(), List.of(new ProducerRow(7, bytes("after-zero")))), batches);
    }
  }

  @Test
  void producerEmitsAndFinishesInOneTurn() {
    assertEquals(List.of(new ProducerRow(99, bytes("terminal"))), drain(service.producer_emit_and_finish()));
  }

  @Test
  void producerEndsWithoutData() {
    assertEquals(List.of(), drain(service.producer_empty()));
  }

  @Test
  void aFinishedProducerStaysFinished() {
    try (Producer<ProducerRow> producer = service.producer_emit_and_finish()) {
      var rows = producer.iterator();
      assertTrue(rows.hasNext());
      assertEquals(99, rows.next().index());
      assertFalse(rows.hasNext());
      assertFalse(rows.hasNext(), "iterating past the end asks nothing of the server");
      assertFalse(producer.batches().iterator().hasNext());
    }
  }

  @Test
  void unaryCallsInterleaveWithAnOpenStreamsTurns() {
    List<ProducerRow> rows = new ArrayList<>();
    try (Producer<ProducerRow> producer = service.producer_sequence(3, 1)) {
      for (ProducerRow row : producer) {
        rows.add(row);
        if (lane() == ClientWorker.Lane.HTTP) {
          // over HTTP every turn is a request of its own: other calls may run between turns
          assertArrayEquals(new byte[] {(byte) row.index()}, service.echo_bytes(new byte[] {(byte) row.index()}));
        }
      }
    }
    assertEquals(sequence(3, 1), rows);
    assertArrayEquals(new byte[] {42}, service.echo_bytes(new byte[] {42}), "the connection is usable after a stream");
  }

  static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void listProtocolsNamesTheWorkerAndItsPrimaryProtocol() {
    ProtocolList listing = client.listProtocols();
    assertEquals("client-worker", listing.serverId());
    assertEquals("1", listing.requestVersion());
    ProtocolSummary primary = listing.primary().orElseThrow();
    assertEquals("ClientConformanceService", primary.protocol());
    assertEquals("", primary.protocolVersion());
    assertEquals(client.describe("ClientConformanceService").protocolHash(), primary.protocolHash());
  }

  /** The rows {@code producer_sequence(count, payload_bytes)} yields. */
  static List<ProducerRow> sequence(int count, int payloadBytes) {
    List<ProducerRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[payloadBytes];
      Arrays.fill(payload, (byte) (i % 251));
      rows.add(new ProducerRow(i, payload));
    }
    return rows;
  }

  /** Every row of a producer, closing it. */
  static <T> List<T> drain(Producer<T> producer) {
    try (producer) {
      List<T> rows = new ArrayList<>();
      producer.forEach(rows::add);
      return rows;
    }
  }
}
