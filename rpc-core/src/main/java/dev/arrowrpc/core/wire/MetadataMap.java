package dev.arrowrpc.core.wire;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A batch's custom metadata as read: a few entries in wire order, held in two arrays and looked up
 * by scanning them (a request carries three or four keys), unmodifiable. A later duplicate of a key
 * replaces the earlier one's value in place, as a {@code LinkedHashMap} would.
 */
final class MetadataMap extends AbstractMap<String, String> {
  private final String[] keys;
  private final String[] values;
  private int size;

  MetadataMap(int capacity) {
    this.keys = new String[capacity];
    this.values = new String[capacity];
  }

  /** Adds an entry while the map is being read (a repeated key keeps its place, takes the new value). */
  void add(String key, String value) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        values[i] = value;
        return;
      }
    }
    keys[size] = key;
    values[size] = value;
    size++;
  }

  @Override
  public String get(Object key) {
    // a key looked up by its constant finds the constant read (see MetadataText) by identity
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, String> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            Entry<String, String> entry = new SimpleImmutableEntry<>(keys[next], values[next]);
            next++;
            return entry;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
