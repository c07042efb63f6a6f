package dev.arrowrpc.core.wire;

import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A record batch ready to be written: its vectors (dictionary-encoded columns hold indices) and the
 * dictionaries those columns refer to, by dictionary id. The caller owns and closes every root.
 *
 * @param root the batch's vectors
 * @param dictionaries each dictionary's values as a one-column root, keyed by dictionary id
 */
public record Batch(VectorSchemaRoot root, Map<Long, VectorSchemaRoot> dictionaries)
    implements AutoCloseable {

  /**
   * Wraps a root that has no dictionary-encoded columns.
   *
   * @param root the batch's vectors
   * @return the batch, owning the root
   */
  public static Batch of(VectorSchemaRoot root) {
    return new Batch(root, Map.of());
  }

  /** Closes the root and every dictionary. */
  @Override
  public void close() {
    root.close();
    dictionaries.values().forEach(VectorSchemaRoot::close);
  }
}
