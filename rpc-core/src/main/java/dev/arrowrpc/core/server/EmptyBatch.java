package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.Vectors;
import dev.arrowrpc.core.wire.Batch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A zero-row batch on any schema, with an empty dictionary for every dictionary-encoded field:
 * what log and error batches are written as, since a peer's reader needs every dictionary before
 * the first batch of a stream.
 */
final class EmptyBatch {
  private EmptyBatch() {}

  static Batch of(Schema schema, BufferAllocator memory) {
    VectorSchemaRoot root = Vectors.createRoot(schema, memory);
    root.setRowCount(0);
    List<Field> dictionaryFields = Vectors.dictionaryFields(schema);
    if (dictionaryFields.isEmpty()) {
      return Batch.of(root);
    }
    Map<Long, VectorSchemaRoot> dictionaries = new HashMap<>();
    for (Field field : dictionaryFields) {
      Field values = new Field("values", FieldType.nullable(field.getType()), field.getChildren());
      FieldVector vector = values.createVector(memory);
      VectorSchemaRoot holder = new VectorSchemaRoot(List.of(vector));
      holder.setRowCount(0);
      dictionaries.put(field.getDictionary().getId(), holder);
    }
    return new Batch(root, dictionaries);
  }
}
