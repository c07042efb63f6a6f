package dev.arrowrpc.core.wire;

import java.io.IOException;

/**
 * The bytes on a channel are not a well-formed Arrow IPC stream (bad framing, truncation, a batch
 * that does not match its schema). After this the channel's framing can no longer be trusted.
 */
public final class WireFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public WireFormatException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
