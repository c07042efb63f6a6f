package dev.arrowrpc.bench;

import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.pipe.PipePair;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-call cost row of issue 16: in-process calls (the in-process pipe, client and server
 * threads in this JVM) of a no-op, a small call ({@code int -> int}) and a call with ten parameters
 * of ten types, each through reflection and through the generated class ({@code
 * CallCostService_ArrowRpcInvoker}, written by rpc-codegen's annotation processor when this module
 * compiles), interleaved round by round so both paths see the same machine. The reflection path
 * serves and calls the same protocol through a local twin interface: annotation processors do not
 * see local classes, so it has no generated class and the runtime reflects over it.
 * For each it prints the median time per call and the bytes allocated per call on the client thread
 * and on the server's connection thread ({@code ThreadMXBean#getThreadAllocatedBytes}), with ratios
 * against the no-op of the same path and of the generated path against reflection. It asserts no
 * timing.
 *
 * <p>Usage: {@code CallCost [WARM_CALLS [CALLS_PER_ROUND [ROUNDS [OUT.md]]]]}, by default {@code
 * 20000 5000 7}; {@code benchmarks/run.sh --call-cost} runs it with the benchmark's JVM flags.
 */
public final class CallCost {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final String SERVER_THREAD = "arrowrpc-pipe-server-";

  private CallCost() {}

  /** The ten-parameter call with a label whose length changes from call to call. */
  static final String VARYING = "mixed, label of 1-16 chars in turn";

  /** One call shape on one path. */
  private record Op(String call, String path, Runnable run, List<double[]> samples) {}

