package dev.arrowrpc.core.schema;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-batch state while writing: the values of each dictionary-encoded column, in index order, by
 * dictionary id.
 */
final class WriteContext {
  private final org.apache.arrow.memory.BufferAllocator allocator;
  /** Made on the first dictionary value: most batches have none. */
  private Map<Long, LinkedHashMap<String, Integer>> dictionaries = Map.of();

  /** Creates the state for one batch; nested Arrow values are encoded with the allocator. */
  WriteContext(org.apache.arrow.memory.BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /** The allocator of the batch being written. */
  org.apache.arrow.memory.BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Returns the index of a value in a dictionary, adding it when new.
   *
   * @param id the dictionary id
   * @param value the value
   * @return its index
   */
  int indexOf(long id, String value) {
    if (dictionaries.isEmpty()) {
      dictionaries = new HashMap<>();
    }
    LinkedHashMap<String, Integer> values = dictionaries.computeIfAbsent(id, k -> new LinkedHashMap<>());
    Integer index = values.get(value);
    if (index == null) {
      index = values.size();
      values.put(value, index);
    }
    return index;
  }

  /** Returns whether a dictionary has been started. */
  boolean has(long id) {
    return dictionaries.containsKey(id);
  }

  /** Returns the values of a dictionary in index order (empty when the batch used none). */
  public Iterable<String> values(long id) {
    LinkedHashMap<String, Integer> values = dictionaries.get(id);
    return values == null ? java.util.List.of() : values.keySet();
  }
}
