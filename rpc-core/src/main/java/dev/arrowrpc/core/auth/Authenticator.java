package dev.arrowrpc.core.auth;

import java.util.ArrayList;
import java.util.List;
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

  /**
   * Alternatives, tried in order, as the reference's {@code chain_authenticate}: the first that
   * accepts the request decides who calls. A refusal moves on to the next, except {@link
   * AuthReason#INSUFFICIENT_SCOPE} (the caller is known and not allowed), which stops the chain; an
   * authority that cannot be reached ({@link dev.arrowrpc.core.AuthUnavailableException}) stops it
   * too. When none accepts, the refusal names each one's reason, and its code is {@link
   * AuthReason#MISSING_CREDENTIAL} only when every alternative found no credential (else the first
   * other code: "send a credential" would mislead a caller whose credential was looked at). The
   * challenge is the first alternative's that has one.
   *
   * @param alternatives at least one
   * @return the chain
   * @throws IllegalArgumentException when none is given
   */
  static Authenticator chain(Authenticator... alternatives) {
    List<Authenticator> chain = List.of(alternatives);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one authenticator");
    }
    Optional<String> challenge = chain.stream().map(Authenticator::challenge).flatMap(Optional::stream).findFirst();
    return new Authenticator() {
      @Override
      public Identity authenticate(AuthRequest request) throws AuthenticationException {
        List<String> details = new ArrayList<>();
        AuthReason reason = null;
        for (Authenticator alternative : chain) {
          try {
            return alternative.authenticate(request);
          } catch (AuthenticationException refused) {
            if (refused.reason() == AuthReason.INSUFFICIENT_SCOPE) {
              throw refused;
            }
            details.add(refused.detail().isEmpty() ? refused.reason().code() : refused.detail());
            if (reason == null || (reason == AuthReason.MISSING_CREDENTIAL
                && refused.reason() != AuthReason.MISSING_CREDENTIAL)) {
              reason = refused.reason();
            }
          }
        }
        throw new AuthenticationException(reason,
            "No authenticator accepted the request (" + String.join("; ", details) + ")");
      }

      @Override
      public Optional<String> challenge() {
        return challenge;
      }
    };
  }
}
