package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.core.testing.Loopback;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors, logs, cancel, headers and stream edge cases over an in-process channel. */
class BehaviourTest {
  /** Connects a client to a server of the implementation; subclasses use other transports. */
  protected <T> Harness open(Class<T> service, T implementation) throws Exception {
    return new Loopback(service, implementation);
  }

  public record Row(long n) {}

  public record Header(String title, long total) {}

  @RpcService(name = "Behaviour", version = "1.2.0")
  public interface Service {
    String echo(String s);

    void raise(String kind);

    long logged(long count);

    Producer<Row> count(long n);

    @StreamHeader(Header.class)
    Producer<Row> counted(long n);

    Producer<Row> failAt(long n);

    Producer<Row> failInit(String why);

    @StreamHeader(Header.class)
    Producer<Row> failInitWithHeader(String why);

    Producer<Row> silent();

    Exchange<Row, Row> doubler();

    @StreamHeader(Header.class)
    Exchange<Row, Row> doublerWithHeader(String title);

    long cancels();
  }

  public static final class Impl implements Service {
    final AtomicInteger cancels = new AtomicInteger();

    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public void raise(String kind) {
      switch (kind) {
        case "value" -> throw new IllegalArgumentException("bad value");
        case "runtime" -> throw new IllegalStateException("bad state");
        case "type" -> throw new ClassCastException("bad type");
        case "custom" -> throw new RpcException("CustomError", "custom message");
        default -> throw new UnsupportedOperationException("nope");
      }
    }

    public long logged(long count, CallContext context) {
      for (long i = 0; i < count; i++) {
        context.log(LogLevel.INFO, "line " + i, java.util.Map.of("index", Long.toString(i)));
      }
      CallContext.current().orElseThrow().log(LogLevel.DEBUG, "via current");
      return count;
    }

    @Override
    public long logged(long count) {
      throw new AssertionError("the CallContext overload must be preferred");
    }

    @Override
    public Producer<Row> count(long n) {
      long[] i = {0};
      return Producer.of(new ProducerState<>() {
        @Override
        public void produce(StreamOutput<Row> out, CallContext context) {
          if (i[0] >= n) {
            out.finish();
            return;
          }
          out.log(LogLevel.INFO, "tick " + i[0]);
          out.emitRow(new Row(i[0]++));
        }

        @Override
        public void onCancel(CallContext context) {
          cancels.incrementAndGet();
        }
      });
    }

    @Override
    public Producer<Row> counted(long n) {
      CallContext.current().orElseThrow().log(LogLevel.INFO, "init log");
      return Producer.of(new Header("rows", n), count(n) instanceof LocalProducer<Row> p ? p.state() : null);
    }

    @Override
    public Producer<Row> failAt(long n) {
      long[] i = {0};
      return Producer.of((out, context) -> {
        if (i[0] == n) {
          throw new IllegalArgumentException("failed at " + n);
        }
        out.emitRow(new Row(i[0]++));
      });
    }

    @Override
    public Producer<Row> failInit(String why) {
      throw new IllegalArgumentException(why);
    }

    @Override
    public Producer<Row> failInitWithHeader(String why) {
      throw new IllegalStateException(why);
    }

    @Override
    public Producer<Row> silent() {
      return Producer.of((out, context) -> { });
    }

    @Override
    public Exchange<Row, Row> doubler() {
      return Exchange.of(new ExchangeState<>() {
        @Override
        public void exchange(List<Row> input, StreamOutput<Row> out, CallContext context) {
          out.emit(input.stream().map(r -> new Row(r.n() * 2)).toList());
        }

        @Override
        public void onCancel(CallContext context) {
          cancels.incrementAndGet();
        }
      });
    }

    @Override
    public Exchange<Row, Row> doublerWithHeader(String title) {
      return Exchange.of(new Header(title, -1), (input, out, context) ->
          out.emit(input.stream().map(r -> new Row(r.n() * 2)).toList()));
    }

    @Override
    public long cancels() {
      return cancels.get();
    }
  }

  private Harness loop;
  private Service service;

  @BeforeEach
  void start() throws Exception {
    loop = open(Service.class, new Impl());
    service = loop.proxy(Service.class);
  }

  @AfterEach
  void stop() throws Exception {
    assertEquals("still usable", service.echo("still usable"), "the connection serves a call after the test");
    assertEquals(0, loop.clientBytes(), "client allocator");
    assertEquals(0, loop.serverBytes(), "server allocator");
    loop.close();
  }

