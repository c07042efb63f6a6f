package dev.arrowrpc.core.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

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
}
