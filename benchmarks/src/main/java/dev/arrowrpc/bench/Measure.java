package dev.arrowrpc.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The harness: warms an operation up, then times each run of it with {@link System#nanoTime()}
 * and counts the bytes the calling thread (and, for in-process transports, every thread) allocates.
 */
public final class Measure {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Measure() {}

  /** One operation: a call, a whole stream, a bulk copy. */
  @FunctionalInterface
  public interface Op {
    /**
     * Runs the operation once.
     *
     * @throws Exception when it fails (the measurement is abandoned)
     */
    void run() throws Exception;
  }

  /**
   * How long to warm up and to measure.
   *
   * @param warmSeconds warm-up time (at least {@code warmOps} runs)
   * @param warmOps the fewest warm-up runs
   * @param measureSeconds measuring time (at least {@code minOps}, at most {@code maxOps} runs)
   * @param minOps the fewest measured runs
   * @param maxOps the most measured runs
   */
  public record Budget(double warmSeconds, int warmOps, double measureSeconds, int minOps, int maxOps) {}

  /**
   * A measurement.
   *
   * @param stats the per-run durations
   * @param threadBytesPerOp bytes allocated per run by the measuring thread
   * @param jvmBytesPerOp bytes allocated per run by all threads of this JVM
   */
  public record Result(Stats stats, double threadBytesPerOp, double jvmBytesPerOp) {}

  /**
   * Warms up, then measures.
   *
   * @param op the operation
   * @param budget the time budget
   * @return the measurement
   * @throws Exception when the operation fails
   */
  public static Result run(Op op, Budget budget) throws Exception {
    warmUp(op, budget);
    long[] samples = new long[budget.maxOps()];
    int n = 0;
    long threadBefore = THREADS.getCurrentThreadAllocatedBytes();
    long jvmBefore = jvmAllocated();
    long end = System.nanoTime() + (long) (budget.measureSeconds() * 1e9);
    long now = System.nanoTime();
    while (n < budget.maxOps() && (n < budget.minOps() || now < end)) {
      long start = now;
      op.run();
      now = System.nanoTime();
      samples[n++] = now - start;
    }
    long threadBytes = THREADS.getCurrentThreadAllocatedBytes() - threadBefore;
    long jvmBytes = jvmAllocated() - jvmBefore;
    return new Result(Stats.of(samples, n), (double) threadBytes / n, (double) jvmBytes / n);
  }

  /**
   * Measures two operations interleaved (see {@link #interleaved}).
   *
   * @param a the first operation
   * @param b the second operation
   * @param budget the budget, shared by both
   * @return the measurements of {@code a} and {@code b}
   * @throws Exception when an operation fails
   */
  public static Result[] paired(Op a, Op b, Budget budget) throws Exception {
    return interleaved(List.of(a, b), budget);
  }

  /**
   * Measures operations interleaved, one run of each in turn (rotating which goes first), so all
   * see the same machine load and CPU wake-up regime: the fair way to take a ratio on a machine
   * whose latency moves with its load. Allocation is counted per operation on the calling thread.
   *
   * @param ops the operations
   * @param budget the budget, shared by all
   * @return one measurement per operation, in order
   * @throws Exception when an operation fails
   */
  public static Result[] interleaved(List<Op> ops, Budget budget) throws Exception {
    int k = ops.size();
    warmUp(() -> {
      for (Op op : ops) {
        op.run();
      }
    }, budget);
    long[][] samples = new long[k][budget.maxOps()];
    long[] allocated = new long[k];
    int n = 0;
    long end = System.nanoTime() + (long) (budget.measureSeconds() * 1e9);
    while (n < budget.maxOps() && (n < budget.minOps() || System.nanoTime() < end)) {
      for (int j = 0; j < k; j++) {
        int i = (j + n) % k;
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        ops.get(i).run();
        samples[i][n] = System.nanoTime() - start;
        allocated[i] += THREADS.getCurrentThreadAllocatedBytes() - bytes;
      }
      n++;
    }
    Result[] results = new Result[k];
    for (int i = 0; i < k; i++) {
      results[i] = new Result(Stats.of(samples[i], n), (double) allocated[i] / n, Double.NaN);
    }
    return results;
  }

  /**
   * Runs an operation for the warm-up time, and on until it has run {@code warmOps} times, but
   * never past four times the warm-up time (slow operations get fewer runs). With no warm-up time,
   * exactly {@code warmOps} runs.
   */
  private static void warmUp(Op op, Budget budget) throws Exception {
    long start = System.nanoTime();
    long warm = (long) (budget.warmSeconds() * 1e9);
    long cap = warm > 0 ? 4 * warm : Long.MAX_VALUE;  // no warm-up time: count only
    long elapsed = 0;
    for (int i = 0; elapsed < warm || (i < budget.warmOps() && elapsed < cap); i++) {
      op.run();
      elapsed = System.nanoTime() - start;
    }
  }

  private static long timed(Op op) throws Exception {
    long start = System.nanoTime();
    op.run();
    return System.nanoTime() - start;
  }

  private static long jvmAllocated() {
    long[] ids = THREADS.getAllThreadIds();
    long total = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
      if (bytes > 0) {
        total += bytes;
      }
    }
    return total;
  }
}