  @Test
  void exceptionsMapToReferenceErrorTypesAndTheWorkerKeepsServing() {
    String[][] cases = {
      {"value", "ValueError", "bad value"},
      {"runtime", "RuntimeError", "bad state"},
      {"type", "TypeError", "bad type"},
      {"custom", "CustomError", "custom message"},
      {"other", "NotImplementedError", "nope"},
    };
    for (String[] c : cases) {
      RpcException e = assertThrows(RpcException.class, () -> service.raise(c[0]));
      assertEquals(c[1], e.errorType());
      assertEquals(c[2], e.errorMessage());
      assertEquals(c[1] + ": " + c[2], e.getMessage());
      assertTrue(e.remoteTraceback().contains("Impl.raise"), e.remoteTraceback());
      assertEquals(16, e.requestId().length());
      assertEquals("x", service.echo("x"));
    }
  }

  @Test
  void logsArriveInOrderBeforeTheResultWithExtras() {
    assertEquals(3, service.logged(3));
    List<LogMessage> logs = loop.logs();
    assertEquals(4, logs.size(), logs.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(new LogMessage(LogLevel.INFO, "line " + i, java.util.Map.of("index", Integer.toString(i))), logs.get(i));
    }
    assertEquals(LogMessage.of(LogLevel.DEBUG, "via current"), logs.get(3));
  }

  @Test
  void producerRunsToCompletionWithPerTurnLogs() {
    List<Long> seen = new ArrayList<>();
    try (Producer<Row> rows = service.count(4)) {
      rows.forEach(r -> seen.add(r.n()));
    }
    assertEquals(List.of(0L, 1L, 2L, 3L), seen);
    assertEquals(List.of("tick 0", "tick 1", "tick 2", "tick 3"),
        loop.logs().stream().map(LogMessage::message).toList());
    assertEquals(0, service.cancels(), "a finished stream is not cancelled on close");
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
      assertEquals(List.of("init log"), loop.logs().stream().map(LogMessage::message).toList());
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
  void errorMidStreamReachesTheClientAndEndsTheStream() {
    Producer<Row> rows = service.failAt(2);
    Iterator<Row> it = rows.iterator();
    assertEquals(0, it.next().n());
    assertEquals(1, it.next().n());
    RpcException e = assertThrows(RpcException.class, it::next);
    assertEquals("ValueError", e.errorType());
    assertEquals("failed at 2", e.errorMessage());
    rows.close();
  }

  @Test
  void initErrorWithoutHeaderSurfacesOnFirstTick() {
    Producer<Row> rows = service.failInit("no start");
    RpcException e = assertThrows(RpcException.class, () -> rows.iterator().hasNext());
    assertEquals("ValueError", e.errorType());
    assertEquals("no start", e.errorMessage());
    rows.close();
  }

  @Test
  void initErrorWithHeaderSurfacesAtTheCall() {
    RpcException e = assertThrows(RpcException.class, () -> service.failInitWithHeader("no header"));
    assertEquals("RuntimeError", e.errorType());
  }

  @Test
  void initErrorOfAStreamClosedWithoutTicking() {
    Producer<Row> rows = service.failInit("quiet");
    rows.close();
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
  void exchangeIsLockstepAndClosesCleanly() {
    try (Exchange<Row, Row> ex = service.doubler()) {
      assertEquals(List.of(new Row(2), new Row(4)), ex.exchange(List.of(new Row(1), new Row(2))));
      assertEquals(List.of(), ex.exchange(List.of()));
      assertEquals(new Row(10), ex.exchangeOne(new Row(5)));
    }
    assertEquals(0, service.cancels());
  }

  @Test
  void exchangeOpenedAndClosedWithoutExchanging() {
    service.doubler().close();
  }

  @Test
  void exchangeCancel() {
    Exchange<Row, Row> ex = service.doubler();
    assertEquals(new Row(2), ex.exchangeOne(new Row(1)));
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
  void aSecondCallWhileAStreamIsOpenIsRefused() {
    try (Producer<Row> rows = service.count(3)) {
      RpcException e = assertThrows(RpcException.class, () -> service.echo("busy"));
      assertEquals("ProtocolError", e.errorType());
      assertTrue(rows.iterator().hasNext());
    }
  }
}
