package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.bench.charts.SvgCharts;
import dev.arrowrpc.transport.pipe.ShmSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-17 rows: the report's verdicts and table from made-up measurements, the memory-copy
 * baseline, and the check that an echo went through the shared-memory segment.
 */
class ShmPoolBenchTest {
  private static final String ONE_CPU = "same CPU (client and worker on CPU 0)";
  private static final String CROSS = "cross CPU (client on CPU 0, worker on CPU 1)";

  private static Outcome measured(long medianNanos) {
    return Outcome.of(new Measure.Result(new Stats(50, medianNanos / 2, medianNanos, medianNanos * 2,
        medianNanos * 3, medianNanos), 0, Double.NaN));
  }

  private static List<Workload> workloads() {
    Workload.Setup none = c -> Workload.Prepared.of(() -> {});
    return List.of(
        new Workload("noop", "noop()", Workload.Size.LATENCY, 0, 0, none, Optional.empty(), ""),
        new Workload(ShmPoolBench.ECHO_WORKLOAD, "echo 1M rows (int64, float64, utf8) on an open BatchStream exchange",
            Workload.Size.LARGE, 54_000_000, 1_000_000, none, Optional.empty(), ""));
  }

  private static Report report(Results results) {
    return new Report(Machine.describe(true), workloads(), List.of(new SubprocessPipeTransport()), List.of(), results);
  }

  private static String line(String text, String start) {
    return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with " + start + " in\n" + text));
  }

  @Test
  void eachTargetIsJudgedFromTheInterleavedMedians(@TempDir Path dir) throws Exception {
    Results results = new Results();
    results.issue17.put(ShmPoolBench.SHM_ECHO, measured(20_000_000));
    results.issue17.put(ShmPoolBench.PIPE_ECHO, measured(70_000_000));
    results.issue17.put(ShmPoolBench.MEMCPY, measured(9_000_000));
    results.poolRegimes.addAll(List.of(ONE_CPU, CROSS));
    results.issue17.put(ShmPoolBench.poolId(ONE_CPU), measured(5_500));
    results.issue17.put(ShmPoolBench.dedicatedId(ONE_CPU), measured(5_000));
    results.issue17.put(ShmPoolBench.poolId(CROSS), measured(65_000));
    results.issue17.put(ShmPoolBench.dedicatedId(CROSS), measured(50_000));
    // and the pipe's own rows, which the charts draw
    results.putOurs("subprocess pipe", "noop", measured(12_000));
    results.putOursRaw("subprocess pipe", "noop", measured(4_000));
    results.putOurs("subprocess pipe", ShmPoolBench.ECHO_WORKLOAD, measured(40_000_000));
    results.putOursRaw("subprocess pipe", ShmPoolBench.ECHO_WORKLOAD, measured(20_000_000));
    Report report = report(results);
    String targets = report.targets();

    assertEquals("| 1M-row echo over shared memory (BatchStream exchange) ≥ 3x the same echo over the subprocess "
        + "pipe | 3.50x (2700 MB/s vs 771 MB/s, interleaved) | MET |",
        line(targets, "| 1M-row echo over shared memory (BatchStream"));
    assertEquals("| 1M-row echo over shared memory ≥ 50% of a memory copy of the same bytes | 45% (2700 MB/s vs "
        + "copy 6000 MB/s, interleaved) | MISSED by 5 points |", line(targets, "| 1M-row echo over shared memory ≥"));
    assertEquals("| noop() through a WorkerPool proxy ≤ 1.2x noop() on a dedicated worker (same command) [" + ONE_CPU
        + "] | 1.10x (5.5 µs vs 5.0 µs, interleaved) | MET |", line(targets, "| noop() through a WorkerPool proxy ≤ 1.2x"
        + " noop() on a dedicated worker (same command) [same"));
    assertEquals("| noop() through a WorkerPool proxy ≤ 1.2x noop() on a dedicated worker (same command) [" + CROSS
        + "] | 1.30x (65.0 µs vs 50.0 µs, interleaved) | MISSED (8% over the 1.2x limit) |",
        line(targets, "| noop() through a WorkerPool proxy ≤ 1.2x noop() on a dedicated worker (same command) [cross"));

    String markdown = report.markdown();
    assertTrue(markdown.contains("## Shared memory and worker pool (issue 17), same run"), "the section");
    assertEquals("| echo 1M rows over shared memory (BatchStream exchange) | 20.0 ms | 40.0 ms | 2700 MB/s | — |",
        line(markdown, "| echo 1M rows over shared memory"));
    assertEquals("| the same echo over the subprocess pipe | 70.0 ms | 140.0 ms | 771 MB/s | shared memory 3.50x "
        + "the pipe's throughput |", line(markdown, "| the same echo over"));
    assertEquals("| memory copy of the same bytes, out and back (direct ByteBuffer.put) | 9000 µs | 18.0 ms | "
        + "6000 MB/s | shared memory at 45% of the copy's |", line(markdown, "| memory copy"));
    assertEquals("| noop() through a WorkerPool proxy [" + CROSS + "] | 65.0 µs | 130 µs | — | 1.30x the dedicated "
        + "call |", line(markdown, "| noop() through a WorkerPool proxy [cross"));
    assertEquals("| noop() on a dedicated Subprocess client [" + ONE_CPU + "] | 5.0 µs | 10.0 µs | — | — |",
        line(markdown, "| noop() on a dedicated Subprocess client [same"));

    // the charts still read the report, and draw none of the section's rows

    Path file = dir.resolve("run.md");
    Files.writeString(file, markdown, StandardCharsets.UTF_8);
    assertEquals(List.of("run-latency.svg", "run-throughput.svg"),
        SvgCharts.renderBeside(file).stream().map(p -> p.getFileName().toString()).toList());
    String throughput = Files.readString(dir.resolve("run-throughput.svg"), StandardCharsets.UTF_8);
    assertTrue(throughput.contains("subprocess pipe, 1M rows BatchStream: 50%"), throughput);
    assertTrue(!throughput.contains("shared memory"), "a shared-memory row in the throughput chart");
  }

