package dev.arrowrpc.core.identity;

import java.util.Optional;

/**
 * A deployment's policy for resolving an opaque credential: the {@code resolve_token} hook behind
 * {@code introspect_token} and behind bearer authentication over HTTP. The framework applies every
 * guard (allowlist, shape, size) before calling it and hands it the credential exactly as sent.
 */
@FunctionalInterface
public interface TokenResolver {
  /**
   * Resolves a credential.
   *
   * @param token the credential, untrimmed
   * @return the identity, or empty when the store answered and does not know the credential
   * @throws dev.arrowrpc.core.RpcException built by {@link IdentityErrors#unavailable} when the
   *     answer is not knowable right now
   * @throws dev.arrowrpc.core.AuthUnavailableException likewise (translated to {@code
   *     identity_unavailable} with its retry hint)
   */
  Optional<TokenIdentity> resolve(String token);
}
