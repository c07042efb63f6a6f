package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.wire.MarshalException;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The runtime's views of one row for generated code ({@link GeneratedInvoker}): typed accessors
 * that read or write a cell exactly as the column's codec does. A primitive accessor on the column
 * layout reflection would give it (int64 for {@code long}, int32, float64, float32, bool) touches
 * the vector directly; every other case goes through {@link Column#read} and {@link Column#write},
 * so both paths agree by construction, errors and their messages included.
 */
public final class RowCells {
  private RowCells() {}

  /**
   * A row being read. It remembers the values {@link #get} decoded (they may hold Arrow data the
   * call's owner releases, see {@link #decoded}) and the first non-nullable column that read null.
   */
  public static final class Reader implements GeneratedInvoker.ResultRow {
    private final RowLayout layout;
    private final List<FieldVector> vectors;
    private final int row;
    private final ReadContext context;
    private Object[] decoded;
    private int firstNull = -1;

    Reader(RowLayout layout, List<FieldVector> vectors, int row, ReadContext context) {
      this.layout = layout;
      this.vectors = vectors;
      this.row = row;
      this.context = context;
    }

    /** {@return the first column, in column order, that is not nullable but read null; -1: none} */
    public int firstNullColumn() {
      return firstNull;
    }

    /**
     * The values {@link #get} returned, by column (primitive columns read with a typed accessor are
     * absent), for releasing the Arrow data they may hold.
     *
     * @return the values, possibly empty
     */
    public Object[] decoded() {
      return decoded == null ? new Object[0] : decoded;
    }

    private FieldVector vector(int column) {
      return RowLayout.vectorFor(vectors, column, layout.columns().get(column).name());
    }

    private boolean direct(int column, FieldVector vector, Class<?> codec) {
      return codec.isInstance(layout.columns().get(column).codec()) && !vector.isNull(row);
    }

    @Override
    public long getLong(int column) {
      FieldVector vector = vector(column);
      if (vector.getClass() == BigIntVector.class && direct(column, vector, IntegerCodec.class)) {
        return ((BigIntVector) vector).get(row);
      }
      return (Long) read(column, vector);
    }

    @Override
    public int getInt(int column) {
      FieldVector vector = vector(column);
      if (vector.getClass() == IntVector.class && direct(column, vector, IntegerCodec.class)) {
        return ((IntVector) vector).get(row);
      }
      return (Integer) read(column, vector);
    }

    @Override
    public short getShort(int column) {
      return (Short) read(column, vector(column));
    }

    @Override
    public byte getByte(int column) {
      return (Byte) read(column, vector(column));
    }

    @Override
    public double getDouble(int column) {
      FieldVector vector = vector(column);
      if (vector.getClass() == Float8Vector.class && direct(column, vector, FloatCodec.class)) {
        return ((Float8Vector) vector).get(row);
      }
      return (Double) read(column, vector);
    }

    @Override
    public float getFloat(int column) {
      FieldVector vector = vector(column);
      if (vector.getClass() == Float4Vector.class && direct(column, vector, FloatCodec.class)) {
        return ((Float4Vector) vector).get(row);
      }
      return (Float) read(column, vector);
    }

    @Override
    public boolean getBoolean(int column) {
      FieldVector vector = vector(column);
      if (vector.getClass() == BitVector.class && direct(column, vector, BoolCodec.class)) {
        return ((BitVector) vector).get(row) != 0;
      }
      return (Boolean) read(column, vector);
    }

    @Override
    public Object get(int column) {
      Object value = read(column, vector(column));
      if (decoded == null) {
        decoded = new Object[layout.columns().size()];
      }
      decoded[column] = value;
      if (value == null && !layout.columns().get(column).nullable() && (firstNull < 0 || column < firstNull)) {
        firstNull = column;
      }
      return value;
    }

    private Object read(int column, FieldVector vector) {
      return layout.columns().get(column).read(vector, row, context);
    }
  }

  /** A row being written: row 0 of a batch {@link RowLayout#encodeRow} allocated. */
  static final class Writer implements GeneratedInvoker.ParameterWriter {
    private final List<Column> columns;
    private final List<FieldVector> vectors;
    private final WriteContext context;

    Writer(List<Column> columns, List<FieldVector> vectors, WriteContext context) {
      this.columns = columns;
      this.vectors = vectors;
      this.context = context;
    }

    private boolean direct(int column, Class<?> vectorType, Class<?> codec) {
      return vectors.get(column).getClass() == vectorType && codec.isInstance(columns.get(column).codec());
    }

    @Override
    public void setLong(int column, long value) {
      if (direct(column, BigIntVector.class, IntegerCodec.class)) {
        ((BigIntVector) vectors.get(column)).setSafe(0, value);
      } else {
        set(column, value);
      }
    }

    @Override
    public void setInt(int column, int value) {
      if (direct(column, IntVector.class, IntegerCodec.class)) {
        ((IntVector) vectors.get(column)).setSafe(0, value);
      } else {
        set(column, value);
      }
    }

    @Override
    public void setShort(int column, short value) {
      set(column, value);
    }

    @Override
    public void setByte(int column, byte value) {
      set(column, value);
    }

    @Override
    public void setDouble(int column, double value) {
      if (direct(column, Float8Vector.class, FloatCodec.class)) {
        ((Float8Vector) vectors.get(column)).setSafe(0, value);
      } else {
        set(column, value);
      }
    }

    @Override
    public void setFloat(int column, float value) {
      if (direct(column, Float4Vector.class, FloatCodec.class)) {
        ((Float4Vector) vectors.get(column)).setSafe(0, value);
      } else {
        set(column, value);
      }
    }

    @Override
    public void setBoolean(int column, boolean value) {
      if (direct(column, BitVector.class, BoolCodec.class)) {
        ((BitVector) vectors.get(column)).setSafe(0, value ? 1 : 0);
      } else {
        set(column, value);
      }
    }

    @Override
    public void set(int column, Object value) {
      if (column < 0 || column >= columns.size()) {
        throw new MarshalException("no parameter at position " + column);
      }
      columns.get(column).write(vectors.get(column), 0, value, context);
    }
  }

  /**
   * A row held as values, for generated code on the small-batch lane ({@link RowLane}): read from
   * values a lane decoded, or written into values a lane encodes.
   */
  public static final class Values implements GeneratedInvoker.ResultRow, GeneratedInvoker.ParameterWriter {
    private final Object[] values;

    /**
     * A row over the given values (read and written in place).
     *
     * @param values the values, in column order
     */
    public Values(Object[] values) {
      this.values = values;
    }

    /** {@return the values, in column order} */
    public Object[] values() {
      return values;
    }

    @Override
    public long getLong(int column) {
      return (Long) values[column];
    }

    @Override
    public int getInt(int column) {
      return (Integer) values[column];
    }

    @Override
    public short getShort(int column) {
      return (Short) values[column];
    }

    @Override
    public byte getByte(int column) {
      return (Byte) values[column];
    }

    @Override
    public double getDouble(int column) {
      return (Double) values[column];
    }

    @Override
    public float getFloat(int column) {
      return (Float) values[column];
    }

    @Override
    public boolean getBoolean(int column) {
      return (Boolean) values[column];
    }

    @Override
    public Object get(int column) {
      return values[column];
    }

    @Override
    public void setLong(int column, long value) {
      set(column, value);
    }

    @Override
    public void setInt(int column, int value) {
      set(column, value);
    }

    @Override
    public void setShort(int column, short value) {
      set(column, value);
    }

    @Override
    public void setByte(int column, byte value) {
      set(column, value);
    }

    @Override
    public void setDouble(int column, double value) {
      set(column, value);
    }

    @Override
    public void setFloat(int column, float value) {
      set(column, value);
    }

    @Override
    public void setBoolean(int column, boolean value) {
      set(column, value);
    }

    @Override
    public void set(int column, Object value) {
      if (column < 0 || column >= values.length) {
        throw new MarshalException("no parameter at position " + column);
      }
      values[column] = value;
    }
  }
}
