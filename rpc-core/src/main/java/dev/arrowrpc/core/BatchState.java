package dev.arrowrpc.core;

/**
 * The server side of a {@link BatchStream}: called once per input batch (a tick for producers),
 * it emits one output batch, or finishes a producer.
 */
@FunctionalInterface
public interface BatchState {
  /**
   * Handles one turn.
   *
   * @param input the input batch (a zero-row tick for producers)
   * @param out where the turn's logs and batch go
   * @param context the call
   * @throws Exception to fail the stream; the client receives the error
   */
  void process(InputBatch input, BatchOutput out, CallContext context) throws Exception;

  /**
   * Called once when the client cancels the stream. Errors thrown here are logged and ignored.
   *
   * @param context the call
   */
  default void onCancel(CallContext context) {}
}
