package dev.arrowrpc.core.auth;

/**
 * Why a request was refused: the reference's closed set of reason codes (HTTP sends the code in its
 * unauthenticated answer's {@code VGI-Auth-Reason} header and body; a byte channel in the {@code AuthenticationError}'s
 * {@code ErrorInfo}).
 */
public enum AuthReason {
  /** No credential was presented. */
  MISSING_CREDENTIAL("missing_credential"),
  /** The credential is not valid. */
  INVALID_CREDENTIAL("invalid_credential"),
  /** The credential was valid once and has expired. */
  EXPIRED_CREDENTIAL("expired_credential"),
  /** The credential is valid but does not grant this call. */
  INSUFFICIENT_SCOPE("insufficient_scope"),
  /** Authentication depends on headers a reverse proxy must add, and they are missing. */
  PROXY_REQUIRED("proxy_required"),
  /** Any other refusal. */
  UNAUTHORIZED("unauthorized");

  private final String code;

  AuthReason(String code) {
    this.code = code;
  }

  /** {@return the code sent to the client} */
  public String code() {
    return code;
  }
}
