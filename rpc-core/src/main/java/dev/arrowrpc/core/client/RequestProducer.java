package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/** What a producer method returns over a request transport: continues the stream turn by turn. */
final class RequestProducer<T> extends RequestStream<List<T>> implements Producer<T> {
  private final RowIterators.Cursor<T> cursor = new RowIterators.Cursor<>(this::nextProduced);

  RequestProducer(RequestCalls calls, ProtocolId protocol, MethodSpec spec, BufferAllocator memory, Record header) {
    super(calls, protocol, spec, memory, header);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<T> decode(IpcStreamReader reader, Map<String, String> metadata) {
    return (List<T>) spec.output().orElseThrow().decode(reader.root(), new ReadContext(reader, calls.allocator()));
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
    return headerOf(type);
  }

  @Override
  public void cancel() {
    cursor.discard();
    cancelStream();
  }

  /** Cancels the stream unless the server finished it (then there is nothing to cancel). */
  @Override
  public void close() {
    cancel();
  }
}
