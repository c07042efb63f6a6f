package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Reads an engine's answer: one or more Arrow IPC streams back to back (a stream's header stream comes
 * before its output stream), each batch a log, an error or data.
 */
final class Answers {
  private Answers() {}

  /** What a reader of an answer does with each batch. */
  interface Visitor {
    /**
     * A stream of the answer starts.
     *
     * @param index its position in the answer (0 first)
     * @param reader the stream, positioned before its first batch
     * @throws IOException when forwarding fails
     */
    default void stream(int index, IpcStreamReader reader) throws IOException {}

    /**
     * A data batch (the reader's root holds it until the next batch).
     *
     * @param index the stream's position in the answer
     * @param reader the stream
     * @throws IOException when forwarding fails
     */
    void data(int index, IpcStreamReader reader) throws IOException;

    /**
     * A log message.
     *
     * @param message the message
     */
    void log(LogMessage message);

    /**
     * A log message with its batch's custom metadata (for a carrier that passes log batches on as
     * they are); by default {@link #log(LogMessage)}.
     *
     * @param message the message
     * @param metadata the log batch's custom metadata
     */
    default void log(LogMessage message, java.util.Map<String, String> metadata) {
      log(message);
    }

    /**
     * An error batch.
     *
     * @param error the error
     */
    void error(RpcException error);
  }

  /**
   * Reads a whole answer.
   *
   * @param answer the answer's bytes
   * @param memory where its batches are read into (released batch by batch)
   * @param visitor receives each batch
   * @throws IOException when the answer is not Arrow IPC, or the visitor fails
   */
  static void read(byte[] answer, BufferAllocator memory, Visitor visitor) throws IOException {
    read(new ByteArrayInputStream(answer), memory, visitor);
  }

  /**
   * Reads a whole answer from a stream (such as a reused {@link TurnBuffer}'s bytes).
   *
   * @param in the answer's bytes
   * @param memory where its batches are read into (released batch by batch)
   * @param visitor receives each batch
   * @throws IOException when the answer is not Arrow IPC, or the visitor fails
   */
  static void read(InputStream in, BufferAllocator memory, Visitor visitor) throws IOException {
    for (int index = 0; ; index++) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return;
      }
      try (IpcStreamReader reader = opened.get()) {
        visitor.stream(index, reader);
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Log log) {
            visitor.log(log.message(), reader.metadata());
          } else if (kind instanceof LogBatches.Error error) {
            visitor.error(error.error());
          } else {
            visitor.data(index, reader);
          }
        }
      }
    }
  }

  /** A unary answer's outcome: its error if it holds one, and the logs before it. */
  record Unary(Optional<RpcException> error, List<LogMessage> logs) {}

  /**
   * Scans a unary answer for its error and logs.
   *
   * @param answer the answer's bytes
   * @param memory scratch memory
   * @return what it holds
   * @throws IOException when the answer is not Arrow IPC
   */
  static Unary unary(byte[] answer, BufferAllocator memory) throws IOException {
    List<LogMessage> logs = new ArrayList<>();
    RpcException[] error = new RpcException[1];
    read(answer, memory, new Visitor() {
      @Override
      public void data(int index, IpcStreamReader reader) {}

      @Override
      public void log(LogMessage message) {
        logs.add(message);
      }

      @Override
      public void error(RpcException e) {
        if (error[0] == null) {
          error[0] = e;
        }
      }
    });
    return new Unary(Optional.ofNullable(error[0]), logs);
  }
}
