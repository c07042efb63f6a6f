package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.MarshalException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An ordered set of columns and the schema they form: the parameters of a method, the components of
 * a record, a unary result. Encodes rows into batches and decodes them back.
 */
public final class RowLayout {
  /** Supplies the value of one cell while encoding. */
  @FunctionalInterface
  public interface CellSource {
    /**
     * Returns a cell's value.
     *
     * @param row the row
     * @param column the column's position
     * @return the value
     */
    Object value(int row, int column);
  }

  private final List<Column> columns;
  private final Schema schema;
  /** The schema in memory format (dictionary columns typed by their indices), derived once. */
  private final Schema memorySchema;
  private final List<Field> dictionaryFields;
  private final Optional<RowLane> lane;

  /**
   * Creates a layout over the given columns.
   *
   * @param columns the columns
   */
  public RowLayout(List<Column> columns) {
    this.columns = List.copyOf(columns);
    List<Field> fields = new ArrayList<>(columns.size());
    for (Column column : columns) {
      fields.add(column.field());
    }
    this.schema = new Schema(fields);
    this.memorySchema = Vectors.memorySchema(schema);
    this.dictionaryFields = Vectors.dictionaryFields(schema);
    this.lane = RowLane.of(this.columns, schema);
  }

  /**
   * {@return the small-batch lane of this layout (one row without vectors), when every column has
   * one}
   */
  public Optional<RowLane> lane() {
    return lane;
  }

  /** {@return the columns, in schema order} */
  public List<Column> columns() {
    return columns;
  }

  /** {@return the schema in message format} */
  public Schema schema() {
    return schema;
  }

  /**
   * Encodes rows into a batch the caller owns.
   *
   * @param rowCount the number of rows
   * @param source the cell values
   * @param allocator where the batch is allocated
   * @return the batch, with one dictionary per dictionary-encoded field
   */
  public Batch encode(int rowCount, CellSource source, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(memorySchema, allocator);
    try {
      WriteContext context = new WriteContext(allocator);
      List<FieldVector> vectors = root.getFieldVectors();
      for (FieldVector vector : vectors) {
        vector.setInitialCapacity(Math.max(rowCount, 1));
        vector.allocateNew();
      }
      for (int row = 0; row < rowCount; row++) {
        for (int c = 0; c < columns.size(); c++) {
          columns.get(c).write(vectors.get(c), row, source.value(row, c), context);
        }
      }
      root.setRowCount(rowCount);
      return new Batch(root, dictionaries(context, allocator));
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /**
   * Encodes one row written by generated code ({@link dev.arrowrpc.core.generated.GeneratedInvoker})
   * into a batch the caller owns: the same batch {@link #encode} makes from the same values.
   *
   * @param fill writes the row's cells
   * @param allocator where the batch is allocated
   * @return the batch
   */
  public Batch encodeRow(java.util.function.Consumer<dev.arrowrpc.core.generated.GeneratedInvoker.ParameterWriter> fill,
      BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(memorySchema, allocator);
    try {
      WriteContext context = new WriteContext(allocator);
      List<FieldVector> vectors = root.getFieldVectors();
      for (FieldVector vector : vectors) {
        vector.setInitialCapacity(1);
        vector.allocateNew();
      }
      fill.accept(new RowCells.Writer(columns, vectors, context));
      root.setRowCount(1);
      return new Batch(root, dictionaries(context, allocator));
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /**
   * A view of one row for generated code to read, cell by cell, as {@link #decodeRow} would.
   *
   * @param vectors the vectors of a root
   * @param row the row
   * @param context dictionaries and allocator
   * @return the view
   */
  public RowCells.Reader reader(List<FieldVector> vectors, int row, ReadContext context) {
    return new RowCells.Reader(this, vectors, row, context);
  }

  private Map<Long, VectorSchemaRoot> dictionaries(WriteContext context, BufferAllocator allocator) {
    if (dictionaryFields.isEmpty()) {
      return Map.of();
    }
    Map<Long, VectorSchemaRoot> result = new HashMap<>();
    try {
      for (Field field : dictionaryFields) {
        long id = field.getDictionary().getId();
        VarCharVector values =
            (VarCharVector) Field.nullable("values", field.getType()).createVector(allocator);
        VectorSchemaRoot holder = VectorSchemaRoot.of(values);
        result.put(id, holder);
        values.allocateNew();
        int i = 0;
        for (String value : context.values(id)) {
          values.setSafe(i++, value.getBytes(StandardCharsets.UTF_8));
        }
        holder.setRowCount(i);
      }
      return result;
    } catch (RuntimeException e) {
      result.values().forEach(VectorSchemaRoot::close);
      throw e;
    }
  }

  /**
   * Decodes one row: one value per column, matched by name.
   *
   * @param vectors the vectors of a root or struct
   * @param row the row
   * @param context dictionaries and allocator
   * @return the values in column order
   */
  public Object[] decodeRow(List<FieldVector> vectors, int row, ReadContext context) {
    Object[] values = new Object[columns.size()];
    int c = 0;
    try {
      for (; c < columns.size(); c++) {
        Column column = columns.get(c);
        values[c] = column.read(vectorFor(vectors, c, column.name()), row, context);
      }
    } catch (RuntimeException | Error e) {
      // the values decoded before the failure may own Arrow memory (a batch in a cell): release them
      for (int done = 0; done < c; done++) {
        if (values[done] instanceof AutoCloseable owned) {
          try {
            owned.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    }
    return values;
  }

  static FieldVector vectorFor(List<FieldVector> vectors, int position, String name) {
    if (position < vectors.size() && vectors.get(position).getName().equals(name)) {
      return vectors.get(position);
    }
    for (FieldVector vector : vectors) {
      if (vector.getName().equals(name)) {
        return vector;
      }
    }
    throw new MarshalException("the data has no column named '" + name + "'");
  }
}
