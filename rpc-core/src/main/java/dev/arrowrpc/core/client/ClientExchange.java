package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.wire.Batch;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** What an exchange method returns on the client, over any transport: one turn per input batch. */
final class ClientExchange<I, O> extends StreamHandle<List<O>> implements Exchange<I, O> {
  private final MethodSpec spec;
  private final BufferAllocator allocator;

  /**
   * Creates the handle.
   *
   * @param spec the method
   * @param allocator where input batches are encoded: the client's, not the stream's, since an
   *     error in answer ends the stream (and its memory) while the input is still open
   * @param turns the stream's turns
   */
  ClientExchange(MethodSpec spec, BufferAllocator allocator, TurnCarrier<List<O>> turns) {
    super(turns);
    this.spec = spec;
    this.allocator = allocator;
  }

  @Override
  public List<O> exchange(List<I> input) {
    requireOpen();
    RecordSchema inputRows = spec.input().orElseThrow();
    Batch batch;
    try {
      batch = inputRows.encode(input, allocator);
    } catch (MarshalException e) {
      throw new RpcException("TypeError", "cannot send input to '" + spec.name() + "': " + e.getMessage());
    }
    try (batch) {
      return exchangeTurn(inputRows.schema(), batch);
    }
  }
}
