package dev.arrowrpc.core;

/**
 * The server side of a producer stream: called once per client tick, it emits one batch or
 * finishes. The state object lives for the whole stream, so it holds the cursor.
 *
 * @param <T> the row type
 */
@FunctionalInterface
public interface ProducerState<T> {
  /**
   * Produces one turn: {@link StreamOutput#emit} one batch, or {@link StreamOutput#finish()}.
   *
   * @param out this turn's output
   * @param context the call
   * @throws Exception to fail the stream; the client receives the error
   */
  void produce(StreamOutput<T> out, CallContext context) throws Exception;

  /**
   * Called once when the client cancels the stream. Errors thrown here are logged and ignored.
   *
   * @param context the call
   */
  default void onCancel(CallContext context) {}
}
