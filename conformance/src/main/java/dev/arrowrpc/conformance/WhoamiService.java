package dev.arrowrpc.conformance;

import dev.arrowrpc.core.RpcService;

/**
 * {@code conformance.Whoami.v1}, hosted only by the grant worker ({@code --identity grants}):
 * reports how the request was authenticated, so the suite can see what a bearer became.
 */
@RpcService(name = WhoamiService.PROTOCOL_NAME)
public interface WhoamiService {
  /** The protocol's name, its routing key. */
  String PROTOCOL_NAME = "conformance.Whoami.v1";

  /** The protocol hash the reference pins (IDENTITY_CONFORMANCE_FIXTURE.md §10). */
  String PROTOCOL_HASH = "a280333ba72432020e162cab388a78355969a30aa74f0665ad9d2932d7a10b8f";

  /**
   * The caller's authentication as compact JSON with sorted keys: {@code {"authenticated": bool,
   * "claims": {...}, "domain": str, "principal": str}}, empty strings for an absent domain or
   * principal.
   */
  String whoami();
}
