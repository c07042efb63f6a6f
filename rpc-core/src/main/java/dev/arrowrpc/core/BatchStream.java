package dev.arrowrpc.core;

import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A stream of whole Arrow batches whose schemas, and whether it produces or exchanges, are decided
 * at run time, like the reference's {@code Stream[StreamState]}: an empty input schema makes a
 * producer (the client ticks), any other an exchange. Use it for bulk columnar data and for output
 * schemas that depend on the call.
 *
 * <p>On the server, return {@link #producer} or {@link #exchange}. On the client, call {@link
 * #tick()} or {@link #exchange(VectorSchemaRoot)}; a returned batch is owned by the stream and
 * valid until the next call.
 */
public interface BatchStream extends AutoCloseable {
  /**
   * A producer stream, to be returned by a method implementation.
   *
   * @param output the output schema
   * @param state called once per tick
   * @return the stream
   */
  static BatchStream producer(Schema output, BatchState state) {
    return new LocalBatchStream(output, new Schema(java.util.List.of()), state, null);
  }

  /**
   * An exchange stream, to be returned by a method implementation.
   *
   * @param input the input schema the client sends (an empty schema makes it a producer)
   * @param output the output schema
   * @param state called once per input batch
   * @return the stream
   */
  static BatchStream exchange(Schema input, Schema output, BatchState state) {
    return new LocalBatchStream(output, input, state, null);
  }

  /**
   * The same stream with a header sent before the first batch (the method must declare it with
   * {@link StreamHeader}).
   *
   * @param header the header
   * @return a stream carrying the header
   */
  default BatchStream withHeader(Record header) {
    throw new UnsupportedOperationException("only a stream returned by an implementation takes a header");
  }

  /**
   * Ticks a producer: returns its next batch, or empty when it finished.
   *
   * @return the batch, valid until the next call
   * @throws RpcException when the server failed the stream
   */
  Optional<VectorSchemaRoot> tick();

  /**
   * Sends one input batch and returns the answering batch.
   *
   * @param input the input batch (the caller keeps ownership)
   * @return the output batch, valid until the next call
   * @throws RpcException when the server failed the stream
   */
  VectorSchemaRoot exchange(VectorSchemaRoot input);

  /**
   * Sends one input batch that has dictionary-encoded columns and returns the answering batch. The
   * columns hold indices, as Arrow keeps them in memory; their values are sent from {@code
   * dictionaries} ahead of the batch, every turn.
   *
   * @param input the input batch (the caller keeps ownership)
   * @param dictionaries the dictionaries the input's encoded columns refer to (the caller keeps
   *     ownership)
   * @return the output batch, valid until the next call
   * @throws RpcException when the server failed the stream
   * @throws IllegalArgumentException when a column refers to a dictionary the provider lacks
   */
  default VectorSchemaRoot exchange(VectorSchemaRoot input, DictionaryProvider dictionaries) {
    throw new UnsupportedOperationException("only a client stream sends input batches");
  }

  /** {@return the custom metadata of the last batch returned (empty when none)} */
  Map<String, String> lastMetadata();

  /**
   * Returns the stream header.
   *
   * @param type the header's record type, as declared with {@link StreamHeader}
   * @param <H> the header type
   * @return the header
   */
  <H extends Record> H header(Class<H> type);

  /** Cancels the stream. Idempotent. */
  void cancel();

  /** Ends the stream (an unfinished producer is cancelled; an exchange ends its input). */
  @Override
  void close();
}
