package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.Batch;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** What an exchange method returns on the client: a lockstep session. */
final class ClientExchange<I, O> extends ClientStream implements Exchange<I, O> {
  ClientExchange(ClientSession session, MethodSpec spec, BufferAllocator memory, Record header) {
    super(session, spec, memory, header);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<O> exchange(List<I> input) {
    if (ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    RecordSchema inputRows = spec.input().orElseThrow();
    Batch batch;
    try {
      // from the session's allocator, not the stream's: an error batch in answer releases the
      // stream's memory inside turn(), while this batch is still open until the turn returns
      batch = inputRows.encode(input, session.allocator());
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send input to '" + spec.name() + "': " + e.getMessage());
    }
    try (batch) {
      List<Object> out = turn(batch, inputRows.schema(), this::decodeRows);
      if (out == null) {
        throw new RpcException("ProtocolError", "the server ended the exchange");
      }
      return (List<O>) out;
    }
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return super.header(type);
  }

  @Override
  public void cancel() {
    super.cancel();
  }

  @Override
  public void close() {
    closeGracefully();
  }
}
