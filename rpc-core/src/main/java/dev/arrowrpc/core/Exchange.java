package dev.arrowrpc.core;

import java.util.List;
import java.util.Objects;

/**
 * An exchange stream: a lockstep session where each input batch gets one output batch. On the
 * client it is what an exchange method returns; on the server the implementation returns {@link
 * #of(ExchangeState)}.
 *
 * @param <I> the input row type (a record)
 * @param <O> the output row type (a record)
 */
public interface Exchange<I, O> extends AutoCloseable {
  /**
   * An exchange driven by a state object, to be returned by a method implementation.
   *
   * @param state called once per input batch
   * @param <I> the input row type
   * @param <O> the output row type
   * @return the exchange
   */
  static <I, O> Exchange<I, O> of(ExchangeState<I, O> state) {
    return new LocalExchange<>(null, Objects.requireNonNull(state, "state"));
  }

  /**
   * An exchange with a stream header (the method must declare it with {@link StreamHeader}).
   *
   * @param header sent to the client before the first batch
   * @param state called once per input batch
   * @param <I> the input row type
   * @param <O> the output row type
   * @return the exchange
   */
  static <I, O> Exchange<I, O> of(Record header, ExchangeState<I, O> state) {
    return new LocalExchange<>(
        Objects.requireNonNull(header, "header"), Objects.requireNonNull(state, "state"));
  }

  /**
   * Sends one input batch and returns the output batch the server answered with.
   *
   * @param input the input rows
   * @return the output rows
   * @throws RpcException when the server failed the stream
   */
  List<O> exchange(List<I> input);

  /**
   * Sends a one-row batch and returns the single row of the answer.
   *
   * @param input the input row
   * @return the output row
   * @throws RpcException when the server failed, or answered with other than one row
   */
  default O exchangeOne(I input) {
    List<O> out = exchange(List.of(input));
    if (out.size() != 1) {
      throw new RpcException("ProtocolError", "expected one output row, got " + out.size());
    }
    return out.get(0);
  }

  /**
   * Returns the stream header.
   *
   * @param type the header's record type, as declared with {@link StreamHeader}
   * @param <H> the header type
   * @return the header
   * @throws IllegalStateException when the method declares no header
   */
  <H extends Record> H header(Class<H> type);

  /** Cancels the stream: the server calls the state's cancel hook and ends the stream. */
  void cancel();

  /** Ends the session. Idempotent. */
  @Override
  void close();
}
