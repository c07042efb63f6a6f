package dev.arrowrpc.core.util;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The batches of a producer, fetched one turn at a time, for every producer (a remote one on the
 * client, a local one run in-process). A batch fetched by {@code hasNext()} is kept here, not in an
 * iterator, so every iterator over the producer (rows or batches) shares one position.
 *
 * @param <T> the row type
 */
public final class TurnCursor<T> {
  private final Supplier<List<T>> nextTurn;
  private List<T> pending;

  /**
   * Creates a cursor over turns.
   *
   * @param nextTurn runs the next turn; answers null once the stream ended
   */
  public TurnCursor(Supplier<List<T>> nextTurn) {
    this.nextTurn = nextTurn;
  }

  /** Drops a batch fetched but not yet returned (after a cancel it is no longer wanted). */
  public void discard() {
    pending = null;
  }

  /** {@return an iterator over the remaining batches} */
  public Iterator<List<T>> batches() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (pending == null) {
          pending = nextTurn.get();
        }
        return pending != null;
      }

      @Override
      public List<T> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> batch = pending;
        pending = null;
        return batch;
      }
    };
  }

  /**
   * Flattens batches into rows, pulling the next batch only when the current one is used up.
   *
   * @param batches the batches
   * @param <T> the row type
   * @return the rows
   */
  public static <T> Iterator<T> rows(Iterator<List<T>> batches) {
    return new Iterator<>() {
      private Iterator<T> current = List.<T>of().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && batches.hasNext()) {
          current = batches.next().iterator();
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }
}
