package dev.arrowrpc.core.auth;

import java.util.Objects;

/**
 * Thrown by an {@link Authenticator} to refuse a request. An HTTP server answers it as unauthenticated, with the reason
 * in {@code VGI-Auth-Reason} and a JSON body (or an HTML page for a browser); a Unix-socket or TCP
 * server answers the request with an {@code AuthenticationError} error stream (code {@code
 * UNAUTHENTICATED}) and keeps serving the connection.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the credential was refused. */
  private final AuthReason reason;

  /**
   * Creates the refusal.
   *
   * @param reason why
   * @param detail a human-readable explanation, sent to the client (never include the credential)
   */
  public AuthenticationException(AuthReason reason, String detail) {
    super(Objects.requireNonNull(detail, "detail"));
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** {@return why the request was refused} */
  public AuthReason reason() {
    return reason;
  }

  /** {@return the explanation sent to the client} */
  public String detail() {
    return getMessage();
  }
}
