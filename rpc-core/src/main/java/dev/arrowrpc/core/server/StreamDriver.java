package dev.arrowrpc.core.server;

import dev.arrowrpc.core.LocalBatchStream;
import dev.arrowrpc.core.LocalExchange;
import dev.arrowrpc.core.LocalProducer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs the turns of one stream on the server, whatever its row model (typed records or whole
 * batches): the transport loop reads input and writes output, the driver produces each turn.
 */
interface StreamDriver {
  /**
   * One turn's outcome: a batch to write with its metadata, or finished.
   *
   * @param batch the batch, or null when the producer finished
   * @param metadata the batch's custom metadata
   */
  record Turn(Batch batch, Map<String, String> metadata) {
    static final Turn FINISHED = new Turn(null, Map.of());

    boolean finished() {
      return batch == null;
    }
  }

  /** The output stream's schema. */
  Schema outputSchema();

  /** The header to send first, if any. */
  Optional<Record> header();

  /**
   * Runs one turn.
   *
   * @param input the input stream, positioned on this turn's batch
   * @param context the call
   * @param memory the call's memory
   * @return the turn's batch, or {@link Turn#FINISHED}
   * @throws Exception whatever the state threw
   */
  Turn turn(IpcStreamReader input, ServerCall context, BufferAllocator memory) throws Exception;

  /** Calls the state's cancel hook. */
  void cancel(ServerCall context);

  /**
   * Wraps what an implementation returned for a stream method, checking it fits the declaration.
   *
   * @param spec the method
   * @param returned the returned value
   * @return the driver
   * @throws RpcException ({@code TypeError}) when the value does not fit
   */
  static StreamDriver of(MethodSpec spec, Object returned) {
    if (spec.kind() == MethodKind.STREAM && returned instanceof LocalBatchStream batches) {
      return checkHeader(spec, new BatchStreamDriver(batches));
    }
    if (spec.kind() == MethodKind.PRODUCER && returned instanceof LocalProducer<?> producer) {
      return checkHeader(spec, TypedStreamDriver.producer(spec, producer));
    }
    if (spec.kind() == MethodKind.EXCHANGE && returned instanceof LocalExchange<?, ?> exchange) {
      return checkHeader(spec, TypedStreamDriver.exchange(spec, exchange));
    }
    String factory = switch (spec.kind()) {
      case PRODUCER -> "Producer.of(state)";
      case EXCHANGE -> "Exchange.of(state)";
      default -> "BatchStream.producer(...) or BatchStream.exchange(...)";
    };
    throw new RpcException("TypeError", spec.name() + " must return " + factory + ", returned "
        + (returned == null ? "null" : returned.getClass().getName()));
  }

  private static StreamDriver checkHeader(MethodSpec spec, StreamDriver driver) {
    if (spec.header().isPresent()) {
      Class<?> expected = spec.header().get().type();
      Optional<Record> header = driver.header();
      if (header.isEmpty() || !expected.isInstance(header.get())) {
        throw new RpcException("TypeError", spec.name() + " declares a " + expected.getSimpleName()
            + " header: return the stream with that header");
      }
    } else if (driver.header().isPresent()) {
      throw new RpcException("TypeError", spec.name() + " returned a header but declares none (@StreamHeader)");
    }
    return driver;
  }
}
