package dev.arrowrpc.core;

import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A {@link BatchStream} defined by a state object in this JVM: what an implementation returns. The
 * server drives it over the wire; it cannot be iterated directly.
 */
public final class LocalBatchStream implements BatchStream {
  private final Schema output;
  private final Schema input;
  private final BatchState state;
  private final Record header;

  LocalBatchStream(Schema output, Schema input, BatchState state, Record header) {
    this.output = java.util.Objects.requireNonNull(output, "output schema");
    this.input = java.util.Objects.requireNonNull(input, "input schema");
    this.state = java.util.Objects.requireNonNull(state, "state");
    this.header = header;
  }

  /** {@return the output schema} */
  public Schema outputSchema() {
    return output;
  }

  /** {@return the input schema; empty for a producer} */
  public Schema inputSchema() {
    return input;
  }

  /** {@return whether the client ticks (empty input schema) rather than exchanges} */
  public boolean isProducer() {
    return input.getFields().isEmpty();
  }

  /** {@return the state that answers each turn} */
  public BatchState state() {
    return state;
  }

  /** {@return the header, if one was given} */
  public Optional<Record> headerValue() {
    return Optional.ofNullable(header);
  }

  @Override
  public BatchStream withHeader(Record header) {
    return new LocalBatchStream(output, input, state, java.util.Objects.requireNonNull(header, "header"));
  }

  private static UnsupportedOperationException serverSide() {
    return new UnsupportedOperationException("a stream defined by a state is driven by the server");
  }

  @Override
  public Optional<VectorSchemaRoot> tick() {
    throw serverSide();
  }

  @Override
  public VectorSchemaRoot exchange(VectorSchemaRoot input) {
    throw serverSide();
  }

  @Override
  public Map<String, String> lastMetadata() {
    return Map.of();
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    if (header == null) {
      throw new IllegalStateException("this stream has no header");
    }
    return type.cast(header);
  }

  @Override
  public void cancel() {}

  @Override
  public void close() {}
}
