package dev.arrowrpc.transport.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The nonces of recently accepted proxy proofs, so a proof cannot be replayed inside its timestamp
 * window. Bounded twice: every entry expires after a fixed time to live, and the total is capped —
 * a time to live alone bounds how long an entry stays, never how many arrive meanwhile, so without
 * the cap distinct nonces sent at line rate would grow the process without limit. On overflow the
 * oldest entry is evicted (and counted) rather than the request refused: a burst must not become an
 * outage, and the timestamp window still bounds how long an evicted nonce could be replayed.
 *
 * <p>Thread-safe; the test and the insert are one atomic step, so two concurrent replays of one
 * nonce cannot both be accepted.
 */
public final class NonceCache {
  /** The capacity unless configured otherwise. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final long ttlNanos;
  private final int capacity;
  private final LongSupplier nanoClock;
  /** Nonce to expiry, in insertion order; with one time to live for all, that is expiry order too. */
  private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>();
  private long evicted;
  private long replays;

  /**
   * Creates a cache on the monotonic clock.
   *
   * @param ttl how long a nonce is remembered
   * @param capacity the most nonces remembered at once
   */
  public NonceCache(Duration ttl, int capacity) {
    this(ttl, capacity, System::nanoTime);
  }

  /**
   * Creates a cache on a given clock (for tests).
   *
   * @param ttl how long a nonce is remembered
   * @param capacity the most nonces remembered at once
   * @param nanoClock a monotonic clock, in nanoseconds
   */
  public NonceCache(Duration ttl, int capacity, LongSupplier nanoClock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the nonce time to live must be positive");
    }
    if (capacity <= 0) {
      throw new IllegalArgumentException("the nonce cache capacity must be positive");
    }
    this.ttlNanos = ttl.toNanos();
    this.capacity = capacity;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Remembers a nonce unless it is already remembered.
   *
   * @param nonce the nonce
   * @return true when the nonce is new (and now remembered), false for a replay
   */
  public synchronized boolean checkAndAdd(String nonce) {
    long now = nanoClock.getAsLong();
    sweep(now);
    if (entries.containsKey(nonce)) {
      replays++;
      return false;
    }
    Iterator<String> oldest = entries.keySet().iterator();
    while (entries.size() >= capacity) {
      oldest.next();
      oldest.remove();
      evicted++;
    }
    entries.put(nonce, now + ttlNanos);
    return true;
  }

  /** {@return the number of nonces remembered now} */
  public synchronized int size() {
    sweep(nanoClock.getAsLong());
    return entries.size();
  }

  /** {@return how many live nonces were evicted to stay within the capacity} */
  public synchronized long evicted() {
    return evicted;
  }

  /** {@return how many replays were refused} */
  public synchronized long replays() {
    return replays;
  }

  private void sweep(long now) {
    Iterator<Map.Entry<String, Long>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() - now > 0) {
        return;
      }
      it.remove();
    }
  }
}
