package dev.arrowrpc.core.client;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How a client takes in answers, on every carrier: where results are allocated, who hears the
 * server's log messages, and how pointer batches are resolved. Made once per client: its delivery of
 * log messages is one object, not one per answer read.
 */
final class AnswerReader {
  private final BufferAllocator results;
  private final Consumer<LogMessage> onLog;
  private final ClientPointers pointers;
  /** {@link #deliver}, as the consumer every answer read hands its log messages to. */
  private final Consumer<LogMessage> delivery = this::deliver;

  /**
   * Takes in answers.
   *
   * @param results where decoded values that are Arrow data are allocated (they belong to the caller)
   * @param onLog receives the server's log messages, or null (they also go to SLF4J)
   * @param pointers resolves pointer batches
   */
  AnswerReader(BufferAllocator results, Consumer<LogMessage> onLog, ClientPointers pointers) {
    this.results = results;
    this.onLog = onLog;
    this.pointers = pointers;
  }

  /** {@return where decoded values that are Arrow data are allocated} */
  BufferAllocator results() {
    return results;
  }

  /** {@return who receives the server's log messages besides SLF4J, or null} */
  Consumer<LogMessage> onLog() {
    return onLog;
  }

  /** {@return how pointer batches are resolved} */
  ClientPointers pointers() {
    return pointers;
  }

  /** Delivers a server log message (to SLF4J and the client's callback). */
  void deliver(LogMessage message) {
    ClientCodec.deliver(message, onLog);
  }

  /**
   * The batch a data batch stands for: itself, or what its pointer resolves to (see {@link
   * ClientPointers#open}); the log messages inside a fetched object are delivered.
   *
   * @param reader positioned on a data batch
   * @param memory where a resolved batch is allocated
   * @return the batch to decode, closed by the caller
   */
  ClientPointers.Resolved resolve(IpcStreamReader reader, BufferAllocator memory) {
    return pointers.open(reader, memory, delivery);
  }

  /**
   * Reads an answer holding logs and at most one data batch (see {@link ClientCodec#readResponse}).
   *
   * @param in the answer
   * @param memory the call's memory
   * @param decoder turns the data batch into the value
   * @return the value, or empty when the answer held no data batch
   * @throws IOException when the transport fails
   */
  <T> Optional<T> read(InputStream in, BufferAllocator memory, ClientCodec.BatchDecoder<T> decoder)
      throws IOException {
    return ClientCodec.readResponse(in, memory, results, delivery, decoder, pointers);
  }
}
