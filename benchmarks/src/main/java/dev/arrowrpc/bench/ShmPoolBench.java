package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.transport.pipe.PoolMetrics;
import dev.arrowrpc.transport.pipe.ShmSegment;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.WorkerLauncher;
import dev.arrowrpc.transport.pipe.WorkerPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The targets of issue 17, each comparison measured interleaved in the same run against worker
 * JVMs serving the benchmark service with the same command ({@code BenchWorker serve bench
 * --pipe}):
 *
 * <ul>
 *   <li>shared memory: the {@code echo_stream_1m} workload (one 1M-row batch out and back on an open
 *       {@code BatchStream} exchange) over a worker launched with {@code
 *       Subprocess.builder(...).sharedMemory(}{@value #SEGMENT_MIB}{@code  MiB)}, over a plain
 *       subprocess pipe, and a copy of the same bytes between two direct buffers in this JVM
 *       ({@link Baselines.MemoryCopy}), three operations in turn; targets: at least 3x the pipe's
 *       throughput, and at least 50% of the copy's;
 *   <li>launcher: connecting through a {@link WorkerLauncher} to its warm worker and getting the
 *       first answer ({@link #warmPath}); target: a median of at most {@value #WARM_PATH_MILLIS} ms;
 *   <li>worker pool: the {@code noop} workload through a {@link WorkerPool} proxy (every call
 *       borrows the pool's one worker and gives it back) and on a dedicated {@link Subprocess}
 *       client, in turn, in pinned placements ({@link #poolRegimes}); target: the pool's median at most
 *       1.2x the dedicated one's.
 * </ul>
 *
 * <p>Before measuring, one echo checks that the batches really go through the segment: the first
 * bytes of the data region are zeroed, and must hold an IPC message again after the echo.
 */
final class ShmPoolBench {
  /** The shared-memory segment's size in MiB: room for the 27 MB request and the 27 MB answer. */
  static final int SEGMENT_MIB = 128;
  /** The workload echoed through shared memory and over the pipe. */
  static final String ECHO_WORKLOAD = "echo_stream_1m";
  /** The workload called through the pool and on a dedicated worker. */
  static final String NOOP_WORKLOAD = "noop";

  /** The echo over shared memory. */
  static final String SHM_ECHO = "shm_echo";
  /** The same echo over the subprocess pipe. */
  static final String PIPE_ECHO = "pipe_echo";
  /** The copy of the same bytes in memory. */
  static final String MEMCPY = "memcpy";
  /** {@code noop()} through the pool's proxy (ids carry the placement: {@link #poolId}). */
  static final String POOL_NOOP = "pool_noop";
  /** {@code noop()} on a dedicated worker (ids carry the placement: {@link #dedicatedId}). */
  static final String DEDICATED_NOOP = "dedicated_noop";

  /** Connecting through the launcher to its warm worker and getting the first answer. */
  static final String WARM_PATH = "launcher_warm_path";
  /** The warm path's median, at most, in milliseconds. */
  static final double WARM_PATH_MILLIS = 20;

  /** Shared memory's throughput over the pipe's, at least. */
  static final double SHM_OVER_PIPE = 3;
  /** Shared memory's throughput as a share of the memory copy's, at least. */
  static final double SHM_OF_MEMCPY = 0.5;
  /** A pooled call's median over a dedicated call's, at most. */
  static final double POOL_OVER_DEDICATED = 1.2;

  private ShmPoolBench() {}

  /**
   * Runs the comparisons whose workloads are selected, and records them in {@code
   * results.issue17}.
   *
   * @param results where to record
   * @param workloads the run's workloads (the echo and the noop are taken from them)
   * @param quick whether the run is quick
   */
  static void run(Results results, List<Workload> workloads, boolean quick) {
    List<String> command = Targets.bench().command(List.of("--pipe"));
    workloads.stream().filter(w -> w.id().equals(ECHO_WORKLOAD)).findFirst().ifPresent(echo -> {
      record(results, List.of(SHM_ECHO, PIPE_ECHO, MEMCPY), () -> echoes(echo, command, quick));
      progress(results, SHM_ECHO, PIPE_ECHO, MEMCPY);
    });
    workloads.stream().filter(w -> w.id().equals(NOOP_WORKLOAD)).findFirst().ifPresent(noop -> {
      record(results, List.of(WARM_PATH), () -> warmPath(quick));
      progress(results, WARM_PATH);
      List<Regime> regimes = poolRegimes(quick);
      if (regimes.isEmpty()) {
        String label = BenchMain.regimeLabel("AS_RUN");
        results.poolRegimes.add(label);
        record(results, List.of(poolId(label), dedicatedId(label)), () -> pooled(noop, command, quick));
        progress(results, poolId(label), dedicatedId(label));
        return;
      }
      String allCpus = Regime.currentCpus();
      for (Regime regime : regimes) {
        String label = regime.label();
        try {
          regime.enter(allCpus);
        } catch (IOException e) {
          BenchMain.progress("  cannot pin for " + label + ": " + e.getMessage());
          continue;
        }
        try {
          results.poolRegimes.add(label);
          // workers are pinned when they start: new ones for each regime
          record(results, List.of(poolId(label), dedicatedId(label)),
              () -> pooled(noop, command, quick));
          progress(results, poolId(label), dedicatedId(label));
        } finally {
          try {
            Regime.UNPINNED.enter(allCpus);
          } catch (IOException e) {
            BenchMain.progress("  cannot restore the CPU set " + allCpus + ": " + e.getMessage());
          }
        }
      }
    });
  }

  /**
   * The CPU placements the pool is compared in. Unpinned, which CPU each worker wakes on decides a
   * call's latency (25-50 µs for a wake-up on the other CPU), per process: a probe of 2026-12-04
   * measured a pool's worker at 43 µs and a dedicated one at 8 µs, then the reverse minutes later,
   * whatever the pool does. So the comparison runs pinned, both workers alike: on one CPU (the CPU
   * cost of the pool's borrow and return) in a quick run; also across CPUs and unpinned in a full
   * run. Empty (the run's own placement) when {@code --pin} fixed one or the machine cannot pin.
   *
   * @param quick whether the run is quick
   * @return the regimes, or empty for the run's own
   */
  static List<Regime> poolRegimes(boolean quick) {
    if (!Regime.workerCpus().isBlank() || !Regime.supported()) {
      return List.of();
    }
    return quick ? List.of(Regime.SAME_CPU) : List.of(Regime.SAME_CPU, Regime.CROSS_CPU, Regime.UNPINNED);
  }

  /**
   * The id of the pooled {@code noop()} measured in a placement.
   *
   * @param regime the placement's label
   * @return the id in {@code Results.issue17}
   */
  static String poolId(String regime) {
    return POOL_NOOP + "@" + regime;
  }

  /**
   * The id of the dedicated worker's {@code noop()} measured in a placement.
   *
   * @param regime the placement's label
   * @return the id in {@code Results.issue17}
   */
  static String dedicatedId(String regime) {
    return DEDICATED_NOOP + "@" + regime;
  }

  /**
   * The echo comparison's budget: a full run's is the bulk workloads'; a quick run's is more than
   * their three runs after one warm-up, which leave the shared-memory path interpreted.
   */
  static Measure.Budget echoBudget(boolean quick) {
    return quick ? new Measure.Budget(1.0, 5, 1.5, 5, 50) : BenchMain.budget(Workload.Size.LARGE, false);
  }

  /** The echo over shared memory, over the pipe, and the memory copy, interleaved. */
  private static Measure.Result[] echoes(Workload echo, List<String> command, boolean quick) throws Exception {
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Subprocess shmWorker = Launcher.sharedMemoryWorker(command, (long) SEGMENT_MIB << 20);
      Connection shm = Connection.of(RpcClient.connect(shmWorker));
      open.add(shm);
      SharedSegment segment = shmWorker.sharedSegment().orElseThrow(() -> new IOException(
          "the worker declined the shared-memory segment: batches would go inline"));
      Connection pipe = Connection.of(RpcClient.connect(Launcher.pipeWorker(command)));
      open.add(pipe);
      Workload.Prepared overShm = echo.ours().prepare(shm);
      open.add(overShm.cleanup());
      Workload.Prepared overPipe = echo.ours().prepare(pipe);
      open.add(overPipe.cleanup());
      Baselines.MemoryCopy copy;
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot batch = BulkData.create((int) echo.rowsPerOp(), allocator)) {
        copy = new Baselines.MemoryCopy(BulkData.ipcBytes(batch));
      }
      if (copy.bytesPerOp() != echo.bytesPerOp()) {
        throw new IllegalStateException("the copy moves " + copy.bytesPerOp() + " bytes, the echo "
            + echo.bytesPerOp());
      }
      checkThroughSegment(segment, overShm.op());
      return Measure.interleaved(List.of(overShm.op(), overPipe.op(), copy), echoBudget(quick));
    } finally {
      Collections.reverse(open);
      Launcher.closeAll(open);
    }
  }

  /**
   * Runs the echo once after zeroing the first bytes of the segment's data region, where the first
   * region allocated starts (the request's, then the answer's once the request's is freed): an IPC
   * message must be there afterwards, else the batches went inline and the row would measure the
   * pipe twice.
   */
  static void checkThroughSegment(SharedSegment segment, Measure.Op echo) throws Exception {
    ByteBuffer first = segment.region(ShmSegment.HEADER_SIZE, 8);
    first.putLong(0, 0);
    echo.run();
    if (first.getLong(0) == 0) {
      throw new IOException("the echo did not go through the shared-memory segment (its data region "
          + "was not written): is VGI_RPC_SHM_MIN_BATCH_BYTES set above the batch's size?");
    }
  }

  /**
   * The launcher's warm path: a worker started once through a {@link WorkerLauncher} (its cold
   * start is not measured), then each run connects through the launcher to the warm worker, makes
   * one {@code noop()} call and disconnects, as a client that has not talked to the worker yet would
   * (in a running JVM: a new JVM adds its own start). The worker idles out a few seconds after the
   * last run, removing its socket; the state directory is removed then.
   */
  private static Measure.Result[] warmPath(boolean quick) throws Exception {
    // a short directory: a Unix socket's path holds at most 107 bytes
    Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "arl");
    WorkerLauncher launcher = WorkerLauncher.builder()
        .stateDir(state)
        .idleTimeout(Duration.ofSeconds(3))
        .startupTimeout(Duration.ofSeconds(60))
        .build();
    List<String> command = Targets.bench().command(List.of("--launched"));
    long cold = System.nanoTime();
    launcher.launch(command);
    BenchMain.progress(String.format(java.util.Locale.ROOT, "  launcher cold start (not a target): %.0f ms",
        (System.nanoTime() - cold) / 1e6));
    Measure.Op firstAnswer = () -> {
      try (RpcClient client = RpcClient.connect(launcher.connect(command))) {
        client.proxy(BenchService.class).noop();
      }
    };
    try {
      return Measure.interleaved(List.of(firstAnswer), BenchMain.budget(Workload.Size.LATENCY, quick));
    } finally {
      // the worker idles out and removes its socket; then the state directory goes too
      Path socket = launcher.socketPath(command);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (Files.exists(socket) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      try (java.util.stream.Stream<Path> files = Files.list(state)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(state);
    }
  }

  /** {@code noop()} through the pool and on a dedicated worker, interleaved. */
  private static Measure.Result[] pooled(Workload noop, List<String> command, boolean quick) throws Exception {
    try (WorkerPool pool = WorkerPool.builder()
            .command(Launcher.pinned(command))
            .maxWorkers(1)
            .stderr(Launcher::workerLog)
            .shutdownTimeout(Duration.ofSeconds(3))
            .build();
        Connection dedicated = Connection.of(RpcClient.connect(Launcher.pipeWorker(command)))) {
      Workload.Prepared throughPool = noop.ours().prepare(poolConnection(pool));
      Workload.Prepared onDedicated = noop.ours().prepare(dedicated);
      try {
        // start both workers before the warm-up, so no launch is timed
        throughPool.op().run();
        onDedicated.op().run();
        Measure.Result[] both = Measure.paired(throughPool.op(), onDedicated.op(),
            BenchMain.budget(Workload.Size.LATENCY, quick));
        PoolMetrics metrics = pool.metrics();
        if (metrics.started() != 1 || metrics.failed() != 0) {
          throw new IOException("the pool did not keep one worker for every call: " + metrics);
        }
        return both;
      } finally {
        Launcher.closeAll(List.of(throughPool.cleanup(), onDedicated.cleanup()));
      }
    }
  }

  /** A pool seen as a connection: its typed proxies (the noop workload allocates no Arrow data). */
  private static Connection poolConnection(WorkerPool pool) {
    return new Connection() {
      @Override
      public <T> T proxy(Class<T> service) {
        return pool.proxy(service);
      }

      @Override
      public BufferAllocator allocator() {
        throw new UnsupportedOperationException("a pool's clients allocate from the pool's own allocator");
      }

      @Override
      public void close() {
        // the caller closes the pool
      }
    };
  }

  @FunctionalInterface
  private interface Comparison {
    Measure.Result[] run() throws Exception;
  }

  private static void record(Results results, List<String> ids, Comparison comparison) {
    try {
      Measure.Result[] measured = comparison.run();
      for (int i = 0; i < ids.size(); i++) {
        results.issue17.put(ids.get(i), Outcome.of(measured[i]));
      }
    } catch (Exception | AssertionError e) {
      for (String id : ids) {
        results.issue17.put(id, Outcome.failure(e));
      }
    }
  }

  private static void progress(Results results, String... ids) {
    StringBuilder line = new StringBuilder(" ");
    for (String id : ids) {
      Outcome o = results.issue17.get(id);
      line.append(' ').append(id).append(' ').append(o.ok() ? Report.duration(o.median()) : o.problem());
      if (!o.ok()) {
        break;
      }
    }
    BenchMain.progress(line.toString());
  }
}
