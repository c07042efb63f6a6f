package dev.arrowrpc.core;

import java.util.List;
import java.util.Objects;

/**
 * A producer stream. On the client it is what a producer method returns: iterate its rows (or
 * {@link #batches()}), and {@link #close()} it, which cancels it if it has not finished. On the
 * server the implementation returns {@link #of(ProducerState)}.
 *
 * @param <T> the row type, a record whose components are the stream's columns
 */
public interface Producer<T> extends Iterable<T>, AutoCloseable {
  /**
   * A producer driven by a state object, to be returned by a method implementation.
   *
   * @param state called once per tick
   * @param <T> the row type
   * @return the producer
   */
  static <T> Producer<T> of(ProducerState<T> state) {
    return new LocalProducer<>(null, Objects.requireNonNull(state, "state"));
  }

  /**
   * A producer with a stream header (the method must declare it with {@link StreamHeader}).
   *
   * @param header sent to the client before the first batch
   * @param state called once per tick
   * @param <T> the row type
   * @return the producer
   */
  static <T> Producer<T> of(Record header, ProducerState<T> state) {
    return new LocalProducer<>(
        Objects.requireNonNull(header, "header"), Objects.requireNonNull(state, "state"));
  }

  /** {@return the batches of the stream, one list per producer turn; shares its position with rows} */
  Iterable<List<T>> batches();

  /**
   * Returns the stream header.
   *
   * @param type the header's record type, as declared with {@link StreamHeader}
   * @param <H> the header type
   * @return the header
   * @throws IllegalStateException when the method declares no header
   */
  <H extends Record> H header(Class<H> type);

  /** Cancels the stream: the server stops producing and calls the state's cancel hook. */
  void cancel();

  /** Ends the stream, cancelling it if the server has not finished. Idempotent. */
  @Override
  void close();
}
