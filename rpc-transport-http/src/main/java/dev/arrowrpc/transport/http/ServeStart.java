package dev.arrowrpc.transport.http;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a server's {@link ServeStartHook} on its first request, and again on each later request
 * until it has succeeded once. The success is recorded only after the hook returns, so a failed
 * start leaves the server to retry rather than to serve half-started.
 */
final class ServeStart {
  private static final Logger LOG = LoggerFactory.getLogger(ServeStart.class);

  private final Optional<ServeStartHook> hook;
  private volatile boolean started;

  ServeStart(Optional<ServeStartHook> hook) {
    this.hook = hook;
    this.started = hook.isEmpty();
  }

  /**
   * Runs the hook unless it has already succeeded.
   *
   * @param requestId the request that triggered it, for the log
   * @return whether the server has started (false: the hook failed on this request)
   */
  boolean ensure(String requestId) {
    if (started) {
      return true;
    }
    synchronized (this) {
      if (started) {
        return true;
      }
      try {
        hook.orElseThrow().onServeStart();
      } catch (Exception e) {
        LOG.error("the serve-start hook failed on request {}; the next request retries it", requestId, e);
        return false;
      }
      started = true;
      return true;
    }
  }
}
