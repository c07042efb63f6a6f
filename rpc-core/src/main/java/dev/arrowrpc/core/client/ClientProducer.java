package dev.arrowrpc.core.client;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.util.TurnCursor;
import java.util.Iterator;
import java.util.List;

/** What a producer method returns on the client, over any transport: ticks the server per batch. */
final class ClientProducer<T> extends StreamHandle<List<T>> implements Producer<T> {
  private final TurnCursor<T> cursor;

  ClientProducer(TurnCarrier<List<T>> turns) {
    super(turns);
    this.cursor = new TurnCursor<>(() -> turns.tick().orElse(null));
  }

  @Override
  public Iterable<List<T>> batches() {
    return cursor::batches;
  }

  @Override
  public Iterator<T> iterator() {
    return TurnCursor.rows(cursor.batches());
  }

  @Override
  public void cancel() {
    cursor.discard();
    super.cancel();
  }

  /** Cancels the stream unless the server finished it (then there is nothing to cancel). */
  @Override
  public void close() {
    cancel();
  }
}
