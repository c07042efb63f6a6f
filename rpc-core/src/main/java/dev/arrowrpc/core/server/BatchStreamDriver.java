package dev.arrowrpc.core.server;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.LocalBatchStream;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Drives a {@link LocalBatchStream}: whole batches on run-time schemas. */
final class BatchStreamDriver implements StreamDriver {
  private final LocalBatchStream stream;

  BatchStreamDriver(LocalBatchStream stream) {
    this.stream = stream;
  }

  /** The stream being driven. */
  LocalBatchStream stream() {
    return stream;
  }

  @Override
  public Schema outputSchema() {
    return stream.outputSchema();
  }

  @Override
  public Optional<Record> header() {
    return stream.headerValue();
  }

  @Override
  public Turn turn(IpcStreamReader reader, ServerCall context, BufferAllocator memory) throws Exception {
    try (InputCoercion.Coerced input = stream.isProducer()
        ? InputCoercion.Coerced.of(reader.root())
        : InputCoercion.coerce(reader.root(), stream.inputSchema(), reader, memory)) {
      Output out = new Output(stream.outputSchema(), memory, stream.isProducer());
      try {
        stream.state().process(new InputBatch(input.root(), reader.metadata(), reader), out, context);
        if (out.finished) {
          return Turn.FINISHED;
        }
        if (out.batch == null) {
          throw new RpcException("RuntimeError", "No data batch was emitted");
        }
        VectorSchemaRoot emitted = out.batch;
        out.batch = null;
        return new Turn(Batch.of(emitted), out.metadata);
      } finally {
        if (out.batch != null) {
          out.batch.close();
        }
      }
    }
  }

  @Override
  public void cancel(ServerCall context) {
    stream.state().onCancel(context);
  }

  /** One turn's output. */
  private static final class Output implements BatchOutput {
    private final Schema schema;
    private final BufferAllocator allocator;
    private final boolean producer;
    private VectorSchemaRoot batch;
    private Map<String, String> metadata = Map.of();
    private boolean finished;

    Output(Schema schema, BufferAllocator allocator, boolean producer) {
      this.schema = schema;
      this.allocator = allocator;
      this.producer = producer;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public BufferAllocator allocator() {
      return allocator;
    }

    @Override
    public void emit(VectorSchemaRoot batch, Map<String, String> metadata) {
      if (finished || this.batch != null) {
        batch.close();
        throw new IllegalStateException(finished ? "emit() after finish()" : "a turn emits exactly one batch");
      }
      String problem = SchemaMatch.describeMismatch(schema, batch.getSchema());
      if (problem != null && !sameShape(batch.getSchema())) {
        batch.close();
        throw new RpcException("TypeError", "emitted batch does not match the output schema: " + problem);
      }
      this.batch = batch;
      this.metadata = Map.copyOf(metadata);
    }

    private boolean sameShape(Schema other) {
      // nullability of an emitted batch may differ from the declared schema; names and types may not
      return SchemaMatch.describeMismatchIgnoringNullability(schema, other) == null;
    }

    @Override
    public void finish() {
      if (!producer) {
        throw new IllegalStateException("finish() is for producer streams; an exchange ends when the client closes it");
      }
      if (batch != null) {
        throw new IllegalStateException("finish() after emit() in the same turn");
      }
      finished = true;
    }

    @Override
    public void log(LogLevel level, String message, Map<String, String> extra) {
      CallContext.current().orElseThrow(() -> new IllegalStateException("log() outside the turn"))
          .log(level, message, extra);
    }
  }
}
