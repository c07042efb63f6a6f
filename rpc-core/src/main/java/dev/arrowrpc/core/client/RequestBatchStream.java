package dev.arrowrpc.core.client;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/** What a {@link BatchStream} method returns over a request transport. */
final class RequestBatchStream extends RequestStream<RequestBatchStream.Item> implements BatchStream {
  /** A received batch, copied out of its response, with its metadata. */
  record Item(VectorSchemaRoot root, Map<String, String> metadata) {}

  private Item current;
  private Map<String, String> lastMetadata = Map.of();

  RequestBatchStream(RequestCalls calls, ProtocolId protocol, MethodSpec spec, BufferAllocator memory, Record header) {
    super(calls, protocol, spec, memory, header);
  }

  @Override
  protected Item decode(IpcStreamReader reader, Map<String, String> metadata) {
    return new Item(IpcBytes.copy(reader.root(), memory()), metadata);
  }

  @Override
  protected void discard(Item item) {
    item.root().close();
  }

  @Override
  protected void onEnd() {
    releaseCurrent();
  }

  private void releaseCurrent() {
    if (current != null) {
      current.root().close();
      current = null;
    }
  }

  private VectorSchemaRoot hand(Item item) {
    current = item;
    lastMetadata = item.metadata();
    return item.root();
  }

  @Override
  public Optional<VectorSchemaRoot> tick() {
    releaseCurrent();
    Item item = nextProduced();
    return item == null ? Optional.empty() : Optional.of(hand(item));
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
    if (ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    releaseCurrent();
    return hand(exchangeTurn(input.schema(), input.batch()));
  }

  @Override
  public Map<String, String> lastMetadata() {
    return lastMetadata;
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return headerOf(type);
  }

  @Override
  public void cancel() {
    cancelStream();
  }

  /** Ends the stream; the server keeps nothing for it, so nothing is sent. */
  @Override
  public void close() {
    end();
  }
}
