package dev.arrowrpc.core.client;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/** What a {@link BatchStream} method returns on the client: whole batches, lockstep. */
final class ClientBatchStream extends ClientStream implements BatchStream {
  private Map<String, String> lastMetadata = Map.of();

  ClientBatchStream(ClientSession session, MethodSpec spec, BufferAllocator memory, Record header) {
    super(session, spec, memory, header);
  }

  private VectorSchemaRoot keep(IpcStreamReader reader) {
    lastMetadata = reader.metadata();
    return reader.root();
  }

  @Override
  public Optional<VectorSchemaRoot> tick() {
    if (ended()) {
      return Optional.empty();
    }
    try (VectorSchemaRoot tick = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory())) {
      return Optional.ofNullable(turn(Batch.of(tick), MethodSpec.EMPTY_SCHEMA, this::keep));
    }
  }

  @Override
  public VectorSchemaRoot exchange(VectorSchemaRoot input) {
    return send(InputBatches.plain(input));
  }

  @Override
  public VectorSchemaRoot exchange(VectorSchemaRoot input, DictionaryProvider dictionaries) {
    return send(InputBatches.withDictionaries(input, dictionaries));
  }

  private VectorSchemaRoot send(InputBatches.Prepared input) {
    VectorSchemaRoot out = turn(input.batch(), input.schema(), this::keep);
    if (out == null) {
      throw new RpcException("ProtocolError", "the server ended the stream");
    }
    return out;
  }

  @Override
  public Map<String, String> lastMetadata() {
    return lastMetadata;
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return super.header(type);
  }

  @Override
  public void cancel() {
    super.cancel();
  }

  /** Ends the input and drains the output, as the reference client closes a stream. */
  @Override
  public void close() {
    closeGracefully();
  }
}
