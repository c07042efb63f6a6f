package dev.arrowrpc.core;

import java.util.Map;
import java.util.Objects;

/**
 * A log message a server sent to the client during a call.
 *
 * @param level severity
 * @param message text
 * @param extra free-form extras (string values), possibly empty
 */
public record LogMessage(LogLevel level, String message, Map<String, String> extra) {
  /**
   * Validates and copies the extras.
   *
   * @param level severity
   * @param message text
   * @param extra free-form extras (string values), possibly empty
   */
  public LogMessage {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
    extra = Map.copyOf(extra);
  }

  /**
   * {@return a message without extras}
   *
   * @param level severity
   * @param message text
   */
  public static LogMessage of(LogLevel level, String message) {
    return new LogMessage(level, message, Map.of());
  }
}
