package dev.arrowrpc.transport.pipe;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds a socket server puts on its connections.
 *
 * @param maxConnections the most connections served at once; one more is closed as soon as it is
 *     accepted, so its client sees the end of the stream at once instead of waiting in the backlog
 * @param idleTimeout how long a connection may stay silent while the server waits for its next
 *     request (zero: no limit); it never runs while the server computes or writes a response
 * @param readTimeout how long a partly sent request may stall before more bytes arrive (zero: no
 *     limit)
 */
record ConnectionLimits(int maxConnections, Duration idleTimeout, Duration readTimeout) {
  /** The default connection cap. */
  static final int DEFAULT_MAX_CONNECTIONS = 64;
  /** The default idle timeout. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** The default read timeout. */
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  /** The defaults. */
  static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_READ_TIMEOUT);

  ConnectionLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive");
    }
    nonNegative(idleTimeout, "idleTimeout");
    nonNegative(readTimeout, "readTimeout");
  }

  private static void nonNegative(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
  }

  ConnectionLimits withMaxConnections(int max) {
    return new ConnectionLimits(max, idleTimeout, readTimeout);
  }

  ConnectionLimits withIdleTimeout(Duration timeout) {
    return new ConnectionLimits(maxConnections, timeout, readTimeout);
  }

  ConnectionLimits withReadTimeout(Duration timeout) {
    return new ConnectionLimits(maxConnections, idleTimeout, timeout);
  }
}
