package dev.arrowrpc.core;

import java.util.List;
import java.util.Map;

/**
 * Where a stream state writes one turn's output: log messages, then exactly one batch of rows (or,
 * for a producer, {@link #finish()} instead).
 *
 * @param <T> the row type
 */
public interface StreamOutput<T> {
  /**
   * Emits this turn's data batch. Call it once per turn.
   *
   * @param rows the rows of the batch (may be empty: a zero-row batch is still a batch)
   */
  void emit(List<T> rows);

  /**
   * Emits a batch holding one row.
   *
   * @param row the row
   */
  default void emitRow(T row) {
    emit(List.of(row));
  }

  /** Ends a producer stream instead of emitting a batch. */
  void finish();

  /**
   * Sends a log message to the client ahead of this turn's batch.
   *
   * @param level severity (not {@link LogLevel#EXCEPTION})
   * @param message text
   * @param extra free-form extras
   */
  void log(LogLevel level, String message, Map<String, String> extra);

  /**
   * Sends a log message without extras.
   *
   * @param level severity (not {@link LogLevel#EXCEPTION})
   * @param message text
   */
  default void log(LogLevel level, String message) {
    log(level, message, Map.of());
  }
}
