package dev.arrowrpc.core.identity;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.AuthReason;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.AuthenticationException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.identity.CredentialGuards;
import dev.arrowrpc.core.identity.GrantClaims;
import dev.arrowrpc.core.identity.GrantInvalidException;
import dev.arrowrpc.core.identity.GrantKeys;
import dev.arrowrpc.core.identity.IdentityConfig;
import dev.arrowrpc.core.identity.IdentityErrors;
import dev.arrowrpc.core.identity.SealedGrants;
import dev.arrowrpc.core.identity.TokenIdentity;
import dev.arrowrpc.core.identity.TokenResolver;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts identity credentials as bearers (WIRE_PROTOCOL.md §16, IDENTITY_V2_SPEC.md §9.2-9.3),
 * after the deployment's own authenticator: first the server's sealed grants (only a bearer with the
 * exact {@code vgig1.} prefix reaches the verifier, and one that fails it is a refusal that stops the
 * chain), then the identity protocol's token resolver (never for a grant-prefixed, blank, over-long
 * or JWS-shaped bearer). A resolver outage is an {@link AuthUnavailableException} (HTTP answers 503
 * with {@code Retry-After}), never a refusal. A request with no bearer keeps whatever the deployment's
 * authenticator decided. Every server transport that authenticates wraps its authenticator with
 * {@link #wrap}.
 */
public final class IdentityBearerAuthenticator implements Authenticator {
  /** The domain of a grant-authenticated caller. */
  public static final String GRANT_DOMAIN = "grant";
  /** The domain of a caller authenticated by the token resolver. */
  public static final String TOKEN_DOMAIN = "token";

  private final Optional<Authenticator> deployment;
  private final Optional<GrantKeys> keys;
  private final Optional<TokenResolver> resolver;
  private final Clock clock;

  private IdentityBearerAuthenticator(Optional<Authenticator> deployment, Optional<GrantKeys> keys,
      Optional<TokenResolver> resolver, Clock clock) {
    this.deployment = deployment;
    this.keys = keys;
    this.resolver = resolver;
    this.clock = clock;
  }

  /**
   * The authenticator a server transport uses: the deployment's alone, unless the server hosts identity
   * with grant keys or a resolver, in which case those are consulted after it.
   *
   * @param identity the server's identity configuration, if any
   * @param deployment the deployment's authenticator, if any
   * @return the authenticator, if any
   */
  public static Optional<Authenticator> wrap(Optional<IdentityConfig> identity, Optional<Authenticator> deployment) {
    if (identity.isEmpty() || (identity.get().grantKeys().isEmpty() && identity.get().resolver().isEmpty())) {
      return deployment;
    }
    IdentityConfig config = identity.get();
    return Optional.of(new IdentityBearerAuthenticator(deployment, config.grantKeys(), config.resolver(), config.clock()));
  }

  @Override
  public Identity authenticate(AuthRequest request) throws AuthenticationException {
    AuthenticationException refused = null;
    Identity decided = Identity.ANONYMOUS;
    if (deployment.isPresent()) {
      try {
        decided = deployment.get().authenticate(request);
        if (decided.principal().isPresent()) {
          return decided;
        }
      } catch (AuthenticationException e) {
        refused = e;
      }
    }
    if (request.header("authorization").isEmpty()) {
      if (refused != null) {
        throw refused;
      }
      return decided;
    }
    // a credential was presented: accepted here, or refused (an empty or non-bearer one by nothing)
    String token = bearer(request).orElse("");
    if (token.isEmpty()) {
      // nothing here accepts it
    } else if (token.startsWith(SealedGrants.PREFIX)) {
      if (keys.isPresent()) {
        return grant(keys.get(), token);
      }
    } else if (resolver.isPresent() && !CredentialGuards.refused(token)) {
      Optional<Identity> resolved = resolve(resolver.get(), token);
      if (resolved.isPresent()) {
        return resolved.get();
      }
    }
    if (refused != null) {
      throw refused;
    }
    throw new AuthenticationException(AuthReason.INVALID_CREDENTIAL, "the bearer credential was not accepted");
  }

  private Identity grant(GrantKeys grantKeys, String token) throws AuthenticationException {
    GrantClaims claims;
    try {
      claims = SealedGrants.verify(grantKeys, token, clock.instant());
    } catch (GrantInvalidException e) {
      throw new AuthenticationException(e.expired() ? AuthReason.EXPIRED_CREDENTIAL : AuthReason.INVALID_CREDENTIAL,
          e.expired() ? "the grant is outside its lifetime" : "the grant was not accepted");
    }
    Map<String, Object> granted = new LinkedHashMap<>();
    granted.put("grant_id", claims.grantId());
    granted.put("scopes", claims.scopes());
    granted.put("purpose", claims.purpose());
    return Identity.of(claims.principal(), GRANT_DOMAIN, granted);
  }

  private static Optional<Identity> resolve(TokenResolver resolver, String token) {
    Optional<TokenIdentity> identity;
    try {
      identity = resolver.resolve(token);
    } catch (RpcException e) {
      Optional<Long> retry = IdentityErrors.retryAfterOf(e);
      if (retry.isPresent()) {
        throw new AuthUnavailableException(e.errorMessage(), retry.get());
      }
      throw e;
    }
    return identity.map(found -> Identity.of(found.principal(), TOKEN_DOMAIN, Map.of("token_name", found.token_name())));
  }

  /** The credential of an {@code Authorization: Bearer} header, if the request carries one. */
  static Optional<String> bearer(AuthRequest request) {
    return request.header("authorization").flatMap(value -> {
      int space = value.indexOf(' ');
      if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
        return Optional.empty();
      }
      return Optional.of(value.substring(space + 1));
    });
  }

  @Override
  public Optional<String> challenge() {
    return deployment.flatMap(Authenticator::challenge).or(() -> Optional.of("Bearer"));
  }
}
