package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Converts between one Java type and one Arrow column: it knows the column's Arrow type and writes
 * and reads single cells. Codec trees are built once per method at registration, never per call.
 */
public abstract class Codec {
  /**
   * Returns the Arrow field for this codec in message format (a dictionary-encoded column is typed
   * by its values and carries its encoding).
   *
   * @param name the field name
   * @param nullable whether the field is declared nullable
   * @return the field
   */
  public Field field(String name, boolean nullable) {
    return new Field(name, new FieldType(nullable, arrowType(), dictionary()), children());
  }

  /** {@return the Arrow type of the column (the value type for dictionary-encoded columns)} */
  protected abstract ArrowType arrowType();

  /** {@return the child fields of a nested type; empty for leaves} */
  protected List<Field> children() {
    return List.of();
  }

  /** {@return the dictionary encoding of the column, or null when it is not dictionary-encoded} */
  protected DictionaryEncoding dictionary() {
    return null;
  }

  /** Whether a null Java value stands for an Arrow null (true only for {@code Optional}). */
  boolean mapsEmptyToNull() {
    return false;
  }

  /**
   * Writes a value into a cell. A null value writes a null cell.
   *
   * @param vector the column
   * @param index the row
   * @param value the value, or null
   * @param context per-batch write state (dictionaries)
   */
  public final void write(FieldVector vector, int index, Object value, WriteContext context) {
    Object plain = unwrap(value);
    if (plain == null) {
      Vectors.setNull(vector, index);
      return;
    }
    try {
      set(vector, index, plain, context);
    } catch (ClassCastException e) {
      throw castFailure(plain, e);
    }
  }

  /** The error for a value of the wrong class (only reachable through unchecked generics). */
  final MarshalException castFailure(Object plain, ClassCastException e) {
    return new MarshalException("a " + plain.getClass().getName() + " cannot be written as " + arrowType(), e);
  }

  /**
   * The direct form of this codec's cells ({@link CellLane}): how they are laid into and read from
   * IPC buffers without vectors, when the codec has one.
   *
   * @return the lane, or empty
   */
  Optional<CellLane> lane() {
    return Optional.empty();
  }

  /** Maps a Java value to the value stored (overridden by {@code Optional}). */
  Object unwrap(Object value) {
    return value;
  }

  /** Maps a stored value (or null) back to the Java value (overridden by {@code Optional}). */
  Object wrap(Object value) {
    return value;
  }

  /**
   * Reads a cell.
   *
   * @param vector the column
   * @param index the row
   * @param context the stream's dictionaries and allocator
   * @return the value (null for a null cell, or an empty Optional for Optional types)
   */
  public final Object read(FieldVector vector, int index, ReadContext context) {
    if (vector.isNull(index)) {
      return wrap(null);
    }
    return wrap(get(vector, index, context));
  }

  /**
   * Writes a non-null value into a cell.
   *
   * @param vector the column
   * @param index the row
   * @param value the value (never null)
   * @param context the stream's dictionaries and allocator
   */
  protected abstract void set(FieldVector vector, int index, Object value, WriteContext context);

  /**
   * Reads a non-null cell.
   *
   * @param vector the column
   * @param index the row
   * @param context the stream's dictionaries and allocator
   * @return the cell's value as its Java type
   */
  protected abstract Object get(FieldVector vector, int index, ReadContext context);
}
