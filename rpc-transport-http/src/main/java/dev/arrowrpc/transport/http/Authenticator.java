package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.server.Identity;
import java.util.Optional;

/**
 * Authenticates each HTTP request before it is dispatched; the identity it returns reaches the
 * method through {@link dev.arrowrpc.core.CallContext#principal()} and binds the stream tokens
 * issued to the caller. {@code /health} and {@code OPTIONS} requests are never authenticated.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * Decides who is calling.
   *
   * @param request the request's method, path, headers and peer
   * @return the caller ({@link Identity#ANONYMOUS} to let an unauthenticated caller through)
   * @throws AuthenticationException to refuse the request with 401
   */
  Identity authenticate(AuthRequest request) throws AuthenticationException;

  /**
   * The {@code WWW-Authenticate} challenge sent with a 401, if any.
   *
   * @return the challenge, such as {@code Bearer}
   */
  default Optional<String> challenge() {
    return Optional.empty();
  }
}
