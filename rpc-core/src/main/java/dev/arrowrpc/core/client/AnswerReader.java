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
 * server's log messages, and how pointer batches are resolved.
 *
 * @param results where decoded values that are Arrow data are allocated (they belong to the caller)
 * @param onLog receives the server's log messages, or null (they also go to SLF4J)
 * @param pointers resolves pointer batches
 */
record AnswerReader(BufferAllocator results, Consumer<LogMessage> onLog, ClientPointers pointers) {
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
    return pointers.open(reader, memory, this::deliver);
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
    return ClientCodec.readResponse(in, memory, results, this::deliver, decoder, pointers);
  }
}
