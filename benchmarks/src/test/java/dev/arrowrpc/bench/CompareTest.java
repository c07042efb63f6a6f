package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompareTest {
  private static final String REPORT = String.join("\n",
      "## Targets (issue 6)",
      "",
      "| regime | workload | transport | RPC median |",
      "|---|---|---|---:|",
      "| none | noop() vs 1-byte ping-pong | subprocess pipe | 50.5 µs |",
      "",
      "## arrow-rpc, one table per workload",
      "",
      "### noop()",
      "",
      "| transport | median | p99 | allocated per call | vs raw 1-byte ping-pong |",
      "|---|---:|---:|---:|---:|",
      "| in-process pipe | %s | 96.8 µs | 10.5 KiB (client + server) | — |",
      "| subprocess pipe | 32.4 µs | 85.2 µs | 3360 B (client) | 2.73x (raw 11.9 µs) |",
      "| unix socket | not run in quick mode | | | |",
      "",
      "### echo 1M rows",
      "",
      "| transport | median time | throughput | rows/s | of raw copy throughput (same bytes) |",
      "|---|---:|---:|---:|---:|",
      "| subprocess pipe | %s | 1000 MB/s | 20 M | 80%% |",
      "",
      "## How to read these tables",
      "");

  @Test
  void readsTheMedianAndAllocationOfEveryMeasuredRow() {
    Map<String, Compare.Cell> cells = Compare.parse(String.format(REPORT, "29.3 µs", "55.7 ms"));
    assertEquals(List.of("noop() | in-process pipe", "noop() | subprocess pipe", "echo 1M rows | subprocess pipe"),
        List.copyOf(cells.keySet()));
    assertEquals(new Compare.Cell(29_300, Optional.of(10.5 * 1024), Optional.empty()),
        cells.get("noop() | in-process pipe"));
    Compare.Cell subprocess = cells.get("noop() | subprocess pipe");
    assertEquals(32_400, subprocess.medianNanos());
    assertEquals(Optional.of(3360.0), subprocess.bytesPerCall());
    assertEquals(32.4 / 11.9, subprocess.overRaw().orElseThrow(), 1e-9, "the call's median over the raw ping-pong's");
    assertEquals(new Compare.Cell(55_700_000, Optional.empty(), Optional.of(100 / 80.0)),
        cells.get("echo 1M rows | subprocess pipe"), "the echo's time over the raw copy's");
  }

  @Test
  void ratiosArePairedByRound() {
    Map<String, Compare.Cell> a1 = Compare.parse(String.format(REPORT, "20.0 µs", "50.0 ms"));
    Map<String, Compare.Cell> b1 = Compare.parse(String.format(REPORT, "30.0 µs", "50.0 ms"));
    Map<String, Compare.Cell> a2 = Compare.parse(String.format(REPORT, "40.0 µs", "100.0 ms"));
    Map<String, Compare.Cell> b2 = Compare.parse(String.format(REPORT, "40.0 µs", "50.0 ms"));
    String table = Compare.table("base", "branch", List.of(a1, a2), List.of(b1, b2));
    // noop in-process: ratios 1.5 and 1.0, the build medians 30 and 35 us
    assertTrue(table.contains("| noop() | in-process pipe | 30.0 µs | 35.0 µs | 1.25 | 1.00–1.50 | — | — | 10.5 KiB | 10.5 KiB |"),
        table);
    assertTrue(table.contains("| echo 1M rows | subprocess pipe | 75.0 ms | 50.0 ms | 0.75 | 0.50–1.00 | 1.00 | 1.00–1.00 | — | — |"),
        table);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Compare.median(new double[] {4, 1, 3, 2}));
    assertEquals(3.0, Compare.median(new double[] {5, 1, 3}));
  }
}
