package dev.arrowrpc.core.identity;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.RpcService;
import java.util.List;

/**
 * {@code vgi_rpc.Identity.v2} (WIRE_PROTOCOL.md §16): resolving an opaque credential to the
 * principal it authenticates as, and minting a standing grant for the caller. The framework hosts
 * it (see {@link IdentityConfig}); an application never registers it itself. Only the methods whose
 * hooks a deployment configured are hosted, and the protocol hash narrows with them.
 *
 * <p>The parameter names, their order and the nullable list item of {@code scopes} are part of the
 * protocol hash.
 */
@RpcService(name = IdentityProtocol.NAME)
public interface IdentityProtocol {
  /** The protocol's wire name. */
  String NAME = "vgi_rpc.Identity.v2";

  /** The resolving method's wire name. */
  String INTROSPECT_TOKEN = "introspect_token";

  /** The minting method's wire name. */
  String ISSUE_GRANT = "issue_grant";

  /**
   * Resolves an opaque bearer credential to the identity it authenticates as. Only allowlisted
   * callers may ask; every rejection of the credential is the same answer.
   *
   * @param token the credential, exactly as the asker received it
   * @return the identity
   */
  TokenIdentity introspect_token(String token);

  /**
   * Mints a standing grant for the calling user, who must have authenticated recently. There is no
   * subject parameter: the grant is always for the caller.
   *
   * @param purpose why the grant is minted, for the audit trail
   * @param scopes what it may do (the worker decides what they mean)
   * @param ttl_seconds the requested lifetime; the returned {@code expires_at} is authoritative
   * @return the grant
   */
  IssuedGrant issue_grant(String purpose, List<@Nullable String> scopes, long ttl_seconds);
}
