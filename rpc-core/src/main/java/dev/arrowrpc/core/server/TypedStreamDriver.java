package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LocalExchange;
import dev.arrowrpc.core.LocalProducer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** Drives a {@link LocalProducer} or {@link LocalExchange}: rows are records. */
final class TypedStreamDriver implements StreamDriver {
  /** One turn of the state, given the decoded input rows (empty for producers). */
  @FunctionalInterface
  private interface Step {
    void run(List<Object> input, TurnOutput<Object> out, CallContext context) throws Exception;
  }

  private final MethodSpec spec;
  private final RecordSchema output;
  private final Optional<RecordSchema> input;
  private final Optional<Record> header;
  private final Step step;
  private final java.util.function.Consumer<CallContext> onCancel;
  private final boolean producer;
  private final Object state;

  private TypedStreamDriver(MethodSpec spec, Optional<Record> header, Step step,
      java.util.function.Consumer<CallContext> onCancel, boolean producer, Object state) {
    this.state = state;
    this.spec = spec;
    this.output = spec.output().orElseThrow();
    this.input = spec.input();
    this.header = header;
    this.step = step;
    this.onCancel = onCancel;
    this.producer = producer;
  }

  @SuppressWarnings("unchecked")
  static TypedStreamDriver producer(MethodSpec spec, LocalProducer<?> producer) {
    LocalProducer<Object> typed = (LocalProducer<Object>) producer;
    return new TypedStreamDriver(spec, typed.headerValue(),
        (in, out, context) -> typed.state().produce(out, context), typed.state()::onCancel, true,
        typed.state());
  }

  @SuppressWarnings("unchecked")
  static TypedStreamDriver exchange(MethodSpec spec, LocalExchange<?, ?> exchange) {
    LocalExchange<Object, Object> typed = (LocalExchange<Object, Object>) exchange;
    return new TypedStreamDriver(spec, typed.headerValue(),
        (in, out, context) -> typed.state().exchange(in, out, context), typed.state()::onCancel, false,
        typed.state());
  }

  /** The state object driving the stream. */
  Object state() {
    return state;
  }

  @Override
  public Schema outputSchema() {
    return output.schema();
  }

  @Override
  public Optional<Record> header() {
    return header;
  }

  @Override
  public Turn turn(IpcStreamReader reader, ServerCall context, BufferAllocator memory) throws Exception {
    List<Object> rows = input.isPresent() ? decodeInput(reader, memory) : List.of();
    TurnOutput<Object> out = new TurnOutput<>(producer);
    step.run(rows, out, context);
    if (out.finished()) {
      return Turn.FINISHED;
    }
    List<Object> emitted = out.rows().orElseThrow(
        () -> new RpcException("RuntimeError", "No data batch was emitted"));
    return new Turn(output.encode(emitted, memory), Map.of());
  }

  private List<Object> decodeInput(IpcStreamReader reader, BufferAllocator memory) {
    RecordSchema declared = input.orElseThrow();
    String problem = SchemaMatch.describeFieldSetMismatch(declared.schema(), reader.schema());
    if (problem != null) {
      throw new RpcException("TypeError", "Input schema mismatch: " + problem);
    }
    return declared.decode(reader.root(), new ReadContext(reader, memory));
  }

  @Override
  public void cancel(ServerCall context) {
    onCancel.accept(context);
  }

  @Override
  public String toString() {
    return spec.name();
  }
}
