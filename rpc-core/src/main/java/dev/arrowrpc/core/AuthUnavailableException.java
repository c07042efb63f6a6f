package dev.arrowrpc.core;

/**
 * An authenticator (or an identity hook calling the same authority) could not find out whether a
 * credential is good: the authority is unreachable, timed out, or failed. It is not a rejection.
 * Over HTTP an authenticator throwing it answers "service unavailable" with {@code Retry-After},
 * never "unauthenticated", so an
 * outage does not send every caller to re-authenticate; thrown from a {@code vgi_rpc.Identity.v2}
 * hook it reaches the caller as {@code identity_unavailable} carrying the same retry hint.
 *
 * <p>Deliberately not an {@link IllegalArgumentException}: nothing that treats a bad argument as
 * "not my credential, try the next authenticator" catches it.
 */
public final class AuthUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The retry hint when none is given, in seconds. */
  public static final long DEFAULT_RETRY_AFTER_SECONDS = 5;

  /** How long the caller should wait before retrying, in seconds. */
  private final long retryAfterSeconds;

  /**
   * Creates the signal.
   *
   * @param detail operator-facing text; never the credential
   * @param retryAfterSeconds how long the caller should wait before asking again, at least 0
   */
  public AuthUnavailableException(String detail, long retryAfterSeconds) {
    super(detail);
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must not be negative");
    }
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** {@return the retry hint, in seconds} */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
