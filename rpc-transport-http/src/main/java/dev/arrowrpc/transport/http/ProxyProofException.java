package dev.arrowrpc.transport.http;

import java.util.Objects;

/**
 * A proxy proof that did not verify. The message is diagnostic detail for the server's log; it may
 * contain text the caller chose and must never be sent back.
 */
public final class ProxyProofException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which check failed. */
  private final ProxyProofFailure failure;

  /**
   * Creates the exception.
   *
   * @param failure which check failed
   * @param detail what exactly, for the log
   */
  public ProxyProofException(ProxyProofFailure failure, String detail) {
    super(Objects.requireNonNull(detail, "detail"));
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** {@return which check failed} */
  public ProxyProofFailure failure() {
    return failure;
  }
}
