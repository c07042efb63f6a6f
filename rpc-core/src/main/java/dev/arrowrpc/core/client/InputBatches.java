package dev.arrowrpc.core.client;

import dev.arrowrpc.core.wire.Batch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * Turns a caller's exchange input into what goes on the wire: the stream schema in message format
 * (a dictionary-encoded column typed by its values) and the batch with the dictionaries its columns
 * use. Nothing is copied; the caller keeps ownership of the root and the dictionaries.
 */
final class InputBatches {
  private InputBatches() {}

  /**
   * An input batch ready to send.
   *
   * @param schema the input stream's schema, message format
   * @param batch the root and the dictionaries it refers to (not to be closed: the caller owns them)
   */
  record Prepared(Schema schema, Batch batch) {}

  /**
   * Prepares a batch without dictionaries.
   *
   * @param root the batch
   * @return the batch with its schema
   * @throws IllegalArgumentException when a column is dictionary-encoded (its values are missing)
   */
  static Prepared plain(VectorSchemaRoot root) {
    for (Field field : root.getSchema().getFields()) {
      if (hasDictionary(field)) {
        throw new IllegalArgumentException("column '" + field.getName()
            + "' is dictionary-encoded: pass its dictionaries with exchange(input, dictionaries)");
      }
    }
    return new Prepared(root.getSchema(), Batch.of(root));
  }

  /**
   * Prepares a batch whose dictionary-encoded columns (at any depth) take their values from a
   * provider.
   *
   * @param root the batch (dictionary-encoded columns hold indices)
   * @param dictionaries the dictionaries, by id
   * @return the batch with its schema and dictionaries
   * @throws IllegalArgumentException when a dictionary a column names is missing
   */
  static Prepared withDictionaries(VectorSchemaRoot root, DictionaryProvider dictionaries) {
    Set<Long> used = new LinkedHashSet<>();
    List<Field> fields = new ArrayList<>();
    for (Field field : root.getSchema().getFields()) {
      if (hasDictionary(field)) {
        requireDictionaries(field, dictionaries);
      }
      fields.add(DictionaryUtility.toMessageFormat(field, dictionaries, used));
    }
    Map<Long, VectorSchemaRoot> values = new LinkedHashMap<>();
    for (long id : used) {
      FieldVector vector = dictionaries.lookup(id).getVector();
      values.put(id, new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount()));
    }
    return new Prepared(new Schema(fields, root.getSchema().getCustomMetadata()), new Batch(root, values));
  }

  private static boolean hasDictionary(Field field) {
    return field.getDictionary() != null || field.getChildren().stream().anyMatch(InputBatches::hasDictionary);
  }

  private static void requireDictionaries(Field field, DictionaryProvider dictionaries) {
    if (field.getDictionary() != null) {
      long id = field.getDictionary().getId();
      Dictionary dictionary = dictionaries.lookup(id);
      if (dictionary == null) {
        throw new IllegalArgumentException("column '" + field.getName() + "' refers to dictionary " + id
            + ", which the provider does not have");
      }
    }
    for (Field child : field.getChildren()) {
      requireDictionaries(child, dictionaries);
    }
  }
}