  @Test
  void theLaunchersWarmPathIsJudgedFromItsMedian() {
    Results results = new Results();
    results.issue17.put(ShmPoolBench.WARM_PATH, measured(4_200_000));
    Report fast = report(results);
    assertEquals("| worker start to first answer through the launcher's warm path (connect + noop()) ≤ 20 ms | "
        + "4200 µs median (p99 8400 µs) | MET |", line(fast.targets(), "| worker start to first answer"));
    assertEquals("| connect through the WorkerLauncher to its warm worker, first noop() answer | 4200 µs | 8400 µs "
        + "| — | — |", line(fast.markdown(), "| connect through the WorkerLauncher"));
    results.issue17.put(ShmPoolBench.WARM_PATH, measured(25_000_000));
    assertEquals("| worker start to first answer through the launcher's warm path (connect + noop()) ≤ 20 ms | "
        + "25.0 ms median (p99 50.0 ms) | MISSED (25% over the limit) |",
        line(report(results).targets(), "| worker start to first answer"));
  }

  @Test
  void aFailedComparisonIsUnknownAndCountsAsThisProjectsFailure() {
    Results results = new Results();
    IOException declined = new IOException("the worker declined the shared-memory segment");
    for (String id : List.of(ShmPoolBench.SHM_ECHO, ShmPoolBench.PIPE_ECHO, ShmPoolBench.MEMCPY)) {
      results.issue17.put(id, Outcome.failure(declined));
    }
    String targets = report(results).targets();
    assertEquals("| 1M-row echo over shared memory ≥ 50% of a memory copy of the same bytes | error: IOException: "
        + "the worker declined the shared-memory segment | UNKNOWN |", line(targets, "| 1M-row echo over shared memory ≥"));
    assertEquals(3, results.ourFailures());
    // nothing about the pool when it was not run
    assertTrue(!targets.contains("WorkerPool"), targets);
  }

  @Test
  void theMemoryCopyMovesTheBytesOutAndBack() {
    byte[] content = new byte[100_003];
    new java.util.Random(17).nextBytes(content);
    Baselines.MemoryCopy copy = new Baselines.MemoryCopy(content);
    assertEquals(200_006, copy.bytesPerOp());
    copy.run();
    copy.run();
    assertArrayEquals(content, bytes(copy.copy()));
    assertArrayEquals(content, bytes(copy.origin()));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void theSegmentCheckTellsAnEchoThroughTheSegmentFromAnInlineOne() throws Exception {
    try (ShmSegment segment = ShmSegment.create(ShmSegment.HEADER_SIZE + 4096)) {
      ByteBuffer first = segment.region(ShmSegment.HEADER_SIZE, 8);
      first.putLong(0, 42);
      IOException inline = assertThrows(IOException.class, () -> ShmPoolBench.checkThroughSegment(segment, () -> {}));
      assertTrue(inline.getMessage().startsWith("the echo did not go through the shared-memory segment"),
          inline.getMessage());
      assertEquals(0, first.getLong(0), "the check zeroes the region's first bytes");

      // an echo whose batch is written at the first region (an IPC message starts with 0xFFFFFFFF)
      ShmPoolBench.checkThroughSegment(segment, () -> segment.region(ShmSegment.HEADER_SIZE, 4).putInt(0, -1));
      assertEquals(-1, first.getInt(0));
    }
  }
}
