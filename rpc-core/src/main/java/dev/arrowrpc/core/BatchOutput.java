package dev.arrowrpc.core;

import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where a {@link BatchState} writes one turn: log messages, then exactly one batch on the stream's
 * output schema (or, for a producer, {@link #finish()} instead).
 */
public interface BatchOutput {
  /** {@return the stream's output schema} */
  Schema schema();

  /** {@return the allocator to build output batches from} */
  BufferAllocator allocator();

  /** {@return a new empty root on the output schema, allocated from {@link #allocator()}} */
  default VectorSchemaRoot newBatch() {
    return VectorSchemaRoot.create(schema(), allocator());
  }

  /**
   * Emits this turn's batch and takes ownership of it (it is closed once written). Its schema must
   * equal the output schema; it must not hold dictionary-encoded columns.
   *
   * @param batch the batch
   */
  default void emit(VectorSchemaRoot batch) {
    emit(batch, Map.of());
  }

  /**
   * Emits this turn's batch with custom metadata, taking ownership of it.
   *
   * @param batch the batch
   * @param metadata custom metadata for the batch
   */
  void emit(VectorSchemaRoot batch, Map<String, String> metadata);

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
