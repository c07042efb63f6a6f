package dev.arrowrpc.core.spi;

import java.util.Optional;

/**
 * One value bound to the thread answering a request, put back to what was bound before when its
 * scope closes: the mechanism behind {@link SessionScope} and {@link CookieScope}.
 *
 * @param <T> the value's type
 */
final class ThreadBinding<T> {
  private final ThreadLocal<T> bound = new ThreadLocal<>();

  /**
   * Binds a value to this thread.
   *
   * @param value the value
   * @return what was bound before (null: nothing), for {@link #restore}
   */
  T bind(T value) {
    T previous = bound.get();
    bound.set(value);
    return previous;
  }

  /**
   * Puts back what was bound before {@link #bind}.
   *
   * @param previous its result
   */
  void restore(T previous) {
    if (previous == null) {
      bound.remove();
    } else {
      bound.set(previous);
    }
  }

  /** {@return the value bound to this thread, if any} */
  Optional<T> current() {
    return Optional.ofNullable(bound.get());
  }
}
