package dev.arrowrpc.core.spi;

import java.util.Optional;

/**
 * What a request did with a sticky session, for its access record: implemented by a transport's
 * {@link dev.arrowrpc.core.Sessions} (the one bound by {@link SessionScope}), read when the call is
 * reported.
 */
public interface SessionActivity {
  /**
   * The request's session action: {@code none} (no session touched), {@code open}, {@code resume}
   * or {@code close}.
   *
   * @return the action
   */
  String sessionAction();

  /**
   * The id of the session the request touched (24 lowercase hex digits), also after it was closed.
   *
   * @return the id, empty on {@code none}
   */
  Optional<String> sessionId();
}
