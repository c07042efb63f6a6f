package dev.arrowrpc.core;

import java.util.List;

/**
 * The server side of an exchange stream: called once per input batch, it emits one output batch.
 * The state object lives for the whole stream.
 *
 * @param <I> the input row type
 * @param <O> the output row type
 */
@FunctionalInterface
public interface ExchangeState<I, O> {
  /**
   * Handles one input batch: {@link StreamOutput#emit} exactly one output batch.
   *
   * @param input the rows of the input batch
   * @param out this turn's output
   * @param context the call
   * @throws Exception to fail the stream; the client receives the error
   */
  void exchange(List<I> input, StreamOutput<O> out, CallContext context) throws Exception;

  /**
   * Called once when the client cancels the stream. Errors thrown here are logged and ignored.
   *
   * @param context the call
   */
  default void onCancel(CallContext context) {}
}
