package dev.arrowrpc.core.wire;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Batch metadata that never changes: an ordered copy nobody can modify, which writers may remember
 * by identity (its encoded text, a whole column-free message) when the same instance comes back,
 * as the dispatch metadata of a method's requests does call after call.
 */
public final class FixedMetadata extends AbstractMap<String, String> {
  private final Map<String, String> entries;

  private FixedMetadata(Map<String, String> entries) {
    this.entries = entries;
  }

  /**
   * An unmodifiable copy of metadata, in its iteration order.
   *
   * @param metadata the metadata
   * @return the copy
   */
  public static FixedMetadata of(Map<String, String> metadata) {
    return new FixedMetadata(Collections.unmodifiableMap(new LinkedHashMap<>(metadata)));
  }

  /** Whether a map is known never to change (this class, or an empty map of {@code Map.of()}). */
  static boolean isFixed(Map<String, String> metadata) {
    return metadata instanceof FixedMetadata || metadata == Map.<String, String>of();
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return entries.entrySet();
  }

  @Override
  public String get(Object key) {
    return entries.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return entries.containsKey(key);
  }

  @Override
  public int size() {
    return entries.size();
  }
}
