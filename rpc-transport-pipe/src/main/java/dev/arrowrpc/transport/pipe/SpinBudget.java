package dev.arrowrpc.transport.pipe;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>At most one reader per CPU of a JVM spins at once ({@link #SPINNERS}); the others block at
 * once.
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
  /**
   * The readers of this JVM spinning at once, at most one per CPU: a process with many pipes spends
   * at most that much CPU on waiting; the other readers block at once.
   */
  static final Spinners SPINNERS = new Spinners(Runtime.getRuntime().availableProcessors());

  private final long max;
  private final Spinners spinners;
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
    this(max, SPINNERS);
  }

  /**
   * A budget with a given longest spin, counted among given spinners.
   *
   * @param max the longest spin in nanoseconds; 0 never spins
   * @param spinners the readers that may spin at once
   */
  SpinBudget(long max, Spinners spinners) {
    if (max < 0) {
      throw new IllegalArgumentException("a spin budget cannot be negative: " + max);
    }
    this.max = max;
    this.spinners = Objects.requireNonNull(spinners, "spinners");
    this.nanos = max;
    this.pausing = Math.min(max, PAUSING_NANOS);
  }

  /** Whether a reader has bytes to read (or an end to see) without blocking. */
  @FunctionalInterface
  interface Readable {
    /**
     * {@return whether a read would return at once}
     *
     * @throws IOException when the source cannot tell (the read that follows reports it)
     */
    boolean now() throws IOException;
  }

  /** What {@link #beforeRead} returns when the read will not block. */
  static final long NO_WAIT = Long.MIN_VALUE;

  /**
   * Call before a read that may block: returns at once when the source is readable, else spins for it
   * within the budget. Pass what it returns to {@link #afterRead} once the read has returned.
   *
   * @param source whether the source is readable
   * @return {@link #NO_WAIT} when the read will not block, else when the wait started
   */
  long beforeRead(Readable source) {
    try {
      if (source.now()) {
        return NO_WAIT;
      }
      long start = System.nanoTime();
      long budget = nanos;
      if (budget == 0) {
        return start;
      }
      if (!spinners.enter()) {
        return start;
      }
      try {
        return spin(source, start, budget) ? NO_WAIT : start;
      } finally {
        spinners.leave();
      }
    } catch (IOException e) {
      return NO_WAIT; // a closed or broken source: the read says so
    }
  }

  /** Polls until the source is readable ({@code true}) or the budget is spent ({@code false}). */
  private boolean spin(Readable source, long start, long budget) throws IOException {
    long pause = pausingNanos();
    while (true) {
      long spent = System.nanoTime() - start;
      if (spent > budget) {
        return false;
      }
      boolean pausing = spent < pause;
      if (pausing) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the peer may be waiting for this very CPU
      }
      if (source.now()) {
        caught(pausing);
        return true;
      }
    }
  }

  /**
   * Call after the read {@link #beforeRead} prepared: a read that blocked teaches the budget how long
   * the wait was.
   *
   * @param start what {@link #beforeRead} returned
   */
  void afterRead(long start) {
    if (start != NO_WAIT) {
      parked(System.nanoTime() - start);
    }
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

  /** The readers spinning at once, up to a limit. */
  static final class Spinners {
    private final int most;
    private final AtomicInteger spinning = new AtomicInteger();

    /**
     * Creates a count.
     *
     * @param most how many may spin at once
     */
    Spinners(int most) {
      this.most = most;
    }

    /** {@return whether one more reader may spin now; if so it must {@link #leave} after} */
    boolean enter() {
      if (spinning.incrementAndGet() > most) {
        spinning.decrementAndGet();
        return false;
      }
      return true;
    }

    /** Ends a spin {@link #enter} allowed. */
    void leave() {
      spinning.decrementAndGet();
    }
  }
}
