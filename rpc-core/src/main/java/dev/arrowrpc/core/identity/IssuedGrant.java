package dev.arrowrpc.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * A minted grant. The token's format is the minter's entirely; the framework never parses or logs
 * it. {@code expires_at} is a declaration (the real lifetime lives inside the token) and travels as
 * {@code timestamp[us, tz="UTC"]}.
 *
 * @param token the credential
 * @param expires_at when the minter stops honouring it
 * @param grant_id a correlation handle for the audit trail (not secret), or empty
 */
public record IssuedGrant(String token, Instant expires_at, String grant_id) {
  /**
   * Checks the components.
   *
   * @param token the credential
   * @param expires_at when the minter stops honouring it
   * @param grant_id a correlation handle for the audit trail (not secret), or empty
   */
  public IssuedGrant {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expires_at, "expires_at");
    Objects.requireNonNull(grant_id, "grant_id");
  }

  /**
   * A grant without a correlation handle.
   *
   * @param token the credential
   * @param expiresAt when it stops being honoured
   * @return the grant
   */
  public static IssuedGrant of(String token, Instant expiresAt) {
    return new IssuedGrant(token, expiresAt, "");
  }
}
