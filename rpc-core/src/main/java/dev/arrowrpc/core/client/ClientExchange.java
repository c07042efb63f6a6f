package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.Batch;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** What an exchange method returns on the client, over any transport: one turn per input batch. */
final class ClientExchange<I, O> implements Exchange<I, O> {
  private final MethodSpec spec;
  private final BufferAllocator allocator;
  private final TurnCarrier<List<O>> turns;

  /**
   * Creates the handle.
   *
   * @param spec the method
   * @param allocator where input batches are encoded: the client's, not the stream's, since an
   *     error in answer ends the stream (and its memory) while the input is still open
   * @param turns the stream's turns
   */
  ClientExchange(MethodSpec spec, BufferAllocator allocator, TurnCarrier<List<O>> turns) {
    this.spec = spec;
    this.allocator = allocator;
    this.turns = turns;
  }

  @Override
  public List<O> exchange(List<I> input) {
    if (turns.ended()) {
      throw new RpcException("ProtocolError", "Stream has been closed or cancelled");
    }
    RecordSchema inputRows = spec.input().orElseThrow();
    Batch batch;
    try {
      batch = inputRows.encode(input, allocator);
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send input to '" + spec.name() + "': " + e.getMessage());
    }
    try (batch) {
      return turns.exchange(inputRows.schema(), batch)
          .orElseThrow(() -> new RpcException("ProtocolError", "the server ended the stream"));
    }
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    return turns.header(type);
  }

  @Override
  public void cancel() {
    turns.cancel();
  }

  @Override
  public void close() {
    turns.close();
  }
}
