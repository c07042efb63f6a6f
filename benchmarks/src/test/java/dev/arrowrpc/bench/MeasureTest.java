package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeasureTest {
  private static final Measure.Budget FIVE = new Measure.Budget(0, 2, 0, 5, 5);

  @Test
  void runWarmsUpThenMeasuresTheBudgetedCount() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Measure.Result result = Measure.run(runs::incrementAndGet, FIVE);
    assertEquals(5, result.stats().count());
    assertEquals(7, runs.get());
    assertTrue(result.stats().median() >= 0);
  }

  @Test
  void interleavedRunsEveryOperationEqually() throws Exception {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    AtomicInteger c = new AtomicInteger();
    Measure.Result[] results = Measure.interleaved(
        List.of(a::incrementAndGet, b::incrementAndGet, c::incrementAndGet), FIVE);
    assertEquals(3, results.length);
    for (Measure.Result result : results) {
      assertEquals(5, result.stats().count());
    }
    assertEquals(7, a.get());
    assertEquals(7, b.get());
    assertEquals(7, c.get());
  }

  @Test
  void interleavedCountsAllocationPerOperation() throws Exception {
    Measure.Result[] results = Measure.paired(() -> blackhole(new byte[64 * 1024]), () -> {}, FIVE);
    assertTrue(results[0].threadBytesPerOp() >= 64 * 1024, "allocating op: " + results[0].threadBytesPerOp());
    assertTrue(results[1].threadBytesPerOp() < 1024, "idle op: " + results[1].threadBytesPerOp());
  }

  @Test
  void aFailingOperationFailsTheMeasurement() {
    assertThrows(IOException.class, () -> Measure.run(() -> {
      throw new IOException("boom");
    }, FIVE));
  }

  private static volatile Object sink;

  private static void blackhole(Object value) {
    sink = value;
  }
}
