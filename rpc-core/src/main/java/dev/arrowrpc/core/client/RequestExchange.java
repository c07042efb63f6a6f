package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/** What an exchange method returns over a request transport: one request per exchanged batch. */
final class RequestExchange<I, O> extends RequestStream<List<O>> implements Exchange<I, O> {
  RequestExchange(RequestCalls calls, ProtocolId protocol, MethodSpec spec, BufferAllocator memory, Record header) {
    super(calls, protocol, spec, memory, header);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<O> decode(IpcStreamReader reader, Map<String, String> metadata) {
    return (List<O>) spec.output().orElseThrow().decode(reader.root(), new ReadContext(reader, calls.allocator()));
  }

  @Override
  public List<O> exchange(List<I> input) {
    if (ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    RecordSchema inputRows = spec.input().orElseThrow();
    Batch batch;
    try {
      batch = inputRows.encode(input, memory());
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send input to '" + spec.name() + "': " + e.getMessage());
    }
    try (batch) {
      return exchangeTurn(inputRows.schema(), batch);
    }
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return headerOf(type);
  }

  @Override
  public void cancel() {
    cancelStream();
  }

  /** Ends the session; the server keeps nothing for it, so nothing is sent. */
  @Override
  public void close() {
    end();
  }
}
