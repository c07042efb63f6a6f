package dev.arrowrpc.bench;

import dev.arrowrpc.bench.charts.SvgCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the benchmarks and writes the report: raw-channel baselines, every workload over every
 * transport against this project's service, then the conformance peers, all in one run. Started by
 * {@code benchmarks/run.sh}, which passes the settings as system properties:
 *
 * <ul>
 *   <li>{@code bench.mode}: {@code quick} or {@code full};
 *   <li>{@code bench.out}: the Markdown file to write; the charts
 *       ({@link SvgCharts}) are drawn from it, beside it;
 *   <li>{@code bench.commit}: the commit measured, for the report's header (optional);
 *   <li>{@code bench.workloads}, {@code bench.transports}: comma-separated filters (default all);
 *   <li>{@code bench.peers}: {@code false} to skip the peers;
 *   <li>{@code bench.python}, {@code bench.go} (named by {@code bench.goName}), {@code bench.javaConformance}: peer workers, and
 *       {@code bench.pythonReason}, {@code bench.goReason} when they are missing;
 *   <li>{@code bench.workerCpus}, {@code bench.pin}: CPU pinning of workers, and its description.
 * </ul>
 *
 * <p>Exits with status 1 when one of this project's own measurements failed (not when a peer did),
 * never because of a timing.
 */
public final class BenchMain {
  private BenchMain() {}

