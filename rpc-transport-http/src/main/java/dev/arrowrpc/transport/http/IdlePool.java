package dev.arrowrpc.transport.http;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Objects holding native memory (zstd contexts and decoders) kept idle for reuse, at most {@code
 * capacity} of them: one given back beyond that, or after the pool is closed, is freed at once.
 * Thread-safe; an object taken belongs to its taker until given back.
 *
 * @param <T> what is kept
 */
final class IdlePool<T> implements AutoCloseable {
  private final int capacity;
  private final Consumer<T> free;
  private final ArrayDeque<T> idle = new ArrayDeque<>();
  private boolean closed;

  /**
   * A pool.
   *
   * @param capacity the most objects kept idle (0: none)
   * @param free frees an object that is not kept
   */
  IdlePool(int capacity, Consumer<T> free) {
    this.capacity = capacity;
    this.free = free;
  }

  /** {@return a capacity sized for the machine: as many as processors, 2 to 8} */
  static int machineCapacity() {
    return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  /** {@return the object given back last, when one is idle} */
  synchronized Optional<T> take() {
    return Optional.ofNullable(idle.pollLast());
  }

  /**
   * Keeps an object for the next taker, or frees it when the pool is full or closed.
   *
   * @param object an object taken from the pool or made for it
   */
  void giveBack(T object) {
    synchronized (this) {
      if (!closed && idle.size() < capacity) {
        idle.addLast(object);
        return;
      }
    }
    free.accept(object);
  }

  /**
   * Frees an object that is not to be kept.
   *
   * @param object the object
   */
  void free(T object) {
    free.accept(object);
  }

  /** {@return how many objects are idle} */
  synchronized int idle() {
    return idle.size();
  }

  /** Frees the idle objects; those in use are freed when given back. Idempotent. */
  @Override
  public void close() {
    ArrayDeque<T> freed;
    synchronized (this) {
      closed = true;
      freed = new ArrayDeque<>(idle);
      idle.clear();
    }
    freed.forEach(free);
  }
}
