package dev.arrowrpc.bench.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReportFileTest {
  private static final String REPORT = String.join("\n",
      "# arrow-rpc benchmark results",
      "",
      "- Date: 2026-11-22T04:35:53.679017676Z",
      "- Commit: 0123456789ab",
      "- JDK: OpenJDK 17",
      "",
      "## arrow-rpc, one table per workload",
      "",
      "### noop()",
      "",
      "| transport | median | vs raw 1-byte ping-pong |",
      "|---|---:|---:|",
      "| in-process pipe | 66.0 µs | — |",
      "| subprocess pipe | 3116 µs | 17x (raw 3.5 µs) |",
      "| flight | not yet available (module rpc-transport-flight is not started) | |",
      "## Peers: the same conformance methods",
      "",
      "Ratios are ... CPU placement: same CPU (client and worker on CPU 0).",
      "",
      "| transport | a ÷ Java |",
      "|---|---:|",
      "| http | 0.98x |");

  @Test
  void readsTheHeaderTheTablesAndTheirHeadings() {
    ReportFile report = ReportFile.parse(REPORT);
    assertEquals("2026-11-22T04:35:53.679017676Z", report.headerValue("Date").orElseThrow());
    assertEquals("0123456789ab", report.headerValue("Commit").orElseThrow());
    assertTrue(report.headerValue("CPU").isEmpty());
    assertEquals(2, report.tables().size());

    ReportFile.Table noop = report.tables().get(0);
    assertEquals("arrow-rpc, one table per workload", noop.section());
    assertEquals("noop()", noop.title());
    assertEquals(List.of("transport", "median", "vs raw 1-byte ping-pong"), noop.columns());
    assertEquals(3, noop.rows().size());
    assertEquals(List.of("flight", "not yet available (module rpc-transport-flight is not started)", ""),
        noop.rows().get(2));
    assertEquals(2, noop.column("vs raw 1-byte ping-pong"::equals).orElseThrow());

    ReportFile.Table peers = report.tables().get(1);
    assertEquals("", peers.title());
    assertEquals(List.of("Ratios are ... CPU placement: same CPU (client and worker on CPU 0)."),
        report.prose().get(peers.section()));
  }

  @Test
  void readsTheCellsAsTheReportFormatsThem() {
    assertEquals(57_900, ReportFile.nanos("57.9 µs").getAsDouble(), 1e-6);
    assertEquals(3_116_000, ReportFile.nanos("3116 µs").getAsDouble(), 1e-6);
    assertEquals(16_800_000, ReportFile.nanos("16.8 ms").getAsDouble(), 1e-6);
    assertEquals(1.2e9, ReportFile.nanos("1.20 s").getAsDouble(), 1e-3);
    assertEquals(OptionalDouble.empty(), ReportFile.nanos("—"));
    assertEquals(OptionalDouble.empty(), ReportFile.nanos("error: RpcException: 12 ms"));
    assertEquals(3_500, ReportFile.rawNanos("17x (raw 3.5 µs)").getAsDouble(), 1e-6);
    assertEquals(OptionalDouble.empty(), ReportFile.rawNanos("—"));
    assertEquals(7.24, ReportFile.ratio("7.24x faster").getAsDouble(), 1e-9);
    assertEquals(0.98, ReportFile.ratio("0.98x slower").getAsDouble(), 1e-9);
    assertEquals(18, ReportFile.ratio("18x").getAsDouble(), 1e-9);
    assertEquals(OptionalDouble.empty(), ReportFile.ratio("—"));
    assertEquals(0.15, ReportFile.fraction("15%").getAsDouble(), 1e-9);
    assertEquals(OptionalDouble.empty(), ReportFile.fraction("not run"));
  }
}
