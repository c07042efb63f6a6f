package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.MarshalException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A record type's columns (one per component, in declaration order) with its accessors and
 * canonical constructor, so records become rows and rows become records.
 */
public final class RecordSchema {
  private final Class<?> type;
  private final RowLayout layout;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;

  RecordSchema(Class<?> type, List<Column> columns) {
    this.type = type;
    this.layout = new RowLayout(columns);
    RecordComponent[] components = type.getRecordComponents();
    this.accessors = new MethodHandle[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        var accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        accessors[i] = MethodHandles.lookup().unreflect(accessor)
            .asType(MethodType.methodType(Object.class, Object.class));
        parameterTypes[i] = components[i].getType();
      }
      Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
      canonical.setAccessible(true);
      this.constructor = MethodHandles.lookup().unreflectConstructor(canonical)
          .asSpreader(Object[].class, components.length)
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(
          "record " + type.getName() + " is not accessible (make it public): " + e.getMessage(), e);
    }
  }

  /** {@return the record class} */
  public Class<?> type() {
    return type;
  }

  /** {@return the record's schema: one field per component} */
  public Schema schema() {
    return layout.schema();
  }

  /** {@return the record's columns} */
  public RowLayout layout() {
    return layout;
  }

  /**
   * Encodes records as the rows of a batch the caller owns.
   *
   * @param rows the records
   * @param allocator where the batch is allocated
   * @return the batch
   */
  public Batch encode(List<?> rows, BufferAllocator allocator) {
    return layout.encode(rows.size(), (row, column) -> component(rows.get(row), column), allocator);
  }

  /**
   * Decodes every row of a root into records.
   *
   * @param root the batch
   * @param context dictionaries and allocator
   * @return the records
   */
  public List<Object> decode(VectorSchemaRoot root, ReadContext context) {
    List<FieldVector> vectors = root.getFieldVectors();
    List<Object> rows = new ArrayList<>(root.getRowCount());
    for (int i = 0; i < root.getRowCount(); i++) {
      rows.add(readRow(vectors, i, context));
    }
    return rows;
  }

  void writeRow(List<FieldVector> vectors, int index, Object record, WriteContext context) {
    List<Column> columns = layout.columns();
    for (int c = 0; c < columns.size(); c++) {
      columns.get(c).write(vectors.get(c), index, component(record, c), context);
    }
  }

  Object readRow(List<FieldVector> vectors, int index, ReadContext context) {
    return construct(layout.decodeRow(vectors, index, context));
  }

  /** A record from its component values, in component order. */
  Object construct(Object[] values) {
    try {
      return (Object) constructor.invokeExact(values);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new MarshalException("cannot construct " + type.getSimpleName() + ": " + e, e);
    }
  }

  /** A record's component value, refusing a value that is not this record type. */
  Object component(Object record, int column) {
    if (!type.isInstance(record)) {
      throw new MarshalException(
          "expected a " + type.getSimpleName() + " row, got "
              + (record == null ? "null" : record.getClass().getName()));
    }
    try {
      return (Object) accessors[column].invokeExact(record);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new MarshalException("cannot read " + type.getSimpleName() + " component: " + e, e);
    }
  }
}
