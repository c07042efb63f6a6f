package dev.arrowrpc.conformance;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Sessions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of the sticky-session methods, kept in the call's sticky session ({@link
 * CallContext#sessions()}). A session binds server state to a client across HTTP requests; the
 * pipe, Unix-socket and TCP transports have none (a connection is its own session), and neither
 * does an HTTP server without sticky sessions, so there opening one fails as the reference fails
 * it, and every method that needs a bound counter reports that none is.
 */
final class StickyCounters {
  /** The message of a call that needs a session counter and has none. */
  static final String NO_COUNTER = "no sticky counter bound to this request";

  private static final StickyCounters PROCESS_WIDE = new StickyCounters();

  /**
   * The sessions of this process: the ones {@link ConformanceServiceImpl} uses, and the ones a
   * session-counter stream state restored from an HTTP stream token re-attaches.
   *
   * @return the process-wide sessions
   */
  static StickyCounters processWide() {
    return PROCESS_WIDE;
  }

  /**
   * Opens a session holding a new counter.
   *
   * @param context the call
   * @param initial the counter's first value
   * @return the counter
   * @throws IllegalStateException (RuntimeError) when the transport has no sticky sessions, or the
   *     request did not opt in to them
   */
  AtomicLong open(CallContext context, long initial) {
    Sessions sessions = context.sessions()
        .orElseThrow(() -> new IllegalStateException("sticky sessions not available on this transport"));
    AtomicLong counter = new AtomicLong(initial);
    sessions.open(counter);
    return counter;
  }

  /**
   * The counter of the session bound to the call.
   *
   * @param context the call
   * @return the counter
   * @throws IllegalStateException (RuntimeError) when no session is bound
   */
  AtomicLong bound(CallContext context) {
    return context.sessions().flatMap(Sessions::state)
        .filter(AtomicLong.class::isInstance).map(AtomicLong.class::cast)
        .orElseThrow(() -> new IllegalStateException(NO_COUNTER));
  }

  /**
   * Closes the session bound to the call.
   *
   * @param context the call
   * @throws IllegalStateException (RuntimeError) when no session is bound
   */
  void close(CallContext context) {
    bound(context);
    context.sessions().orElseThrow().close();
  }
}
