package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.Batch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What the client's stream handles ({@link ClientProducer}, {@link ClientExchange}, {@link
 * ClientBatchStream}) share: the header, cancel and close, over the stream's turn carrier.
 *
 * @param <T> what one output batch decodes to
 */
abstract class StreamHandle<T> {
  protected final TurnCarrier<T> turns;

  StreamHandle(TurnCarrier<T> turns) {
    this.turns = turns;
  }

  /** Fails when the stream is over: no more input can be sent. */
  protected final void requireOpen() {
    if (turns.ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
  }

  /**
   * Sends one input batch and returns the output answering it.
   *
   * @throws RpcException when the server ended the stream instead of answering, or failed it
   */
  protected final T exchangeTurn(Schema schema, Batch input) {
    requireOpen();
    return turns.exchange(schema, input, java.util.Map.of())
        .orElseThrow(() -> new RpcException("ProtocolError", "the server ended the stream"));
  }

  /** The stream header (see {@link TurnCarrier#header}). */
  public <H extends Record> H header(Class<H> type) {
    return turns.header(type);
  }

  /** Cancels the stream. Idempotent. */
  public void cancel() {
    turns.cancel();
  }

  /** Ends the stream without cancelling it. Idempotent. */
  public void close() {
    turns.close();
  }
}
