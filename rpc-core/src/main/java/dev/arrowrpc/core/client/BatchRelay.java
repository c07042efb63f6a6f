package dev.arrowrpc.core.client;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.spi.BatchCalls;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@link BatchCalls} over a client's calls: requests and answers are whole Arrow batches built elsewhere, over the same carriers
 * as the typed proxy: for tools that relay batches without knowing their types (the conformance
 * client driver). The client still does everything on the wire: framing, log delivery, error
 * batches, pointer resolution, stream lockstep, state tokens. What it hands back is the data batch
 * with its custom metadata, serialized as a one-batch Arrow IPC stream.
 *
 * <p>A request batch's metadata is sent as given, with the method and protocol stamped over it
 * (they route the call) and the request version added when absent.
 */
public final class BatchRelay implements BatchCalls {
  private final ClientCalls calls;

  /**
   * Relays batches over a client's calls.
   *
   * @param calls how calls reach the server
   */
  public BatchRelay(ClientCalls calls) {
    this.calls = Objects.requireNonNull(calls, "calls");
  }

  /**
   * Runs a unary call.
   *
   * @param request the request batch
   * @return the answer's data batch as a one-batch IPC stream, or empty when the answer held none
   * @throws RpcException the error the server reported, or a {@code TransportError}
   */
  @Override
  public Optional<byte[]> unary(Request request) {
    CallCarrier carrier = calls.carrier();
    BufferAllocator memory = carrier.allocator().newChildAllocator("call-" + request.method(), 0, Long.MAX_VALUE);
    try {
      return carrier.unary(call(request, memory, false), (reader, context) -> encode(reader, reader.metadata()));
    } catch (IOException e) {
      throw carrier.transportFailure("call " + request.method(), e);
    } finally {
      ClientCalls.closeQuietly(memory, request.method());
    }
  }

  /**
   * Opens a producer or exchange stream.
   *
   * @param request the request batch
   * @param hasHeader whether the method declares a header (read before the first output)
   * @return the stream
   * @throws RpcException the error the server reported while opening, or a {@code TransportError}
   */
  @Override
  public Stream open(Request request, boolean hasHeader) {
    CallCarrier carrier = calls.carrier();
    BufferAllocator memory = carrier.allocator().newChildAllocator("stream-" + request.method(), 0, Long.MAX_VALUE);
    try {
      TurnCarrier<byte[]> turns = carrier.open(call(request, memory, hasHeader),
          (reader, metadata, kept) -> encode(reader, metadata));
      return new RelayStream(turns, hasHeader);
    } catch (IOException e) {
      ClientCalls.closeQuietly(memory, request.method());
      throw carrier.transportFailure("stream init " + request.method(), e);
    } catch (RuntimeException e) {
      ClientCalls.closeQuietly(memory, request.method());
      throw e;
    }
  }

  private static CallCarrier.Call call(Request request, BufferAllocator memory, boolean hasHeader) {
    Map<String, String> metadata = new LinkedHashMap<>(request.metadata());
    metadata.put(MetadataKeys.METHOD, request.method());
    metadata.put(MetadataKeys.PROTOCOL, request.protocol());
    metadata.putIfAbsent(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    CallCarrier.Request body = out -> {
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, request.schema())) {
        writer.append(request.batch(), metadata);
      }
    };
    Optional<ClientCodec.BatchDecoder<Record>> header = hasHeader
        ? Optional.of((reader, context) -> new Encoded(encode(reader, reader.metadata())))
        : Optional.empty();
    return new CallCarrier.Call(request.method(), new ProtocolId(request.protocol(),
        Optional.ofNullable(metadata.get(MetadataKeys.PROTOCOL_VERSION))), memory, body, header);
  }

  /** A stream header, serialized. */
  private record Encoded(byte[] ipc) {}

  /**
   * The reader's current batch with the given metadata and the dictionaries it uses, as a one-batch
   * IPC stream.
   */
  static byte[] encode(IpcStreamReader reader, Map<String, String> metadata) {
    Map<Long, VectorSchemaRoot> dictionaries = new LinkedHashMap<>();
    for (long id : reader.getDictionaryIds()) {
      Dictionary dictionary = reader.lookup(id);
      FieldVector vector = dictionary.getVector();
      dictionaries.put(id, new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount()));
    }
    RequestBytes out = new RequestBytes();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, reader.schema())) {
      // the roots belong to the reader: written, never closed here
      writer.append(new Batch(reader.root(), dictionaries), metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * One open stream whose outputs are handed back serialized (one-batch IPC streams with their
   * custom metadata, transport tokens removed). Over a byte channel it holds the connection until
   * it ends.
   */
  private static final class RelayStream extends StreamHandle<byte[]> implements BatchCalls.Stream {
    private final boolean hasHeader;

    private RelayStream(TurnCarrier<byte[]> turns, boolean hasHeader) {
      super(turns);
      this.hasHeader = hasHeader;
    }

    /**
     * The header the server sent before the first output.
     *
     * @return the header as a one-batch IPC stream, or empty when the method declares none
     */
    @Override
    public Optional<byte[]> headerBatch() {
      return hasHeader ? Optional.of(turns.header(Encoded.class).ipc()) : Optional.empty();
    }

    /**
     * Asks a producer for its next output.
     *
     * @param metadata the tick's custom metadata
     * @return the output, or empty when the stream finished
     * @throws RpcException when the server failed the stream (it is over then)
     */
    @Override
    public Optional<byte[]> tick(Map<String, String> metadata) {
      return turns.tick(metadata);
    }

    /**
     * Sends one input batch with its custom metadata and returns the answering output.
     *
     * @param schema the input's schema, message format
     * @param input the input batch and its dictionaries (the caller keeps and closes it)
     * @param metadata the input's custom metadata
     * @return the output, or empty when the server ended the stream instead of answering
     * @throws RpcException when the server failed the stream (it is over then)
     */
    @Override
    public Optional<byte[]> exchange(Schema schema, Batch input, Map<String, String> metadata) {
      requireOpen();
      return turns.exchange(schema, input, metadata);
    }

    /** Whether the stream is over for the client. */
    @Override
    public boolean ended() {
      return turns.ended();
    }

    /**
     * The token a request transport would present to resume after the last output.
     *
     * @return the token; empty over a byte channel
     */
    @Override
    public Optional<String> resumeToken() {
      return turns.resumeToken();
    }
  }
}
