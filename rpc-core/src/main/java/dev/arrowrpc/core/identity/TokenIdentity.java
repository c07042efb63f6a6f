package dev.arrowrpc.core.identity;

import java.util.Objects;

/**
 * What an opaque credential resolves to. It never carries claims: an asker derives what it needs
 * from the principal alone.
 *
 * @param principal the canonical principal
 * @param token_name a human-readable name for the credential (never the credential itself)
 * @param ttl_seconds how long the answer may be cached; {@code 0} means not at all, and is kept as
 *     given
 */
public record TokenIdentity(String principal, String token_name, long ttl_seconds) {
  /** The cache lifetime of an identity whose resolver names none. */
  public static final long DEFAULT_TTL_SECONDS = 300;

  /**
   * Checks the components.
   *
   * @param principal the canonical principal
   * @param token_name a human-readable name for the credential (never the credential itself)
   * @param ttl_seconds how long the answer may be cached; {@code 0} means not at all, and is kept as given
   */
  public TokenIdentity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(token_name, "token_name");
  }

  /**
   * An identity naming only its principal: no token name, the default cache lifetime.
   *
   * @param principal the principal
   * @return the identity
   */
  public static TokenIdentity of(String principal) {
    return new TokenIdentity(principal, "", DEFAULT_TTL_SECONDS);
  }
}
