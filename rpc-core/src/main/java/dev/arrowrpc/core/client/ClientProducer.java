package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.Batch;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** What a producer method returns on the client: ticks the server once per batch. */
final class ClientProducer<T> extends ClientStream implements Producer<T> {
  private final RowIterators.Cursor<T> cursor = new RowIterators.Cursor<>(() -> ended() ? null : tick());

  ClientProducer(ClientSession session, MethodSpec spec, BufferAllocator memory, Record header) {
    super(session, spec, memory, header);
  }

  @SuppressWarnings("unchecked")
  private List<T> tick() {
    try (VectorSchemaRoot tick = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory())) {
      return (List<T>) turn(Batch.of(tick), MethodSpec.EMPTY_SCHEMA, this::decodeRows);
    }
  }

  @Override
  public Iterable<List<T>> batches() {
    return cursor::batches;
  }

  @Override
  public Iterator<T> iterator() {
    return RowIterators.rows(batches().iterator());
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
    super.cancel();
  }
}
