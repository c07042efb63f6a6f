package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.transport.http.StreamService.Header;
import dev.arrowrpc.transport.http.StreamService.Row;
import dev.arrowrpc.transport.http.StreamService.Sample;
import dev.arrowrpc.transport.http.StreamService.Total;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of call through the OkHttp client to the Undertow server in this JVM: unary calls,
 * logs, errors, producer, exchange and batch streams with their headers, cancels and failures.
 * Both allocators are back at zero after each test, and the server still answers.
 */
class HttpCallsTest {
  private HttpHarness harness;
  private StreamService service;

  @BeforeEach
  void start() {
    StreamService.Impl.CANCELS.set(0);
    harness = new HttpHarness(StreamService.class, new StreamService.Impl());
    service = harness.proxy(StreamService.class);
  }

  @AfterEach
  void stop() {
    assertEquals("still usable", service.echo("still usable"));
    assertEquals(0, harness.clientBytes(), "client allocator");
    assertEquals(0, harness.serverBytes(), "server allocator");
    harness.close();
  }

  private List<String> messages() {
    return harness.logs().stream().map(LogMessage::message).toList();
  }

  @Test
  void unaryCallsCarryValuesBothWays() {
    assertEquals("héllo ✓", service.echo("héllo ✓"));
    byte[] big = new byte[3 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertArrayEquals(big, service.echoBytes(big));
  }

  @Test
  void errorsKeepTheirTypeMessageAndRequestId() {
    String[][] cases = {
      {"value", "ValueError", "bad value"},
      {"runtime", "RuntimeError", "bad state"},
      {"type", "TypeError", "bad type"},
      {"custom", "CustomError", "custom message"},
    };
    for (String[] c : cases) {
      RpcException e = assertThrows(RpcException.class, () -> service.raise(c[0]));
      assertEquals(c[1], e.errorType());
      assertEquals(c[2], e.errorMessage());
      assertTrue(e.remoteTraceback().contains("raise"), e.remoteTraceback());
      assertEquals(16, e.requestId().length(), "the minted X-Request-ID reaches the error batch");
    }
  }

  @Test
  void logsArriveBeforeTheResultWithExtras() {
    assertEquals(3, service.logged(3));
    assertEquals(List.of(
        new LogMessage(LogLevel.INFO, "line 0", Map.of("index", "0")),
        new LogMessage(LogLevel.INFO, "line 1", Map.of("index", "1")),
        new LogMessage(LogLevel.INFO, "line 2", Map.of("index", "2"))), harness.logs());
  }

  @Test
  void producerRunsToCompletionWithPerTurnLogs() {
    List<Long> seen = new ArrayList<>();
    try (Producer<Row> rows = service.count(4)) {
      rows.forEach(r -> seen.add(r.n()));
    }
    assertEquals(List.of(0L, 1L, 2L, 3L), seen);
    assertEquals(List.of("tick 0", "tick 1", "tick 2", "tick 3"), messages());
    assertEquals(0, service.cancels(), "a finished stream is not cancelled on close");
  }

  @Test
  void anEmptyProducerFinishesInsideInit() {
    try (Producer<Row> rows = service.count(0)) {
      assertFalse(rows.iterator().hasNext());
    }
    assertEquals(0, service.cancels());
  }

  @Test
  void closingAProducerEarlyCancelsItOnce() {
    Producer<Row> rows = service.count(1000);
    Iterator<Row> it = rows.iterator();
    assertEquals(0, it.next().n());
    assertEquals(1, it.next().n());
    rows.close();
    rows.close();
    rows.cancel();
    assertEquals(1, service.cancels());
    assertFalse(it.hasNext(), "a closed producer has no more rows");
  }

  @Test
  void cancellingBeforeTheFirstTick() {
    Producer<Row> rows = service.count(10);
    rows.cancel();
    assertEquals(1, service.cancels());
    assertFalse(rows.iterator().hasNext());
  }

  @Test
  void headerArrivesBeforeTheRowsAndInitLogsWithIt() {
    try (Producer<Row> rows = service.counted(2)) {
      assertEquals(new Header("rows", 2), rows.header(Header.class));
      assertEquals("init log", messages().get(0));
      List<Row> all = new ArrayList<>();
      rows.forEach(all::add);
      assertEquals(List.of(new Row(0), new Row(1)), all);
    }
  }

  @Test
  void aStreamWithoutHeaderRefusesHeaderAccess() {
    try (Producer<Row> rows = service.count(1)) {
      assertThrows(IllegalStateException.class, () -> rows.header(Header.class));
    }
  }

  @Test
  void errorMidStreamEndsTheStream() {
    Producer<Row> rows = service.failAt(2);
    Iterator<Row> it = rows.iterator();
    assertEquals(0, it.next().n());
    assertEquals(1, it.next().n());
    RpcException e = assertThrows(RpcException.class, it::next);
    assertEquals("ValueError", e.errorType());
    assertEquals("failed at 2", e.errorMessage());
    assertFalse(it.hasNext());
    rows.close();
    assertEquals(0, service.cancels(), "a failed stream is not cancelled");
  }

  @Test
  void initErrorWithoutHeaderSurfacesOnFirstUseAsOverAPipe() {
    Producer<Row> rows = service.failInit("no start");
    RpcException e = assertThrows(RpcException.class, () -> rows.iterator().hasNext());
    assertEquals("ValueError", e.errorType());
    assertEquals("no start", e.errorMessage());
    rows.close();
    service.failInit("quiet").close();
  }

  @Test
  void initErrorWithHeaderSurfacesAtTheCall() {
    RpcException e = assertThrows(RpcException.class, () -> service.failInitWithHeader("no header"));
    assertEquals("RuntimeError", e.errorType());
    assertEquals("no header", e.errorMessage());
  }

  @Test
  void aTurnWithoutDataIsAnError() {
    try (Producer<Row> rows = service.silent()) {
      RpcException e = assertThrows(RpcException.class, () -> rows.iterator().hasNext());
      assertEquals("RuntimeError", e.errorType());
      assertTrue(e.errorMessage().contains("No data batch was emitted"), e.errorMessage());
    }
  }

  @Test
  void aStateThatCannotTravelFailsTheStreamWithAnExplanation() {
    try (Producer<Row> rows = service.lambda()) {
      RpcException e = assertThrows(RpcException.class, () -> rows.iterator().hasNext());
      assertTrue(e.errorMessage().contains("cannot travel over a stateless transport"), e.errorMessage());
    }
  }

  @Test
  void exchangeIsLockstepAndClosesCleanly() {
    try (Exchange<Row, Row> ex = service.doubler()) {
      assertEquals(List.of(new Row(2), new Row(4)), ex.exchange(List.of(new Row(1), new Row(2))));
      assertEquals(List.of(), ex.exchange(List.of()));
      assertEquals(new Row(10), ex.exchangeOne(new Row(5)));
    }
    assertEquals(0, service.cancels());
  }

  @Test
  void exchangeStateSurvivesEveryTurn() {
    try (Exchange<Sample, Total> ex = service.accumulate()) {
      assertEquals(new Total(1, 1), ex.exchangeOne(new Sample(1)));
      assertEquals(new Total(3, 2), ex.exchangeOne(new Sample(2)));
      assertEquals(new Total(10, 3), ex.exchange(List.of(new Sample(3), new Sample(4))).get(0));
    }
    assertEquals(List.of("turn 1", "turn 2", "turn 3"), messages());
  }

  @Test
  void exchangeOpenedAndClosedWithoutExchanging() {
    service.doubler().close();
    assertEquals(0, service.cancels());
  }

  @Test
  void exchangeCancelThenUseIsAProtocolError() {
    Exchange<Row, Row> ex = service.doubler();
    assertEquals(new Row(2), ex.exchangeOne(new Row(1)));
    ex.cancel();
    ex.cancel();
    assertEquals(1, service.cancels());
    RpcException e = assertThrows(RpcException.class, () -> ex.exchangeOne(new Row(1)));
    assertEquals("ProtocolError", e.errorType());
    ex.close();
  }

  @Test
  void exchangeWithHeader() {
    try (Exchange<Row, Row> ex = service.doublerWithHeader("h")) {
      assertEquals(new Header("h", -1), ex.header(Header.class));
      assertEquals(new Row(8), ex.exchangeOne(new Row(4)));
    }
  }

  @Test
  void streamsAndCallsInterleaveFreely() {
    try (Producer<Row> a = service.count(3); Producer<Row> b = service.count(3);
        Exchange<Row, Row> ex = service.doubler()) {
      Iterator<Row> ia = a.iterator();
      Iterator<Row> ib = b.iterator();
      assertEquals(0, ia.next().n());
      assertEquals("between", service.echo("between"));
      assertEquals(0, ib.next().n());
      assertEquals(new Row(2), ex.exchangeOne(new Row(1)));
      assertEquals(1, ia.next().n());
      assertEquals(1, ib.next().n());
    }
  }

  @Test
  void batchProducerWithMetadataAndTokenKeysStripped() {
    List<Long> values = new ArrayList<>();
    List<String> turns = new ArrayList<>();
    try (BatchStream stream = service.numbers(3)) {
      Optional<VectorSchemaRoot> batch;
      while ((batch = stream.tick()).isPresent()) {
        BigIntVector v = (BigIntVector) batch.get().getVector(0);
        for (int i = 0; i < batch.get().getRowCount(); i++) {
          values.add(v.get(i));
        }
        turns.add(stream.lastMetadata().get("turn"));
        assertEquals(Map.of("turn", stream.lastMetadata().get("turn")), stream.lastMetadata());
      }
    }
    assertEquals(List.of(0L, 0L, 1L, 100L, 2L, 200L), values);
    assertEquals(List.of("0", "1", "2"), turns);
  }

  @Test
  void batchProducerCancelAndClose() {
    BatchStream open = service.numbers(100);
    assertTrue(open.tick().isPresent());
    open.close();
    assertEquals(0, service.cancels(), "closing a batch stream does not cancel it");
    BatchStream cancelled = service.numbers(100);
    assertTrue(cancelled.tick().isPresent());
    cancelled.cancel();
    assertEquals(1, service.cancels());
    assertEquals(Optional.empty(), cancelled.tick());
  }

  @Test
  void batchExchangeWidensInputAndRefusesOtherColumns() {
    try (BatchStream stream = service.scale(2.5);
        VectorSchemaRoot ints = VectorSchemaRoot.create(
            new Schema(List.of(Field.nullable("value", new ArrowType.Int(32, true)))), harness.clientAllocator())) {
      IntVector v = (IntVector) ints.getVector(0);
      v.allocateNew(2);
      v.set(0, 2);
      v.set(1, 4);
      ints.setRowCount(2);
      VectorSchemaRoot out = stream.exchange(ints);
      assertEquals(5.0, ((Float8Vector) out.getVector(0)).get(0));
      assertEquals(10.0, ((Float8Vector) out.getVector(0)).get(1));
      assertEquals(Map.of(), stream.lastMetadata(), "the cursor is not application metadata");
      VectorSchemaRoot again = stream.exchange(ints);
      assertEquals(2, again.getRowCount());
    }
    BatchStream stream = service.scale(1);
    try (VectorSchemaRoot wrong = VectorSchemaRoot.create(
        new Schema(List.of(Field.nullable("other", ArrowType.Utf8.INSTANCE))), harness.clientAllocator())) {
      ((VarCharVector) wrong.getVector(0)).allocateNew(1);
      wrong.setRowCount(0);
      RpcException e = assertThrows(RpcException.class, () -> stream.exchange(wrong));
      assertEquals("TypeError", e.errorType());
      assertTrue(e.errorMessage().contains("Input schema mismatch"), e.errorMessage());
    }
    stream.close();
  }

  @Test
  void describeOverHttp() {
    ServiceDescription d = harness.client().describe();
    assertEquals("HttpStreams", d.protocol());
    assertEquals("1.0.0", d.protocolVersion());
    assertEquals("stream", d.method("count").orElseThrow().methodType());
    assertTrue(d.method("counted").orElseThrow().headerSchema().isPresent());
    assertEquals(64, d.protocolHash().length());
  }
}
