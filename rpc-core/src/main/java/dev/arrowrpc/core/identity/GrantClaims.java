package dev.arrowrpc.core.identity;

import java.util.List;
import java.util.Objects;

/**
 * What a sealed grant says.
 *
 * @param principal whose standing delegation it is
 * @param scopes what it may do, in request order
 * @param purpose why it was minted
 * @param grantId its correlation handle
 * @param issuedAt seconds since the Unix epoch
 * @param expiresAt seconds since the Unix epoch
 */
record GrantClaims(String principal, List<String> scopes, String purpose, String grantId, long issuedAt,
    long expiresAt) {
  /** Checks and copies the components. */
  public GrantClaims {
    Objects.requireNonNull(principal, "principal");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(grantId, "grantId");
  }
}
