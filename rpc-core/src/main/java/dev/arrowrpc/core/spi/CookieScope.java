package dev.arrowrpc.core.spi;

import dev.arrowrpc.core.ResponseCookie;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Binds a request's HTTP cookies to the thread answering it, so the call contexts created while it is
 * answered ({@link dev.arrowrpc.core.CallContext#cookies()}, {@link
 * dev.arrowrpc.core.CallContext#setCookie}) reach them. A transport that has cookies enters a scope
 * around {@link RequestEngine#handle} and closes it after, then sends the cookies set.
 */
public final class CookieScope implements AutoCloseable {
  private static final ThreadBinding<Cookies> BOUND = new ThreadBinding<>();

  private final Cookies previous;

  private CookieScope(Cookies previous) {
    this.previous = previous;
  }

  /**
   * A request's cookies.
   *
   * @param received the cookies the request sent, by name
   * @param sink where cookies a method sets go; empty where setting one is not supported (a stream's
   *     turns, whose answers are not one response a cookie can ride)
   */
  public record Cookies(Map<String, String> received, Optional<Consumer<ResponseCookie>> sink) {
    /**
     * Copies the received cookies.
     *
     * @param received the cookies the request sent, by name
     * @param sink where cookies a method sets go, if it may set any
     */
    public Cookies {
      received = Map.copyOf(received);
      Objects.requireNonNull(sink, "sink");
    }
  }

  /**
   * Binds {@code cookies} to this thread until the returned scope is closed.
   *
   * @param cookies the request's cookies
   * @return the scope, to close on the same thread
   */
  public static CookieScope enter(Cookies cookies) {
    return new CookieScope(BOUND.bind(Objects.requireNonNull(cookies, "cookies")));
  }

  /** {@return the cookies bound to this thread, if any} */
  public static Optional<Cookies> current() {
    return BOUND.current();
  }

  /** Restores what was bound before. */
  @Override
  public void close() {
    BOUND.restore(previous);
  }
}
