package dev.arrowrpc.core.identity;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Serves {@code vgi_rpc.Identity.v2}: the framework's guards, in their normative order, around the
 * deployment's hooks. The guards are the same in every deployment; the policy is the hooks'.
 */
public final class IdentityService {
  private static final ServiceSpec FULL = ServiceSpec.of(IdentityProtocol.class);

  private final IdentityConfig config;

  /**
   * Serves a configuration.
   *
   * @param config the hooks and policy
   */
  public IdentityService(IdentityConfig config) {
    this.config = config;
  }

  /**
   * The protocol's spec narrowed to some of its methods (the hash narrows with it).
   *
   * @param methods the hosted method names
   * @return the spec
   * @throws IllegalArgumentException when a name is not one of the protocol's methods
   */
  public static ServiceSpec spec(Set<String> methods) {
    Map<String, MethodSpec> hosted = new TreeMap<>();
    for (String name : methods) {
      MethodSpec method = FULL.methods().get(name);
      if (method == null) {
        throw new IllegalArgumentException(IdentityProtocol.NAME + " has no method " + name);
      }
      hosted.put(name, method);
    }
    return new ServiceSpec(IdentityProtocol.class, IdentityProtocol.NAME, Optional.empty(),
        Collections.unmodifiableMap(hosted));
  }

  /**
   * Resolves a credential for an allowlisted caller. Order: hook present, caller authorised, then the
   * credential's shape, then the hook; every rejection of the credential is the same answer.
   *
   * @param token the credential
   * @param ctx the call
   * @return the identity
   */
  public TokenIdentity introspect_token(String token, CallContext ctx) {
    TokenResolver resolver = config.resolver()
        .orElseThrow(() -> IdentityErrors.introspectionRefused("this worker does not resolve credentials"));
    // authorization first: an unauthorised caller learns nothing about the credential, not even timing
    if (!ctx.authenticated() || !ctx.principal().map(config.introspectors()::contains).orElse(false)) {
      throw IdentityErrors.introspectionRefused("caller is not an introspector");
    }
    if (CredentialGuards.refused(token)) {
      throw IdentityErrors.tokenUnresolved();
    }
    Optional<TokenIdentity> identity;
    try {
      identity = resolver.resolve(token);
    } catch (AuthUnavailableException e) {
      throw translated(e);
    }
    return identity.orElseThrow(IdentityErrors::tokenUnresolved);
  }

  /**
   * Mints a grant for the caller, who must have authenticated recently; the hook receives the
   * caller's own principal.
   *
   * @param purpose why
   * @param scopes what it may do
   * @param ttl_seconds the requested lifetime
   * @param ctx the call
   * @return the grant
   */
  public IssuedGrant issue_grant(String purpose, List<String> scopes, long ttl_seconds, CallContext ctx) {
    GrantMinter minter = config.minter()
        .orElseThrow(() -> IdentityErrors.grantRefused("this worker does not mint grants"));
    String principal = fresh(ctx);
    try {
      return minter.mint(principal, purpose, scopes, ttl_seconds);
    } catch (AuthUnavailableException e) {
      throw translated(e);
    }
  }

  /** The caller's principal, if it authenticated within the allowed age; else {@code stale_auth}. */
  private String fresh(CallContext ctx) {
    Optional<String> principal = ctx.principal().filter(p -> !p.isEmpty());
    if (!ctx.authenticated() || principal.isEmpty()) {
      throw IdentityErrors.staleAuth("caller is not authenticated");
    }
    Object raw = ctx.claims().get("auth_time");
    if (raw == null) {
      throw IdentityErrors.staleAuth(
          "credential carries no auth_time; only a recently authenticated user may mint a grant");
    }
    double authTime;
    try {
      authTime = raw instanceof Number number ? number.doubleValue() : Double.parseDouble(raw.toString().strip());
    } catch (NumberFormatException e) {
      authTime = Double.NaN;
    }
    if (!Double.isFinite(authTime)) {
      throw IdentityErrors.staleAuth("credential carries an unusable auth_time");
    }
    Instant now = config.clock().instant();
    double age = now.getEpochSecond() + now.getNano() / 1e9 - authTime;
    double ceiling = config.maxAuthAge().toNanos() / 1e9;
    if (age > ceiling) {
      throw IdentityErrors.staleAuth(String.format(java.util.Locale.ROOT,
          "last authentication was %.0fs ago, over the %.0fs ceiling for minting a grant; re-authenticate",
          age, ceiling));
    }
    return principal.get();
  }

  private static RuntimeException translated(AuthUnavailableException e) {
    // the hook's own hint survives; the cause stays here (its text is the operator's, not the caller's)
    return IdentityErrors.unavailable(e.getMessage() == null ? "" : e.getMessage(), e.retryAfterSeconds());
  }
}
