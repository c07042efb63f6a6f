package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The calculator through its typed proxy over Flight DoExchange: every method kind, errors, logs. */
class FlightExchangeTest {
  private FlightHarness harness;
  private FlightCalc calc;

  @BeforeEach
  void start() {
    harness = new FlightHarness(FlightCalc.class, new FlightCalc.Impl());
    calc = harness.proxy(FlightCalc.class);
  }

  @AfterEach
  void stop() throws Exception {
    assertEquals(0, harness.clientBytes(), "client memory");
    assertEquals(0, harness.awaitServerBytes(), "server memory");
    harness.close();
  }

  @Test
  void unaryCallsAndTheServerLogReachOnLog() {
    assertEquals(6.5, calc.add(2.5, 4));
    assertEquals(3.0, calc.add(1, 2));
    assertTrue(harness.logs().stream().anyMatch(log -> log.message().equals("adding 2.5 and 4.0")),
        harness.logs().toString());
  }

  @Test
  void producerIteratesToItsEnd() {
    List<Long> squares = new ArrayList<>();
    try (Producer<FlightCalc.Tick> ticks = calc.ticks(5)) {
      for (FlightCalc.Tick tick : ticks) {
        squares.add(tick.square());
      }
    }
    assertEquals(List.of(0L, 1L, 4L, 9L, 16L), squares);
    assertEquals(7.0, calc.add(3, 4), "the next call after a stream");
  }

  @Test
  void producerClosedEarlyReleasesTheServer() throws Exception {
    try (Producer<FlightCalc.Tick> ticks = calc.ticks(1_000_000)) {
      Iterator<FlightCalc.Tick> it = ticks.iterator();
      assertEquals(0, it.next().index());
      assertEquals(1, it.next().index());
      assertEquals(1, harness.openExchanges(), "the stream's DoExchange is open while it runs");
    }
    assertEquals(0, harness.awaitNoOpenExchange(), "closing the producer ends its DoExchange");
    assertEquals(0, harness.awaitServerBytes());
    assertEquals(1.0, calc.add(0.5, 0.5));
  }

  @Test
  void producerCancelledEndsItsDoExchange() throws Exception {
    try (Producer<FlightCalc.Tick> ticks = calc.ticks(1_000_000)) {
      assertEquals(0, ticks.iterator().next().index());
      ticks.cancel();
      assertEquals(0, harness.awaitNoOpenExchange(), "cancel ends the DoExchange");
    }
    assertEquals(0, harness.awaitServerBytes());
    assertEquals(2.0, calc.add(1, 1));
  }

  @Test
  void exchangeRunsTwoTurns() {
    try (Exchange<FlightCalc.Sample, FlightCalc.Scaled> scale = calc.scale(10)) {
      assertEquals(15.0, scale.exchangeOne(new FlightCalc.Sample(1.5)).scaled());
      List<FlightCalc.Scaled> out = scale.exchange(List.of(new FlightCalc.Sample(2), new FlightCalc.Sample(3)));
      assertEquals(List.of(20.0, 30.0), out.stream().map(FlightCalc.Scaled::scaled).toList());
    }
  }

  @Test
  void methodErrorArrivesTyped() {
    RpcException e = assertThrows(RpcException.class, () -> calc.divide(1, 0));
    assertEquals("division by zero", e.errorMessage());
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
    assertFalse(e.errorType().isEmpty());
    assertEquals(0.5, calc.divide(1, 2), "the client is usable after an error");
  }

  @Test
  void everyCallIsOneDoExchange() throws Exception {
    calc.add(1, 1);
    try (Producer<FlightCalc.Tick> ticks = calc.ticks(2)) {
      ticks.forEach(t -> { });
    }
    try (Exchange<FlightCalc.Sample, FlightCalc.Scaled> scale = calc.scale(2)) {
      scale.exchangeOne(new FlightCalc.Sample(1));
    }
    assertThrows(RpcException.class, () -> calc.divide(1, 0));
    calc.add(2, 2);
    assertEquals(5, harness.exchanges());
    assertEquals(0, harness.awaitNoOpenExchange(), "no DoExchange outlives its call");
  }

  @Test
  void closingTheClientMidStreamCancelsTheCall() throws Exception {
    Producer<FlightCalc.Tick> ticks = calc.ticks(1_000_000);
    assertEquals(0, ticks.iterator().next().index());
    long start = System.nanoTime();
    harness.client().close();
    long closing = System.nanoTime() - start;
    assertEquals(0, harness.awaitServerBytes());
    long released = System.nanoTime() - start;
    assertEquals(0, harness.awaitNoOpenExchange(), "the cancelled DoExchange ended on the server");
    ticks.close(); // the client side of the stream lets go of its memory too
    assertTrue(released < 2_000_000_000L, "close took " + closing / 1_000_000 + " ms, release "
        + released / 1_000_000 + " ms");
  }
}
