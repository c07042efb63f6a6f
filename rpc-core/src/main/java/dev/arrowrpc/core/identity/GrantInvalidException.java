package dev.arrowrpc.core.identity;

/**
 * A bearer carrying the sealed-grant prefix could not be accepted. One type for every cause, so a
 * forged token and a stale one look alike, except {@link #expired()}, which is set only once the
 * grant was proven authentic.
 */
final class GrantInvalidException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean expired;

  GrantInvalidException(String detail, boolean expired) {
    super(detail);
    this.expired = expired;
  }

  /** Whether the grant is authentic but outside its lifetime (expired or not yet valid). */
  public boolean expired() {
    return expired;
  }
}
