package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/**
 * What reading a cell may need beyond the vector: the dictionaries of the stream it came from, and
 * an allocator for values that are themselves Arrow data (owned by the caller afterwards).
 *
 * @param dictionaries the stream's dictionaries
 * @param allocator where Arrow-valued cells are materialised
 */
public record ReadContext(DictionaryProvider dictionaries, BufferAllocator allocator) {
  /** Looks up a dictionary or fails with a message naming the id. */
  Dictionary dictionary(long id) {
    Dictionary dictionary = dictionaries == null ? null : dictionaries.lookup(id);
    if (dictionary == null) {
      throw new MarshalException("no dictionary with id " + id + " in the stream");
    }
    return dictionary;
  }
}
