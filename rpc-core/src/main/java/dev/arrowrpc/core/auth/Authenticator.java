package dev.arrowrpc.core.auth;

import java.util.Optional;

/**
 * Authenticates each request before it is dispatched, on any server transport that is given one
 * (HTTP, Unix socket, TCP); the identity it returns reaches the method through {@link
 * dev.arrowrpc.core.CallContext#principal()}, the access record, and binds the stream tokens issued
 * to the caller. Every request is authenticated on its own (no connection is trusted because an
 * earlier request on it was). On HTTP, {@code /health} and {@code OPTIONS} requests are never
 * authenticated. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * Decides who is calling.
   *
   * @param request the request's transport, headers (or carried credentials) and peer
   * @return the caller ({@link Identity#ANONYMOUS} to let an unauthenticated caller through)
   * @throws AuthenticationException to refuse the request (HTTP: unauthenticated; byte channels: an {@code
   *     AuthenticationError})
   */
  Identity authenticate(AuthRequest request) throws AuthenticationException;

  /**
   * The challenge advertised with a refusal, if any (HTTP sends it as {@code WWW-Authenticate}).
   *
   * @return the challenge, such as {@code Bearer}
   */
  default Optional<String> challenge() {
    return Optional.empty();
  }
}