  /**
   * Runs the benchmarks.
   *
   * @param args unused (settings are system properties)
   * @throws IOException when the report cannot be written
   */
  public static void main(String[] args) throws IOException {
    boolean quick = !"full".equals(System.getProperty("bench.mode", "quick"));
    Path out = Path.of(System.getProperty("bench.out", "benchmarks/target/quick.md"));
    List<Workload> workloads = Workloads.select(System.getProperty("bench.workloads", ""));
    List<BenchTransport> transports = selectTransports(System.getProperty("bench.transports", ""));
    boolean peers = !"false".equals(System.getProperty("bench.peers", "true"));
    Machine machine = Machine.describe(quick);
    long started = System.nanoTime();
    // whatever happens, no worker process outlives the run
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
    startWatchdog(quick ? 10 : 60);

    Results results = new Results();
    progress("baselines");
    runBaselines(results, quick);
    progress("targets: RPC and raw channel interleaved");
    runPaired(results, workloads, transports, quick);
    if (transports.stream().anyMatch(t -> t instanceof FlightTransport)) {
      progress("Flight targets: arrow-rpc over Flight and a bare FlightProducer interleaved");
      FlightBench.run(results, quick);
    }
    if (transports.stream().anyMatch(t -> t instanceof SubprocessPipeTransport)) {
      progress("issue 17 targets: shared memory against the pipe and a memory copy; the worker pool "
          + "against a dedicated worker");
      ShmPoolBench.run(results, workloads, quick);
    }
    for (BenchTransport transport : transports) {
      progress("arrow-rpc over " + transport.name());
      runOurs(transport, workloads, quick, results);
    }
    List<Target> peerTargets = new ArrayList<>();
    if (peers) {
      peerTargets.add(Targets.javaPeer());
      peerTargets.add(Targets.external("Python " + System.getProperty("bench.pythonVersion", "vgi-rpc"),
          "bench.python", "bench.pythonReason"));
      peerTargets.add(Targets.external(System.getProperty("bench.goName", "Go"), "bench.go", "bench.goReason"));
      // Unpinned, where a worker wakes depends on the scheduler: one full run measured the Java
      // worker's noop over the pipe at 58.6 us (woken on the idle CPU on every call), a rerun at
      // 9.6 us. Full runs compare the peers with every process on one CPU, which exposes each
      // implementation's own cost and treats all of them alike; --pin fixes it for the whole run.
      String allCpus = Regime.currentCpus();
      boolean pinPeers = !quick && Regime.workerCpus().isBlank() && Regime.supported();
      if (pinPeers) {
        try {
          Regime.SAME_CPU.enter(allCpus);
        } catch (IOException e) {
          progress("  cannot pin the peers: " + e.getMessage());
          pinPeers = false;
        }
      }
      results.peerRegime = pinPeers ? Regime.SAME_CPU.label() : regimeLabel("AS_RUN");
      try {
        runAllPeers(peerTargets, transports, workloads, quick, results);
      } finally {
        if (pinPeers) {
          try {
            Regime.UNPINNED.enter(allCpus);
          } catch (IOException e) {
            progress("  cannot restore the CPU set " + allCpus + ": " + e.getMessage());
          }
        }
      }
    }

    machine.finish(System.nanoTime() - started);
    Report report = new Report(machine, workloads, transports, peerTargets, results);
    String markdown = report.markdown();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, markdown, StandardCharsets.UTF_8);
    System.out.println(report.tables());
    System.out.println(report.summary());
    System.out.println("Report written to " + out);
    try {
      for (Path chart : SvgCharts.renderBeside(out)) {
        System.out.println("Chart written to " + chart);
      }
    } catch (IOException | RuntimeException e) {
      // the report is written; a chart that cannot be drawn must not lose the run
      System.err.println("charts not drawn: " + e);
    }
    long failures = results.ourFailures();
    if (failures > 0) {
      System.err.println(failures + " of this project's measurements failed: see the report");
      System.exit(1);
    }
    System.exit(0);
  }

  /** Ends a run that hangs (a worker that stopped answering), so CI never waits forever. */
  private static void startWatchdog(int minutes) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(minutes * 60_000L);
      } catch (InterruptedException e) {
        return;
      }
      progress("the run exceeded " + minutes + " minutes: a worker stopped answering; giving up");
      Runtime.getRuntime().halt(exitAfterShutdownHooks());
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static int exitAfterShutdownHooks() {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    return 2;
  }

  private static List<BenchTransport> selectTransports(String names) {
    if (names.isBlank()) {
      return Transports.ALL;
    }
    List<String> wanted = List.of(names.split(","));
    return Transports.ALL.stream().filter(t -> wanted.contains(t.name())).toList();
  }

  /** The warm-up and measuring budget of a workload size in a mode. */
  static Measure.Budget budget(Workload.Size size, boolean quick) {
    return switch (size) {
      case LATENCY -> quick
          ? new Measure.Budget(0.3, 2_000, 0.4, 50, 1_000_000)
          : new Measure.Budget(2.0, 2_000, 4.0, 200, 5_000_000);
      case MEDIUM -> quick
          ? new Measure.Budget(0.2, 3, 0.4, 5, 100_000)
          : new Measure.Budget(1.5, 20, 3.0, 30, 1_000_000);
      case LARGE -> quick
          ? new Measure.Budget(0, 1, 0, 3, 3)
          : new Measure.Budget(2.0, 3, 5.0, 10, 200);
    };
  }

  private static void runBaselines(Results results, boolean quick) {
    for (Baselines.Channel channel : Baselines.Channel.values()) {
      try (Baselines.RawClient raw = Baselines.open(channel)) {
        results.ping.put(channel, Outcome.of(Measure.run(raw::ping, budget(Workload.Size.LATENCY, quick))));
        results.bulk.put(channel, Outcome.of(Measure.run(() -> raw.bulk(Baselines.BULK_BYTES),
            budget(Workload.Size.LARGE, quick))));
      } catch (Exception e) {
        progress("  baseline " + channel.label() + " failed: " + e);
        results.ping.putIfAbsent(channel, Outcome.failure(e));
        results.bulk.putIfAbsent(channel, Outcome.failure(e));
      }
    }
  }

  /** The workloads the targets of issue 6 compare with a raw channel, measured interleaved. */
  static final List<String> PAIRED_WORKLOADS = List.of("noop", "echo_stream_1m");

  /**
   * Whether issue 6 sets a bulk-throughput target (the 1M-row echo against a raw copy) over a
   * transport: the subprocess pipe and the Unix socket. Only these pair {@code echo_stream_1m} with
   * a raw copy; every transport with a raw channel pairs {@code noop}.
   *
   * @param transport the transport
   * @return true when the transport has a bulk target
   */
  static boolean hasBulkTarget(BenchTransport transport) {
    return transport instanceof SubprocessPipeTransport || transport instanceof UnixSocketTransport;
  }

  /**
   * The regimes the interleaved target measurements run in: all three in a full run on a machine
   * that can pin (unless {@code --pin} fixed one), else the run's own.
   */
  static List<String> regimes(boolean quick) {
    boolean matrix = !quick && Regime.workerCpus().isBlank() && Regime.supported();
    return matrix ? List.of(Regime.UNPINNED.name(), Regime.SAME_CPU.name(), Regime.CROSS_CPU.name())
        : List.of("AS_RUN");
  }

  /** The table label of a regime name from {@link #regimes}. */
  static String regimeLabel(String regime) {
    return regime.equals("AS_RUN") ? System.getProperty("bench.pin", "unpinned")
        : Regime.valueOf(regime).label();
  }

  private static void runPaired(Results results, List<Workload> workloads, List<BenchTransport> transports,
      boolean quick) {
    Target ours = Targets.bench();
    String allCpus = Regime.currentCpus();
    results.regimes = regimes(quick);
    for (String regime : results.regimes) {
      if (!regime.equals("AS_RUN")) {
        try {
          Regime.valueOf(regime).enter(allCpus);
        } catch (IOException e) {
          progress("  cannot pin for " + regime + ": " + e.getMessage());
          continue;
        }
      }
      progress(" regime: " + regimeLabel(regime));
      try {
        runPairedIn(regime, results, workloads, transports, quick, ours);
      } finally {
        if (!regime.equals("AS_RUN")) {
          try {
            Regime.UNPINNED.enter(allCpus);
          } catch (IOException e) {
            progress("  cannot restore the CPU set " + allCpus + ": " + e.getMessage());
          }
        }
      }
    }
  }

  private static void runPairedIn(String regime, Results results, List<Workload> workloads,
      List<BenchTransport> transports, boolean quick, Target ours) {
    for (BenchTransport transport : transports) {
      if (transport.baseline().isEmpty() || transport.unavailable(ours).isPresent()) {
        continue;
      }
      List<Workload> selected = workloads.stream().filter(w -> PAIRED_WORKLOADS.contains(w.id()))
          .filter(w -> !w.isThroughput() || hasBulkTarget(transport)).toList();
      if (selected.isEmpty()) {
        continue;
      }
      try (Connection connection = transport.open(ours);
          Baselines.RawClient raw = Baselines.open(transport.baseline().get())) {
        for (Workload workload : selected) {
          Measure.Op rawOp = workload.isThroughput() ? () -> raw.bulk(Baselines.BULK_BYTES) : raw::ping;
          Results.Paired outcome;
          try {
            Workload.Prepared prepared = workload.ours().prepare(connection);
            try {
              Measure.Result[] both = Measure.paired(prepared.op(), rawOp, budget(workload.size(), quick));
              outcome = new Results.Paired(Outcome.of(both[0]), Outcome.of(both[1]), null);
            } finally {
              prepared.cleanup().close();
            }
          } catch (Exception e) {
            outcome = new Results.Paired(null, null, Outcome.failure(e).problem());
          }
          results.putPaired(workload.id(), transport.name(), regime, outcome);
          progress("  " + workload.id() + " over " + transport.name() + ": " + (outcome.problem() == null
              ? Report.duration(outcome.rpc().median()) + " vs raw " + Report.duration(outcome.raw().median())
              : outcome.problem()));
        }
      } catch (Exception e) {
        progress("  paired run over " + transport.name() + " failed: " + e);
        for (Workload workload : selected) {
          results.putPaired(workload.id(), transport.name(), regime,
              new Results.Paired(null, null, Outcome.failure(e).problem()));
        }
      }
    }
  }

  /**
   * Runs every workload against this project's service over one transport. Where the transport
   * has a raw channel, each workload is interleaved with a raw operation on that channel (a 1-byte
   * ping-pong, or a copy of as many bytes as the echo moves), so every ratio compares like regimes.
   * A quick run measures only the transport's {@link BenchTransport#quickWorkloads}, when it names
   * some.
   */
  private static void runOurs(BenchTransport transport, List<Workload> workloads, boolean quick,
      Results results) {
    Target target = Targets.bench();
    Optional<String> missing = transport.unavailable(target);
    if (missing.isPresent()) {
      workloads.forEach(w -> results.putOurs(transport.name(), w.id(), Outcome.unavailable(missing.get())));
      return;
    }
    Optional<List<String>> subset = quick ? transport.quickWorkloads() : Optional.empty();
    if (subset.isPresent()) {
      workloads.stream().filter(w -> !subset.get().contains(w.id())).forEach(w -> results.putOurs(
          transport.name(), w.id(), Outcome.unavailable("not run in quick mode")));
      workloads = workloads.stream().filter(w -> subset.get().contains(w.id())).toList();
      if (workloads.isEmpty()) {
        return;
      }
    }
    Connection connection;
    try {
      connection = transport.open(target);
    } catch (Exception e) {
      progress("  cannot start " + target.name() + " over " + transport.name() + ": " + e);
      workloads.forEach(w -> results.putOurs(transport.name(), w.id(), Outcome.failure(e)));
      return;
    }
    Baselines.RawClient raw = null;
    if (transport.baseline().isPresent()) {
      try {
        raw = Baselines.open(transport.baseline().get());
      } catch (Exception e) {
        progress("  no raw channel next to " + transport.name() + ": " + e);
      }
    }
    try (connection) {
      for (Workload workload : workloads) {
        Outcome outcome;
        Outcome rawOutcome = null;
        try {
          Workload.Prepared prepared = workload.ours().prepare(connection);
          try {
            if (raw == null) {
              outcome = Outcome.of(Measure.run(prepared.op(), budget(workload.size(), quick)));
            } else {
              Baselines.RawClient channel = raw;
              Measure.Op rawOp = workload.isThroughput()
                  ? () -> channel.bulk(workload.bytesPerOp()) : channel::ping;
              Measure.Result[] both = Measure.paired(prepared.op(), rawOp, budget(workload.size(), quick));
              outcome = Outcome.of(both[0]);
              rawOutcome = Outcome.of(both[1]);
            }
          } finally {
            prepared.cleanup().close();
          }
        } catch (Exception | AssertionError e) {
          outcome = Outcome.failure(e);
        }
        results.putOurs(transport.name(), workload.id(), outcome);
        if (rawOutcome != null) {
          results.putOursRaw(transport.name(), workload.id(), rawOutcome);
        }
        progress("  " + workload.id() + ": " + (outcome.ok()
            ? Report.duration(outcome.median()) + " median"
                + (rawOutcome == null ? "" : " (raw " + Report.duration(rawOutcome.median()) + ")")
            : outcome.problem()));
      }
    } finally {
      if (raw != null) {
        raw.close();
      }
    }
  }

  private static void runAllPeers(List<Target> peerTargets, List<BenchTransport> transports,
      List<Workload> workloads, boolean quick, Results results) {
    for (BenchTransport transport : transports) {
      if (transport instanceof InProcessPipeTransport) {
        continue;  // the peers are compared across processes
      }
      if (quick && transport.baseline().isPresent() && !(transport instanceof SubprocessPipeTransport)) {
        continue;  // quick mode compares the peers over the subprocess pipe only
      }
      progress("peers over " + transport.name());
      runPeers(peerTargets, transport, workloads, quick, results);
    }
  }

  /**
   * Runs the peer workloads over one transport against every peer at once: each peer's worker is
   * started, and the peers' calls are interleaved, so their ratios compare like regimes. A
   * workload that fails interleaved is retried peer by peer, to tell which one failed.
   */
  private static void runPeers(List<Target> peers, BenchTransport transport, List<Workload> workloads,
      boolean quick, Results results) {
    List<Workload> applicable = workloads.stream().filter(w -> w.peer().isPresent()).toList();
    List<Target> running = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    try {
      for (Target peer : peers) {
        Optional<String> missing = transport.unavailable(peer);
        if (missing.isPresent()) {
          applicable.forEach(w -> results.putPeer(peer.name(), transport.name(), w.id(),
              Outcome.unavailable(missing.get())));
          continue;
        }
        try {
          connections.add(transport.open(peer));
          running.add(peer);
        } catch (Exception e) {
          progress("  cannot start " + peer.name() + " over " + transport.name() + ": " + e);
          applicable.forEach(w -> results.putPeer(peer.name(), transport.name(), w.id(), Outcome.failure(e)));
        }
      }
      if (running.isEmpty()) {
        return;
      }
      progress(transport.name() + ": " + running.stream().map(Target::name).toList());
      for (Workload workload : applicable) {
        Outcome[] outcomes = measurePeers(workload, connections, quick);
        StringBuilder line = new StringBuilder("  " + workload.id() + ":");
        for (int i = 0; i < running.size(); i++) {
          results.putPeer(running.get(i).name(), transport.name(), workload.id(), outcomes[i]);
          line.append(' ').append(running.get(i).name().split(" ")[0]).append(' ')
              .append(outcomes[i].ok() ? Report.duration(outcomes[i].median()) : "failed");
        }
        progress(line.toString());
      }
    } finally {
      Launcher.closeAll(connections);
    }
  }

  private static Outcome[] measurePeers(Workload workload, List<Connection> connections, boolean quick) {
    Outcome[] outcomes = new Outcome[connections.size()];
    List<Workload.Prepared> prepared = new ArrayList<>();
    try {
      for (Connection connection : connections) {
        prepared.add(workload.peer().orElseThrow().prepare(connection));
      }
      Measure.Result[] all = Measure.interleaved(prepared.stream().map(Workload.Prepared::op).toList(),
          budget(workload.size(), quick));
      for (int i = 0; i < all.length; i++) {
        outcomes[i] = Outcome.of(all[i]);
      }
      return outcomes;
    } catch (Exception | AssertionError e) {
      progress("  " + workload.id() + " failed interleaved (" + e + "); measuring each peer alone");
    } finally {
      Launcher.closeAll(prepared.stream().map(Workload.Prepared::cleanup).toList());
    }
    for (int i = 0; i < connections.size(); i++) {
      try {
        Workload.Prepared alone = workload.peer().orElseThrow().prepare(connections.get(i));
        try {
          outcomes[i] = Outcome.of(Measure.run(alone.op(), budget(workload.size(), quick)));
        } finally {
          alone.cleanup().close();
        }
      } catch (Exception | AssertionError e) {
        outcomes[i] = Outcome.failure(e);
      }
    }
    return outcomes;
  }

  private static final long START = System.nanoTime();

  static void progress(String line) {
    System.err.printf("[bench %4.0fs] %s%n", (System.nanoTime() - START) / 1e9, line);
    System.err.flush();
  }
}
