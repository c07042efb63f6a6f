package dev.arrowrpc.core.client;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RowCells;
import dev.arrowrpc.core.schema.RowLane;
import dev.arrowrpc.core.schema.RowLayout;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.DirectBatch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's marshalling, shared by every channel: request streams out, response streams in,
 * log delivery, and the decoding of unary results.
 */
final class ClientCodec {
  private static final Logger REMOTE = LoggerFactory.getLogger("dev.arrowrpc.remote");

  private ClientCodec() {}

  /** Decodes the data batch of a response. */
  @FunctionalInterface
  interface BatchDecoder<T> {
    T decode(IpcStreamReader reader, ReadContext context);
  }

  /**
   * Writes a request stream: the parameters as one row, with the dispatch metadata.
   *
   * @param out where the stream goes
   * @param spec the method
   * @param args the arguments, in declaration order
   * @param protocol the protocol addressed
   * @param memory scratch memory for the request batch
   * @throws IOException when the channel fails
   */
  static void writeRequest(OutputStream out, MethodSpec spec, Object[] args, ProtocolId protocol,
      Map<String, String> carried, BufferAllocator memory) throws IOException {
    Object[] values = args == null ? new Object[0] : args;
    Optional<RowLane> lane = spec.params().lane();
    if (lane.isPresent()) {
      // the small-batch lane: the parameter row straight into its record batch, no vectors
      Map<String, String> metadata = requestMetadata(spec.name(), protocol, carried);
      DirectBatch batch;
      try {
        batch = lane.get().encode(values);
      } catch (MarshalException e) {
        throw new RpcException("TypeError", "cannot send '" + spec.name() + "': " + e.getMessage());
      }
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, spec.params().schema())) {
        writer.append(batch, metadata); // flushed with the end-of-stream marker
      }
      return;
    }
    writeRequest(out, spec, scratch -> spec.params().encode(1, (row, column) -> values[column], scratch), protocol,
        carried, memory);
  }

  /**
   * Writes a request stream whose parameter batch the given encoder makes.
   *
   * @param out where the stream goes
   * @param spec the method
   * @param params encodes the parameter row
   * @param protocol the protocol addressed
   * @param carried what every request batch carries besides the dispatch keys
   * @param memory scratch memory for the request batch
   * @throws IOException when the channel fails
   */
  static void writeRequest(OutputStream out, MethodSpec spec, Function<BufferAllocator, Batch> params,
      ProtocolId protocol, Map<String, String> carried, BufferAllocator memory) throws IOException {
    Map<String, String> metadata = requestMetadata(spec.name(), protocol, carried);
    Batch batch;
    try {
      batch = params.apply(memory);
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send '" + spec.name() + "': " + e.getMessage());
    }
    try (batch; IpcStreamWriter writer = IpcStreamWriter.start(out, spec.params().schema())) {
      writer.append(batch, metadata); // flushed with the end-of-stream marker
    }
  }

  /** A method of a protocol, compared by value (its parts compared by identity first: the usual match). */
  private record MetadataKey(String method, ProtocolId protocol) {
    @Override
    public boolean equals(Object other) {
      return other instanceof MetadataKey key
          && (key.method == method || key.method.equals(method))
          && (key.protocol == protocol || key.protocol.equals(protocol));
    }

    @Override
    public int hashCode() {
      return 31 * method.hashCode() + protocol.hashCode();
    }
  }

  /**
   * Request metadata by method and protocol: the same every call, built once. Requests that carry
   * more (a credential) build theirs each call, so no credential outlives its client here.
   */
  private static final java.util.concurrent.ConcurrentHashMap<MetadataKey, Map<String, String>> METADATA =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The dispatch metadata of a request, in the order it is written: carried entries first. */
  static Map<String, String> requestMetadata(String method, ProtocolId protocol, Map<String, String> carried) {
    MetadataKey key = carried.isEmpty() ? new MetadataKey(method, protocol) : null;
    Map<String, String> cached = key == null ? null : METADATA.get(key);
    if (cached != null) {
      return cached;
    }
    Map<String, String> metadata = new LinkedHashMap<>(carried);
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.PROTOCOL, protocol.name());
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    protocol.version().ifPresent(v -> metadata.put(MetadataKeys.PROTOCOL_VERSION, v));
    Map<String, String> built = dev.arrowrpc.core.wire.FixedMetadata.of(metadata);
    if (key == null) {
      return built;
    }
    if (METADATA.size() >= 1024) {
      METADATA.clear(); // a client of many credentials or protocols: keep the table small
    }
    METADATA.put(key, built);
    return built;
  }

  /**
   * Reads a response stream holding logs and at most one data batch, decoding the data with the
   * given function. Errors are raised after the stream has been read to its end, so a byte
   * channel stays in step.
   *
   * @param in where the stream comes from
   * @param memory the call's scratch memory
   * @param results where decoded values that are Arrow data are allocated
   * @param logs receives the stream's log messages
   * @param decoder turns the data batch into the call's value
   * @param pointers resolves a data batch that is a pointer first
   * @return the decoded value, or empty when the stream held no data batch
   * @throws IOException when the channel fails or holds no stream
   */
  static <T> Optional<T> readResponse(InputStream in, BufferAllocator memory, BufferAllocator results,
      Consumer<LogMessage> logs, BatchDecoder<T> decoder, ClientPointers pointers) throws IOException {
    IpcStreamReader reader = IpcStreamReader.openOnThisThread(in, memory, null)
        .orElseThrow(() -> new EOFException("the server closed the connection"));
    try (reader) {
      T value = null;
      boolean seen = false;
      RpcException error = null;
      RuntimeException decodeFailure = null;
      while (reader.next()) {
        LogBatches.Kind kind = LogBatches.classify(reader.rowCount(), reader.metadata());
        if (kind instanceof LogBatches.Log log) {
          logs.accept(log.message());
        } else if (kind instanceof LogBatches.Error e) {
          error = error == null ? e.error() : error;
        } else if (!seen) {
          seen = true;
          try (ClientPointers.Resolved data = pointers.open(reader, memory, logs)) {
            value = decoder.decode(data.reader(), new ReadContext(data.reader(), results));
          } catch (RpcException e) {
            error = error == null ? e : error;
          } catch (RuntimeException e) {
            decodeFailure = e;
          }
        }
      }
      if (error != null) {
        throw error;
      }
      if (decodeFailure != null) {
        throw decodeFailure instanceof MarshalException
            ? new RpcException("TypeError", "cannot decode the response: " + decodeFailure.getMessage())
            : decodeFailure;
      }
      return seen ? Optional.ofNullable(value) : Optional.empty();
    }
  }

  /** The decoder of a unary method's result batch. */
  static BatchDecoder<Object> unaryDecoder(MethodSpec method) {
    return new UnaryDecoder(method, null);
  }

  /** The decoder of a unary method's result batch through the method's generated code. */
  static BatchDecoder<Object> unaryDecoder(MethodSpec method, GeneratedInvoker.Method<Object> code) {
    return new UnaryDecoder(method, code);
  }

  /**
   * A unary method's result decoder: on the small-batch lane when the batch allows, else from
   * vectors; through the method's generated code when it has some (null: none).
   */
  private record UnaryDecoder(MethodSpec method, GeneratedInvoker.Method<Object> code) implements BatchDecoder<Object> {
    @Override
    public Object decode(IpcStreamReader reader, ReadContext context) {
      if (!method.hasReturn()) {
        return null;
      }
      Optional<Object[]> direct = onLane(method.result(), reader);
      if (code == null) {
        return direct.isPresent()
            ? direct.get()[0]
            : method.result().decodeRow(reader.root().getFieldVectors(), 0, context)[0];
      }
      return direct.isPresent()
          ? code.readResult(new RowCells.Values(direct.get()))
          : code.readResult(method.result().reader(reader.root().getFieldVectors(), 0, context));
    }

    // the decoder is made per call and compared with nothing: identity, without the record's indy methods
    @Override
    public boolean equals(Object other) {
      return other == this;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /**
   * A one-row batch decoded on its layout's small-batch lane, when the layout has one, the batch was
   * sent on exactly its schema and has not been loaded into vectors.
   */
  private static Optional<Object[]> onLane(RowLayout layout, IpcStreamReader reader) {
    Optional<RowLane> lane = layout.lane();
    if (lane.isEmpty() || reader.rowCount() != 1 || !lane.get().reads(reader.schema())) {
      return Optional.empty();
    }
    Optional<BatchView> view = reader.directBatch();
    return view.isEmpty() ? Optional.empty() : Optional.of(lane.get().decode(view.get()));
  }

  /**
   * The value a unary call returns, given what its response held.
   *
   * @param method the method
   * @param value the decoded result, empty when the response held no data batch
   * @return the value (null for void methods)
   * @throws RpcException when a primitive result is missing
   */
  static Object unaryValue(MethodSpec method, Optional<Object> value) {
    if (method.hasReturn() && value.isEmpty()) {
      if (method.method().getReturnType().isPrimitive()) {
        throw new RpcException("ProtocolError", "the response to '" + method.name() + "' has no result");
      }
      return null;
    }
    return value.orElse(null);
  }

  /** The decoder of a stream header batch. */
  static BatchDecoder<Record> headerDecoder(MethodSpec method) {
    return (reader, context) -> (Record) method.header().orElseThrow().decode(reader.root(), context).get(0);
  }

  /**
   * Delivers a server log message: to SLF4J logger {@code dev.arrowrpc.remote} at the matching
   * level ({@code EXCEPTION} at error; the extra fields follow the text when there are any), then
   * to the client's callback.
   *
   * @param message the message
   * @param onLog the callback, or null
   */
  static void deliver(LogMessage message, Consumer<LogMessage> onLog) {
    String format = message.extra().isEmpty() ? "{}" : "{} {}";
    switch (message.level()) {
      case ERROR, EXCEPTION -> REMOTE.error(format, message.message(), message.extra());
      case WARN -> REMOTE.warn(format, message.message(), message.extra());
      case INFO -> REMOTE.info(format, message.message(), message.extra());
      case DEBUG -> REMOTE.debug(format, message.message(), message.extra());
      case TRACE -> REMOTE.trace(format, message.message(), message.extra());
    }
    if (onLog != null) {
      onLog.accept(message);
    }
  }
}
