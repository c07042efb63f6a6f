package dev.arrowrpc.core.wire;

import java.io.IOException;

/**
 * The bytes on a channel are not a well-formed Arrow IPC stream (bad framing, truncation, a batch
 * that does not match its schema).
 *
 * <p>Two cases differ in what the reader of the channel may do next. When the framing is broken
 * (bytes that are not IPC, a message cut short, a length beyond the bounds) nothing after the
 * failure can be trusted. When the failing message arrived whole and only its content is wrong
 * ({@link #framingIntact()}), the channel sits at the next message boundary, and the rest of the
 * stream can be skipped by its framing alone (see {@link IpcStreamReader#skipRest()}).
 */
public final class WireFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Whether the failing message was read whole, leaving the channel at a message boundary. */
  private final boolean framingIntact;

  /**
   * Creates the exception for broken framing, with a message naming what was wrong.
   *
   * @param message the message
   */
  public WireFormatException(String message) {
    this(message, null, false);
  }

  /**
   * Creates the exception for broken framing, with a message and the underlying cause.
   *
   * @param message the message
   * @param cause the cause
   */
  public WireFormatException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private WireFormatException(String message, Throwable cause, boolean framingIntact) {
    super(message, cause);
    this.framingIntact = framingIntact;
  }

  /**
   * Creates the exception for a message that arrived whole but whose content is malformed.
   *
   * @param message what was wrong
   * @param cause the underlying failure, or null
   * @return the exception, with {@link #framingIntact()} true
   */
  public static WireFormatException inContent(String message, Throwable cause) {
    return new WireFormatException(message, cause, true);
  }

  /**
   * {@return whether the failing message was read whole, so that the channel is at a message boundary and
   * still in step; false when the framing itself is broken}
   */
  public boolean framingIntact() {
    return framingIntact;
  }
}
