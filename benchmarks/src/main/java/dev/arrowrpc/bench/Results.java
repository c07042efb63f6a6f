package dev.arrowrpc.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured, keyed by what was measured. */
public final class Results {
  final Map<Baselines.Channel, Outcome> ping = new EnumMap<>(Baselines.Channel.class);
  final Map<Baselines.Channel, Outcome> bulk = new EnumMap<>(Baselines.Channel.class);
  private final Map<String, Outcome> ours = new LinkedHashMap<>();
  private final Map<String, Outcome> peers = new LinkedHashMap<>();
  private final Map<String, Outcome> oursRaw = new LinkedHashMap<>();
  private final Map<String, Paired> paired = new LinkedHashMap<>();
  /**
   * The Flight targets of issue 15 ({@link FlightBench}): each measurement id ({@code noop}, {@code
   * echo}, {@code doget}) to arrow-rpc over Flight and the bare Flight server, interleaved.
   */
  final Map<String, Paired> flight = new LinkedHashMap<>();

  /**
   * The targets of issue 17 ({@link ShmPoolBench}): each measurement id ({@link ShmPoolBench#SHM_ECHO}
   * and the others) to its outcome; the ids of one comparison were measured interleaved.
   */
  final Map<String, Outcome> issue17 = new LinkedHashMap<>();

  /** The placements the pool comparison of issue 17 ran in, by label, in order. */
  final java.util.List<String> poolRegimes = new java.util.ArrayList<>();

  /** The DoGet's median time to first batch, arrow-rpc's then the raw server's (ns), when measured. */
  long[] flightFirstBatch;

  /** Where the peer workers ran: a regime's label, or the run's own pinning. */
  String peerRegime = "";

  /** The regimes the interleaved measurements ran in (names from {@code BenchMain.regimes}). */
  java.util.List<String> regimes = java.util.List.of();

  /**
   * An RPC workload and its raw-channel baseline, measured interleaved.
   *
   * @param rpc the RPC workload
   * @param raw the raw baseline
   * @param problem why nothing was measured, or {@code null}
   */
  record Paired(Outcome rpc, Outcome raw, String problem) {}

  /** Creates an empty result set. */
  public Results() {}

  void putOurs(String transport, String workload, Outcome outcome) {
    ours.put(transport + "|" + workload, outcome);
  }

  Optional<Outcome> ours(String transport, String workload) {
    return Optional.ofNullable(ours.get(transport + "|" + workload));
  }

  void putOursRaw(String transport, String workload, Outcome outcome) {
    oursRaw.put(transport + "|" + workload, outcome);
  }

  /** The raw-channel operation measured interleaved with one of our workloads, if any. */
  Optional<Outcome> oursRaw(String transport, String workload) {
    return Optional.ofNullable(oursRaw.get(transport + "|" + workload)).filter(Outcome::ok);
  }

  void putPeer(String target, String transport, String workload, Outcome outcome) {
    peers.put(target + "|" + transport + "|" + workload, outcome);
  }

  Optional<Outcome> peer(String target, String transport, String workload) {
    return Optional.ofNullable(peers.get(target + "|" + transport + "|" + workload));
  }

  void putPaired(String workload, String transport, String regime, Paired outcome) {
    paired.put(workload + "|" + transport + "|" + regime, outcome);
  }

  Optional<Paired> paired(String workload, String transport, String regime) {
    return Optional.ofNullable(paired.get(workload + "|" + transport + "|" + regime));
  }

  /** How many of this project's own measurements failed (peers' failures are only reported). */
  long ourFailures() {
    return ours.values().stream().filter(Outcome::failed).count()
        + ping.values().stream().filter(Outcome::failed).count()
        + bulk.values().stream().filter(Outcome::failed).count()
        + paired.values().stream().filter(p -> p.problem() != null && p.problem().startsWith("error")).count()
        + flight.values().stream().filter(p -> p.problem() != null && p.problem().startsWith("error")).count()
        + issue17.values().stream().filter(Outcome::failed).count();
  }
}
