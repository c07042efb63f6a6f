package dev.arrowrpc.core.client;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/** What a {@link BatchStream} method returns on the client, over any transport: whole batches. */
final class ClientBatchStream implements BatchStream {
  /**
   * A received batch with its metadata.
   *
   * @param root the batch
   * @param metadata its custom metadata
   * @param owned whether it is a copy this stream closes (else the carrier's reader keeps it)
   */
  record Output(VectorSchemaRoot root, Map<String, String> metadata, boolean owned) {}

  private final TurnCarrier<Output> turns;
  private Map<String, String> lastMetadata = Map.of();

  ClientBatchStream(TurnCarrier<Output> turns) {
    this.turns = turns;
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
    if (turns.ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    return turns.exchange(input.schema(), input.batch()).map(this::hand)
        .orElseThrow(() -> new RpcException("ProtocolError", "the server ended the stream"));
  }

  @Override
  public Map<String, String> lastMetadata() {
    return lastMetadata;
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return turns.header(type);
  }

  @Override
  public void cancel() {
    turns.cancel();
  }

  /** Ends the stream (over a byte channel: ends the input and drains the output). */
  @Override
  public void close() {
    turns.close();
  }
}
