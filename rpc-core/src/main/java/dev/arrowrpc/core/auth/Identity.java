package dev.arrowrpc.core.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as a transport's authentication established it.
 *
 * @param principal the authenticated principal, or empty for an anonymous caller
 * @param domain the authentication domain (for example {@code bearer}), empty when anonymous
 * @param claims what the authentication established besides the principal (for example {@code
 *     auth_time}); values are strings, numbers, booleans or lists of strings
 */
public record Identity(Optional<String> principal, String domain, Map<String, Object> claims) {
  /** An unauthenticated caller. */
  public static final Identity ANONYMOUS = new Identity(Optional.empty(), "");

  /**
   * Validates the components and copies the claims, keeping their order.
   *
   * @param principal the authenticated principal, or empty for an anonymous caller
   * @param domain the authentication domain (for example {@code bearer}), empty when anonymous
   * @param claims what the authentication established besides the principal (for example {@code auth_time});
   *     values are strings, numbers, booleans or lists of strings
   */
  public Identity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(domain, "domain");
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(claims, "claims")));
  }

  /**
   * A caller without claims.
   *
   * @param principal the principal, or empty when anonymous
   * @param domain the authentication domain
   */
  public Identity(Optional<String> principal, String domain) {
    this(principal, domain, Map.of());
  }

  /**
   * {@return an authenticated caller}
   *
   * @param principal the principal, or empty when anonymous
   * @param domain the authentication domain
   */
  public static Identity of(String principal, String domain) {
    return new Identity(Optional.of(principal), domain);
  }

  /**
   * {@return an authenticated caller with claims}
   *
   * @param principal the principal, or empty when anonymous
   * @param domain the authentication domain
   * @param claims what the authentication established besides the principal (for example {@code auth_time});
   *     values are strings, numbers, booleans or lists of strings
   */
  public static Identity of(String principal, String domain, Map<String, ?> claims) {
    return new Identity(Optional.of(principal), domain, new LinkedHashMap<String, Object>(claims));
  }
}
