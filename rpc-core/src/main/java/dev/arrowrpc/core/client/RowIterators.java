package dev.arrowrpc.core.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Iterates the rows of a sequence of batches. */
final class RowIterators {
  private RowIterators() {}

  /**
   * Flattens batches into rows, pulling the next batch only when the current one is used up.
   *
   * @param batches the batches
   * @param <T> the row type
   * @return the rows
   */
  static <T> Iterator<T> rows(Iterator<List<T>> batches) {
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

  /**
   * The batches of a producer, fetched one turn at a time. A batch fetched by {@code hasNext()} is
   * kept here, not in an iterator, so every iterator over the producer (rows or batches) shares one
   * position.
   *
   * @param <T> the row type
   */
  static final class Cursor<T> {
    private final Supplier<List<T>> nextTurn;
    private List<T> pending;

    /** Creates a cursor over turns; {@code nextTurn} answers null once the stream ended. */
    Cursor(Supplier<List<T>> nextTurn) {
      this.nextTurn = nextTurn;
    }

    /** Drops a batch fetched but not yet returned (after a cancel it is no longer wanted). */
    void discard() {
      pending = null;
    }

    /** An iterator over the remaining batches. */
    Iterator<List<T>> batches() {
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
  }
}
