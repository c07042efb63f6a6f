package dev.arrowrpc.core.identity;

import java.util.List;

/**
 * A deployment's policy for minting grants: the {@code mint_grant} hook behind {@code issue_grant}.
 * The framework checks the caller's freshness first and passes the caller's own principal: there is
 * no way to mint for somebody else.
 */
@FunctionalInterface
public interface GrantMinter {
  /**
   * Mints a grant.
   *
   * @param principal the caller's authenticated principal
   * @param purpose why the grant is wanted
   * @param scopes what it may do, in request order
   * @param ttlSeconds the requested lifetime (a request: the returned grant's expiry is authoritative)
   * @return the grant
   * @throws dev.arrowrpc.core.RpcException built by {@link IdentityErrors#grantRefused} to decline
   * @throws dev.arrowrpc.core.AuthUnavailableException when the grant store is unreachable
   */
  IssuedGrant mint(String principal, String purpose, List<String> scopes, long ttlSeconds);
}
