package dev.arrowrpc.core.client;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/** What a {@link BatchStream} method returns on the client, over any transport: whole batches. */
final class ClientBatchStream extends StreamHandle<ClientBatchStream.Output> implements BatchStream {
  /**
   * A received batch with its metadata.
   *
   * @param root the batch
   * @param metadata its custom metadata
   * @param owned whether it is a copy this stream closes (else the carrier's reader keeps it)
   */
  record Output(VectorSchemaRoot root, Map<String, String> metadata, boolean owned) {}

  private Map<String, String> lastMetadata = Map.of();

  ClientBatchStream(TurnCarrier<Output> turns) {
    super(turns);
  }

  /**
   * The decoder of a batch stream's outputs: the reader's batch itself when the carrier keeps it
   * until the next turn, else a copy in the stream's memory.
   *
   * @param memory the stream's memory
   * @return the decoder
   */
  static TurnCarrier.OutputDecoder<Output> decoder(BufferAllocator memory) {
    return new TurnCarrier.OutputDecoder<>() {
      @Override
      public Output decode(IpcStreamReader reader, Map<String, String> metadata,
          boolean kept) {
        return kept
            ? new Output(reader.root(), metadata, false)
            : new Output(IpcBytes.copy(reader.root(), memory), metadata, true);
      }

      @Override
      public void release(Output output) {
        if (output.owned()) {
          output.root().close();
        }
      }
    };
  }

  private VectorSchemaRoot hand(Output output) {
    lastMetadata = output.metadata();
    return output.root();
  }

  @Override
  public Optional<VectorSchemaRoot> tick() {
    return turns.tick().map(this::hand);
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
    return hand(exchangeTurn(input.schema(), input.batch()));
  }

  @Override
  public Map<String, String> lastMetadata() {
    return lastMetadata;
  }
}
