package dev.arrowrpc.transport.pipe;

import org.slf4j.LoggerFactory;

/**
 * How long a reader waiting for bytes spins before it parks, learnt from its recent waits.
 *
 * <p>Parking a thread and waking it from another CPU costs tens of microseconds on a virtual machine
 * (the wake-up crosses the hypervisor), far more than a call's own work; a reader whose bytes come
 * within a few microseconds is better off polling for them. The budget starts at {@link #MAX_NANOS};
 * a wait the spin caught, or a parked wait that a full spin would have caught, restores it; a longer
 * wait halves it (to none), so a reader whose peer is slow or idle soon stops spending CPU on
 * spinning and starts again as soon as the answers come quickly. On a machine with one CPU the
 * budget is always zero: spinning would only delay the thread that writes.
 *
 * <p>A spin first only pauses between its polls, then yields its CPU between them: when the peer
 * runs on the same CPU, a spinning reader would hold the CPU the answer needs. The pausing phase is
 * learnt too: a wait caught while yielding (likely a peer sharing the CPU) halves it, a wait caught
 * while pausing (a peer on another CPU) restores it, and every {@link #PROBE_EVERY}th wait pauses for
 * the whole phase again, to notice the peer moving to another CPU.
 *
 * <p>One reader owns a budget; it is not thread-safe, and a lost update only makes one wait spin
 * more or less.
 */
final class SpinBudget {
  /** The longest spin by default, in nanoseconds: longer than a round trip's work, shorter than a slow call. */
  static final long MAX_NANOS = 50_000;
  /**
   * The system property that sets the longest spin in microseconds ({@value}; 0 turns spinning off,
   * e.g. for many busy workers sharing few CPUs).
   */
  static final String PROPERTY = "arrowrpc.pipe.spinMicros";
  /** The longest pausing phase of a spin, in nanoseconds. */
  static final long PAUSING_NANOS = 10_000;
  /** How often a wait pauses for the whole phase whatever was learnt. */
  static final int PROBE_EVERY = 64;
  /** The longest spin on this machine: none with one CPU (another CPU must be free to run the writer). */
  private static final long MACHINE_MAX = Runtime.getRuntime().availableProcessors() > 1 ? configuredMax() : 0;
  /** Whether readers spin at all on this machine. */
  static final boolean SPINNING = MACHINE_MAX > 0;

  private final long max;
  private long nanos;
  private long pausing;
  private int waits;

  /** A budget for this machine: {@link #MAX_NANOS} (or {@link #PROPERTY}) with more than one CPU, none with one. */
  SpinBudget() {
    this(MACHINE_MAX);
  }

  /** The longest spin {@link #PROPERTY} asks for (at most 10 s), else {@link #MAX_NANOS} (a value that is no count is logged). */
  private static long configuredMax() {
    String micros = System.getProperty(PROPERTY, "").strip();
    if (micros.isEmpty()) {
      return MAX_NANOS;
    }
    try {
      long value = Long.parseLong(micros);
      if (value >= 0) {
        return Math.min(value, 10_000_000L) * 1_000;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LoggerFactory.getLogger(SpinBudget.class).warn(
        "-D{}={} is not a number of microseconds (0 or more): spinning up to the default {} µs",
        PROPERTY, micros, MAX_NANOS / 1_000);
    return MAX_NANOS;
  }

  /**
   * A budget with a given longest spin.
   *
   * @param max the longest spin in nanoseconds; 0 never spins
   */
  SpinBudget(long max) {
    if (max < 0) {
      throw new IllegalArgumentException("a spin budget cannot be negative: " + max);
    }
    this.max = max;
    this.nanos = max;
    this.pausing = Math.min(max, PAUSING_NANOS);
  }

  /** {@return how long the next wait may spin, in nanoseconds} */
  long nanos() {
    return nanos;
  }

  /**
   * Starts a wait that spins: {@return how long it pauses before it yields, in nanoseconds}
   */
  long pausingNanos() {
    return ++waits % PROBE_EVERY == 0 ? Math.min(max, PAUSING_NANOS) : pausing;
  }

  /**
   * Notes a wait that ended while spinning.
   *
   * @param whilePausing whether it ended in the pausing phase (else while yielding)
   */
  void caught(boolean whilePausing) {
    nanos = max;
    pausing = whilePausing ? Math.min(max, PAUSING_NANOS) : pausing / 2;
  }

  /**
   * Notes a wait that ended after the reader parked.
   *
   * @param waitedNanos how long the whole wait took, spin included
   */
  void parked(long waitedNanos) {
    nanos = waitedNanos <= max ? max : nanos / 2;
  }
}
