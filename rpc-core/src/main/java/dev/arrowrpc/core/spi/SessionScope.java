package dev.arrowrpc.core.spi;

import dev.arrowrpc.core.Sessions;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds a request's {@link Sessions} to the thread answering it, so the call contexts created
 * while it is answered ({@link dev.arrowrpc.core.CallContext#sessions()}) reach them. A transport
 * that offers sessions enters a scope around {@link RequestEngine#handle} and closes it after.
 */
public final class SessionScope implements AutoCloseable {
  private static final ThreadBinding<Sessions> BOUND = new ThreadBinding<>();

  private final Sessions previous;

  private SessionScope(Sessions previous) {
    this.previous = previous;
  }

  /**
   * Binds {@code sessions} to this thread until the returned scope is closed.
   *
   * @param sessions the request's sessions
   * @return the scope, to close on the same thread
   */
  public static SessionScope enter(Sessions sessions) {
    return new SessionScope(BOUND.bind(Objects.requireNonNull(sessions, "sessions")));
  }

  /** {@return the sessions bound to this thread, if any} */
  public static Optional<Sessions> current() {
    return BOUND.current();
  }

  /** Restores what was bound before. */
  @Override
  public void close() {
    BOUND.restore(previous);
  }
}
