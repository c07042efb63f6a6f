package dev.arrowrpc.bench;

import java.util.Optional;

/**
 * One benchmark workload: how to run it against this project's {@link BenchService}, and, when the
 * reference's conformance service has the same operation, against a {@link ConformancePeer}.
 *
 * @param id a short identifier (used on the command line and in the results)
 * @param title the table heading
 * @param size how it is budgeted and reported
 * @param bytesPerOp the bytes one run moves over the channel, both directions together (0 for
 *     latency workloads)
 * @param rowsPerOp the rows one run echoes (0 when not a row workload)
 * @param ours prepares a run against {@link BenchService}
 * @param peer prepares a run against {@link ConformancePeer}, when the peers have this workload
 * @param peerTitle what the peers are asked, when it differs from {@code title}
 */
public record Workload(String id, String title, Size size, long bytesPerOp, long rowsPerOp,
    Setup ours, Optional<Setup> peer, String peerTitle) {

  /** How a workload is budgeted and reported. */
  public enum Size {
    /** A small call: median and p99 latency, allocation per call. */
    LATENCY,
    /** Bulk data of up to a few MiB: throughput, many runs. */
    MEDIUM,
    /** Bulk data of tens of MiB: throughput, few runs. */
    LARGE
  }

  /** Prepares the runs of a workload on one connection. */
  @FunctionalInterface
  public interface Setup {
    /**
     * Prepares the operation (builds inputs, opens long-lived streams).
     *
     * @param connection the connection
     * @return the operation and what to close after it
     * @throws Exception when preparation fails
     */
    Prepared prepare(Connection connection) throws Exception;
  }

  /**
   * A prepared operation.
   *
   * @param op one run
   * @param cleanup closed after the measurement
   */
  public record Prepared(Measure.Op op, AutoCloseable cleanup) {
    /**
     * An operation with nothing to close.
     *
     * @param op one run
     * @return the prepared operation
     */
    public static Prepared of(Measure.Op op) {
      return new Prepared(op, () -> {});
    }
  }

  /**
   * Whether this workload is reported as throughput.
   *
   * @return true for bulk workloads
   */
  public boolean isThroughput() {
    return size != Size.LATENCY;
  }
}
