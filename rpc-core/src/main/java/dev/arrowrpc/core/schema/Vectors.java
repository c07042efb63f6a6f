package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Small operations on vectors and schemas that Arrow Java spreads over many classes. */
public final class Vectors {
  private Vectors() {}

  /**
   * Sets a cell to null, growing the vector if needed.
   *
   * @param vector the column
   * @param index the row
   * @throws MarshalException when the column's type has no null cell to set
   */
  public static void setNull(FieldVector vector, int index) {
    if (vector instanceof BaseFixedWidthVector v) {
      v.setNull(index);
    } else if (vector instanceof BaseVariableWidthVector v) {
      v.setNull(index);
    } else if (vector instanceof BaseLargeVariableWidthVector v) {
      v.setNull(index);
    } else if (vector instanceof ListVector v) {
      v.setNull(index);
    } else if (vector instanceof LargeListVector v) {
      v.setNull(index);
    } else if (vector instanceof FixedSizeListVector v) {
      v.setNull(index);
    } else if (vector instanceof StructVector v) {
      v.setNull(index);
    } else {
      throw new MarshalException("cannot write a null into a " + vector.getMinorType() + " column");
    }
  }

  /** The largest array the JVM allocates (a little under {@code Integer.MAX_VALUE}). */
  static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /**
   * Refuses a 64-bit-offset cell too large for a Java array, naming its size and the limit, so a
   * peer's 2 GiB value gets a typed error instead of an overflow.
   */
  static void requireArraySized(BaseLargeVariableWidthVector vector, int index) {
    long start = vector.getOffsetBuffer().getLong((long) index * BaseLargeVariableWidthVector.OFFSET_WIDTH);
    long end = vector.getOffsetBuffer().getLong((long) (index + 1) * BaseLargeVariableWidthVector.OFFSET_WIDTH);
    long length = end - start;
    if (length > MAX_ARRAY_LENGTH) {
      throw new MarshalException("the value holds " + length + " bytes, more than a Java array can hold ("
          + MAX_ARRAY_LENGTH + " at most)");
    }
  }

  /**
   * Converts a message-format field (dictionary columns typed by their values) to the in-memory
   * form vectors are created from (dictionary columns typed by their indices).
   *
   * @param field a field as the IPC message's schema declares it
   * @return the field as vectors are created from it
   */
  public static Field toMemoryFormat(Field field) {
    List<Field> children = new ArrayList<>(field.getChildren().size());
    for (Field child : field.getChildren()) {
      children.add(toMemoryFormat(child));
    }
    DictionaryEncoding encoding = field.getDictionary();
    ArrowType type = encoding == null ? field.getType() : encoding.getIndexType();
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), type, encoding, field.getMetadata()),
        encoding == null ? children : List.of());
  }

  /**
   * Creates an empty root for a message-format schema.
   *
   * @param schema the schema, message format
   * @param allocator where the vectors' buffers come from
   * @return an empty root; the caller closes it
   */
  public static VectorSchemaRoot createRoot(Schema schema, BufferAllocator allocator) {
    return VectorSchemaRoot.create(memorySchema(schema), allocator);
  }

  /**
   * Converts a message-format schema to the in-memory form vectors are created from.
   *
   * @param schema the schema, message format
   * @return the schema with every field in memory format (see {@link #toMemoryFormat})
   */
  public static Schema memorySchema(Schema schema) {
    List<Field> fields = new ArrayList<>(schema.getFields().size());
    for (Field field : schema.getFields()) {
      fields.add(toMemoryFormat(field));
    }
    return new Schema(fields);
  }

  /**
   * Collects the dictionary-encoded fields of a schema, depth first.
   *
   * @param schema the schema, message format
   * @return the dictionary-encoded fields, possibly none
   */
  public static List<Field> dictionaryFields(Schema schema) {
    List<Field> result = new ArrayList<>();
    for (Field field : schema.getFields()) {
      collectDictionaryFields(field, result);
    }
    return result;
  }

  private static void collectDictionaryFields(Field field, List<Field> result) {
    if (field.getDictionary() != null) {
      result.add(field);
    }
    for (Field child : field.getChildren()) {
      collectDictionaryFields(child, result);
    }
  }
}
