package dev.arrowrpc.transport.pipe;

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
 * <p>One reader owns a budget; it is not thread-safe, and a lost update only makes one wait spin
 * more or less.
 */
final class SpinBudget {
  /** The longest spin, in nanoseconds: longer than a round trip's work, shorter than a slow call. */
  static final long MAX_NANOS = 50_000;
  /** Whether spinning can help at all: another CPU must be free to run the writer. */
  static final boolean SPINNING = Runtime.getRuntime().availableProcessors() > 1;

  private final long max;
  private long nanos;

  /** A budget for this machine: {@link #MAX_NANOS} with more than one CPU, none with one. */
  SpinBudget() {
    this(SPINNING ? MAX_NANOS : 0);
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
  }

  /** {@return how long the next wait may spin, in nanoseconds} */
  long nanos() {
    return nanos;
  }

  /** Notes a wait that ended while spinning. */
  void caught() {
    nanos = max;
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
