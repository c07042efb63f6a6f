package dev.arrowrpc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures the bytes one workload allocates per call in steady state, thread by thread: over the
 * in-process pipe the client thread and the server's connection thread apart, over the subprocess
 * pipe the client thread. It warms up long enough for the JIT to settle (a quick run's allocation
 * column still includes part of the warm-up's), then measures three rounds, printing one line each.
 *
 * <p>Usage: {@code AllocationProbe [WORKLOAD [WARM_CALLS [CALLS [in-process|subprocess]]]]}, by
 * default {@code noop 100000 100000 in-process}. It uses only the harness's public workload and
 * transport classes, so it also runs against an older build when compiled against that build's
 * {@code benchmarks/target/classes} (see {@code benchmarks/results/engine-12.md}).
 */
public final class AllocationProbe {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocationProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the workload id, warm-up calls, measured calls per round and transport
   * @throws Exception when the workload fails
   */
  public static void main(String[] args) throws Exception {
    String workload = args.length > 0 ? args[0] : "noop";
    int warm = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    BenchTransport transport = args.length > 3 && args[3].equals("subprocess")
        ? new SubprocessPipeTransport() : new InProcessPipeTransport();
    try (Connection connection = transport.open(Targets.bench())) {
      Workload.Prepared prepared = Workloads.select(workload).get(0).ours().prepare(connection);
      try {
        for (int i = 0; i < warm; i++) {
          prepared.op().run();
        }
        for (int round = 1; round <= 3; round++) {
          Map<Long, Long> before = allocatedByThread();
          long start = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            prepared.op().run();
          }
          long elapsed = System.nanoTime() - start;
          System.out.println(line(round, workload, transport, calls, elapsed, before, allocatedByThread()));
        }
      } finally {
        prepared.cleanup().close();
      }
    }
    System.exit(0);  // worker threads of the transports may linger
  }

  private static Map<Long, Long> allocatedByThread() {
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    Map<Long, Long> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      out.put(ids[i], bytes[i]);
    }
    return out;
  }

  private static String line(int round, String workload, BenchTransport transport, int calls, long elapsed,
      Map<Long, Long> before, Map<Long, Long> after) {
    Map<String, Long> byName = new TreeMap<>();
    long total = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      ThreadInfo info = THREADS.getThreadInfo(e.getKey());
      if (delta <= 0 || info == null) {
        continue;
      }
      byName.merge(info.getThreadName(), delta, Long::sum);
      total += delta;
    }
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "round %d: %s over %s: %.2f us/call, %.0f B/call in all", round, workload, transport.name(),
        elapsed / 1e3 / calls, (double) total / calls));
    for (Map.Entry<String, Long> e : byName.entrySet()) {
      if (e.getValue() >= calls) {  // threads that allocated at least a byte per call
        line.append(String.format(Locale.ROOT, "; %s %.0f", e.getKey(), (double) e.getValue() / calls));
      }
    }
    return line.toString();
  }
}