  /**
   * Runs the row.
   *
   * @param args warm-up calls, calls per round, rounds, and the report file
   * @throws Exception when a call fails
   */
  public static void main(String[] args) throws Exception {
    int warm = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Path out = Path.of(args.length > 3 ? args[3] : "benchmarks/target/call-cost.md");
    /** The same protocol with no generated class (the processor never sees a local interface). */
    @RpcService(name = "CallCostService", version = "1.0.0")
    interface Reflected extends CallCostService {}
    /** The implementation, serving the twin. */
    final class ReflectedImpl extends CallCostService.Impl implements Reflected {}
    if (GeneratedInvoker.find(Reflected.class).isPresent()
        || GeneratedInvoker.find(CallCostService.class).isEmpty()) {
      throw new IllegalStateException("the generated class must serve CallCostService and not its twin");
    }
    RpcServer reflectedServer = RpcServer.create(Reflected.class, new ReflectedImpl());
    RpcServer generatedServer = RpcServer.create(CallCostService.class, new CallCostService.Impl());
    PipePair reflectedPipe = PipePair.serve(reflectedServer);
    PipePair generatedPipe = PipePair.serve(generatedServer);
    try (RpcClient reflectedClient = RpcClient.connect(reflectedPipe.client());
        RpcClient generatedClient = RpcClient.connect(generatedPipe.client())) {
      List<Op> ops = new ArrayList<>();
      addOps(ops, "reflection", reflectedClient.proxy(Reflected.class));
      addOps(ops, "generated", generatedClient.proxy(CallCostService.class));
      // -Dcallcost.only=TEXT keeps the rows whose "call@path" holds TEXT (for profiling one row)
      String only = System.getProperty("callcost.only", "");
      ops.removeIf(op -> !(op.call() + "@" + op.path()).contains(only));
      for (Op op : ops) {
        for (int i = 0; i < warm; i++) {
          op.run().run();
        }
      }
      // -Dcallcost.pairsOnly=true: the call-by-call block alone (run.sh runs it again with the
      // pipe's polling off, the hand-off issue 16 was measured with)
      if (Boolean.getBoolean("callcost.pairsOnly")) {
        String pairs = callByCall(find(ops, "noop()", "generated").run(),
            find(ops, "mixed(10 parameters of 10 types)", "generated").run(), PAIR_BLOCKS, calls, false);
        System.out.print(pairs);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, pairs);
        System.exit(0);
      }
      for (int round = 0; round < rounds; round++) {
        for (Op op : ops) {
          op.samples().add(measure(op.run(), calls));
        }
      }
      if (!only.isEmpty()) {
        for (Op op : ops) {
          System.out.printf(Locale.ROOT, "%s %s: %.2f µs CPU/call%n", op.call(), op.path(),
              median(op.samples(), 3) / 1e3);
        }
        System.exit(0);
      }
      String report = report(ops, warm, calls, rounds)
          + callByCall(find(ops, "noop()", "generated").run(),
              find(ops, "mixed(10 parameters of 10 types)", "generated").run(), PAIR_BLOCKS, calls, true);
      System.out.print(report);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report);
    } finally {
      Launcher.closeAll(List.of(reflectedPipe, generatedPipe));
    }
    System.exit(0); // the pipes' threads may linger
  }

  private static void addOps(List<Op> ops, String path, CallCostService service) {
    byte[] blob = new byte[64];
    List<Long> values = List.of(1L, 2L, 3L, 4L);
    Map<String, String> tags = Map.of("k", "v", "team", "bench");
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    ops.add(new Op("noop()", path, service::noop, new ArrayList<>()));
    ops.add(new Op("small(int) -> int", path, () -> check(service.small(41) == 42), new ArrayList<>()));
    long expected = new CallCostService.Impl().mixed(7, 3, 2.5, 0.5f, true, "label", blob, values, tags, at);
    ops.add(new Op("mixed(10 parameters of 10 types)", path,
        () -> check(service.mixed(7, 3, 2.5, 0.5f, true, "label", blob, values, tags, at) == expected),
        new ArrayList<>()));
    // the same call with a label of 1 to 16 characters in turn: every request's header differs from
    // the last (the caches of a repeated header do not serve it)
    String[] labels = new String[16];
    long[] answers = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = "l".repeat(i + 1);
      answers[i] = new CallCostService.Impl().mixed(7, 3, 2.5, 0.5f, true, labels[i], blob, values, tags, at);
    }
    int[] turn = {0};
    ops.add(new Op(VARYING, path, () -> {
      int i = turn[0]++ & (labels.length - 1);
      check(service.mixed(7, 3, 2.5, 0.5f, true, labels[i], blob, values, tags, at) == answers[i]);
    }, new ArrayList<>()));
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("wrong answer");
    }
  }

  /**
   * {@return ns per call, client bytes per call, server bytes per call, CPU ns per call (client and
   * server threads together)}
   */
  private static double[] measure(Runnable op, int calls) {
    long client = Thread.currentThread().getId();
    long[] serverBefore = serverTotals();
    long clientBefore = THREADS.getThreadAllocatedBytes(client);
    long clientCpuBefore = THREADS.getThreadCpuTime(client);
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      op.run();
    }
    long elapsed = System.nanoTime() - start;
    long clientCpu = THREADS.getThreadCpuTime(client) - clientCpuBefore;
    long clientBytes = THREADS.getThreadAllocatedBytes(client) - clientBefore;
    long[] serverAfter = serverTotals();
    long serverBytes = serverAfter[0] - serverBefore[0];
    long serverCpu = serverAfter[1] - serverBefore[1];
    return new double[] {(double) elapsed / calls, (double) clientBytes / calls, (double) serverBytes / calls,
        (double) (clientCpu + serverCpu) / calls};
  }

  /**
   * Bytes allocated and CPU time used so far by every in-process server thread (only the one serving
   * is busy).
   */
  private static long[] serverTotals() {
    long bytes = 0;
    long cpu = 0;
    for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(SERVER_THREAD)) {
        bytes += Math.max(0, THREADS.getThreadAllocatedBytes(info.getThreadId()));
        cpu += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
      }
    }
    return new long[] {bytes, cpu};
  }

  private static double median(List<double[]> samples, int index) {
    double[] values = samples.stream().mapToDouble(s -> s[index]).sorted().toArray();
    return values[values.length / 2];
  }

  private static String report(List<Op> ops, int warm, int calls, int rounds) {
    StringBuilder s = new StringBuilder();
    s.append("## Per-call cost, in process (issue 16)\n\n");
    s.append(String.format(Locale.ROOT, "In-process pipe, %d warm-up calls per row, then %d rounds of %d calls, "
        + "rows interleaved; medians of the rounds. Bytes are allocated per call on the client thread and on "
        + "the server's connection thread. JDK %s, %d CPUs.%n%n", warm, rounds, calls,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
    s.append("CPU/call is the CPU time of the client and server threads together per call: what the calls cost, "
        + "plus, with more than one CPU, each side's polling while it waits for the other (the in-process pipe "
        + "polls for up to 50 µs before it parks; one CPU never polls); the ratios to the no-op are of CPU time. "
        + "Each side's code alone, without waiting, is `SideCost` below.\n\n");
    s.append("| call | path | time/call | CPU/call | vs noop (CPU) | client B/call | server B/call "
        + "| gen/refl CPU | gen/refl bytes |\n");
    s.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Op op : ops) {
      Op noop = find(ops, "noop()", op.path());
      Op reflected = find(ops, op.call(), "reflection");
      double time = median(op.samples(), 0);
      double cpu = median(op.samples(), 3);
      double bytes = median(op.samples(), 1) + median(op.samples(), 2);
      double reflectedBytes = median(reflected.samples(), 1) + median(reflected.samples(), 2);
      s.append(String.format(Locale.ROOT, "| %s | %s | %.1f µs | %.1f µs | %.2fx | %.0f | %.0f | %s | %s |%n",
          op.call(), op.path(), time / 1e3, cpu / 1e3, cpu / median(noop.samples(), 3), median(op.samples(), 1),
          median(op.samples(), 2),
          op == reflected ? "—" : String.format(Locale.ROOT, "%.2fx", cpu / median(reflected.samples(), 3)),
          op == reflected ? "—" : String.format(Locale.ROOT, "%.2fx", bytes / reflectedBytes)));
    }
    return s.toString();
  }

  /** How many blocks {@link #callByCall} measures. */
  private static final int PAIR_BLOCKS = 21;

  /**
   * The no-op and the ten-parameter call made in turn, call by call, in blocks: both see the same
   * thread placement, which on a machine with more than one CPU changes while the run goes on (the
   * two threads on one CPU, taking turns; or on two, each polling for the other's bytes), and which
   * moves the time of a round trip far more than the calls' own code does. Each block's medians
   * give one ratio; the section prints the spread of the blocks.
   */
  private static String callByCall(Runnable noop, Runnable mixed, int blocks, int pairs, boolean polling) {
    double[] noops = new double[blocks];
    double[] mixeds = new double[blocks];
    double[] ratios = new double[blocks];
    long[] a = new long[pairs];
    long[] b = new long[pairs];
    for (int block = 0; block < blocks; block++) {
      for (int i = 0; i < pairs; i++) {
        long start = System.nanoTime();
        noop.run();
        long middle = System.nanoTime();
        mixed.run();
        long end = System.nanoTime();
        a[i] = middle - start;
        b[i] = end - middle;
      }
      java.util.Arrays.sort(a);
      java.util.Arrays.sort(b);
      noops[block] = a[pairs / 2];
      mixeds[block] = b[pairs / 2];
      ratios[block] = mixeds[block] / noops[block];
    }
    StringBuilder s = new StringBuilder();
    if (polling) {
      s.append(String.format(Locale.ROOT, "%n### noop() and mixed(...) in turn, call by call (generated path)%n%n"
          + "%d blocks of %d pairs; per block the median time of each call and their ratio; the spread of the "
          + "blocks (min / quartiles / max). On more than one CPU the blocks fall into regimes: both threads on one "
          + "CPU taking turns, each round trip two thread switches; or on two CPUs polling for each other, where a "
          + "round trip is little more than the code of the two sides and the ratio approaches theirs (`SideCost` "
          + "below).%n%n```%n", blocks, pairs));
    } else {
      s.append(String.format(Locale.ROOT, "%n### The same, with the pipe's polling off (`-D%s=0`)%n%n"
          + "%d blocks of %d pairs. Each side blocks at once while it waits, so each hand-off wakes a parked thread: "
          + "the hand-off issue 16's figures were measured with (its no-op then took 68 µs).%n%n```%n",
          "arrowrpc.pipe.spinMicros", blocks, pairs));
    }
    s.append(spread("noop()  µs", noops, 1e3)).append(spread("mixed() µs", mixeds, 1e3))
        .append(spread("ratio     ", ratios, 1)).append("```\n");
    return s.toString();
  }

  private static String spread(String label, double[] values, double scale) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return String.format(Locale.ROOT, "%s  min %.2f  p25 %.2f  median %.2f  p75 %.2f  max %.2f%n", label,
        sorted[0] / scale, sorted[n / 4] / scale, sorted[n / 2] / scale, sorted[(3 * n) / 4] / scale,
        sorted[n - 1] / scale);
  }

  private static Op find(List<Op> ops, String call, String path) {
    return ops.stream().filter(o -> o.call().equals(call) && o.path().equals(path)).findFirst().orElseThrow();
  }
}
