package dev.arrowrpc.transport.http;

/**
 * Why a proxy proof did not verify: the verifier's own diagnosis (docs/proxy-proof-spec.md §6).
 * These codes are for logs and metrics only; a caller is only ever told {@link
 * dev.arrowrpc.core.auth.AuthReason#PROXY_REQUIRED}, since it controls part of what the diagnosis depends on.
 */
public enum ProxyProofFailure {
  /** The header was absent. */
  NO_PROOF("no_proof"),
  /** Repeated, empty, too long, the wrong shape, or a field outside its charset. */
  MALFORMED("malformed"),
  /** The key id has no configured secret. */
  UNKNOWN_KID("unknown_kid"),
  /** The timestamp is older than the skew allows. */
  EXPIRED("expired"),
  /** The timestamp is further in the future than the skew allows. */
  NOT_YET_VALID("not_yet_valid"),
  /** The MAC does not match. */
  BAD_MAC("bad_mac"),
  /** The nonce was already accepted within the window. */
  REPLAYED("replayed");

  private final String code;

  ProxyProofFailure(String code) {
    this.code = code;
  }

  /** {@return the code as the reference spells it} */
  public String code() {
    return code;
  }
}
