package dev.arrowrpc.core.client;

import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * How the turns of one open stream travel, supplied by the transport family ({@link
 * ChannelTurns}, {@link RequestTurns}); the stream handles ({@link ClientProducer}, {@link
 * ClientExchange}, {@link ClientBatchStream}) are written once over it. Log batches of the answers
 * go to the client's listener and error batches are raised as {@link dev.arrowrpc.core.RpcException}
 * by the carrier, after which the stream has ended.
 *
 * <p>What a turn returns stays valid until the next turn or the end of the stream; the carrier then
 * hands it back to its {@link OutputDecoder#release}. Once the stream has ended (the server
 * finished it, an error, a cancel, a close) the carrier has released the stream's memory.
 *
 * @param <T> what one output batch decodes to
 */
interface TurnCarrier<T> {
  /**
   * Returns the stream header.
   *
   * @param type the header's record type
   * @param <H> the header type
   * @return the header
   * @throws IllegalStateException when the method declares no header
   */
  <H extends Record> H header(Class<H> type);

  /** Whether the stream is over for the client (finished, closed, cancelled or failed). */
  boolean ended();

  /**
   * Asks a producer for its next output.
   *
   * @return the output, or empty when the stream is over
   */
  default Optional<T> tick() {
    return tick(Map.of());
  }

  /**
   * Asks a producer for its next output, sending custom metadata on the tick (when a tick goes to
   * the server: over a request transport, outputs already received are handed out first).
   *
   * @param metadata the tick's custom metadata
   * @return the output, or empty when the stream is over
   */
  Optional<T> tick(Map<String, String> metadata);

  /**
   * The token a request transport would present to resume the stream after the output last handed
   * out (its cursor); empty over a byte channel, which carries no resumable state.
   *
   * @return the token, if any
   */
  default Optional<String> resumeToken() {
    return Optional.empty();
  }

  /**
   * Sends one input batch and returns the output answering it.
   *
   * @param schema the input batch's schema (message format)
   * @param input the input batch (the caller keeps and closes it)
   * @param metadata the input batch's custom metadata
   * @return the output, or empty when the server ended the stream instead of answering
   */
  Optional<T> exchange(Schema schema, Batch input, Map<String, String> metadata);

  /** Cancels: the server calls the state's cancel hook; the stream ends. Idempotent. */
  void cancel();

  /** Ends the stream without cancelling it. Idempotent. */
  void close();

  /**
   * Turns an output batch into what a turn returns.
   *
   * @param <T> the decoded output
   */
  interface OutputDecoder<T> {
    /**
     * Decodes one output batch.
     *
     * @param reader positioned on the batch
     * @param metadata the batch's custom metadata, without the transport's token keys
     * @param kept whether the reader keeps the batch readable until the carrier's next turn (else
     *     it is gone when this returns: copy what must last)
     * @return the output
     */
    T decode(IpcStreamReader reader, Map<String, String> metadata, boolean kept);

    /** Releases an output once its turn is over, or one never handed out. */
    default void release(T output) {}
  }
}
