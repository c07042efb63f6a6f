package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A named, typed column: a parameter, a record component, a result. Writing checks that a value is
 * present when the column is not nullable. Conversion errors leave with the column's name added to
 * their path ({@link MarshalException#path()}).
 *
 * @param name the field name
 * @param codec converts values
 * @param nullable whether the field is declared nullable
 * @param primitive whether the Java type is primitive (a null cell cannot be read into it)
 * @param declaredNullable whether the Arrow field says nullable (normally equal to {@code nullable})
 */
public record Column(String name, Codec codec, boolean nullable, boolean primitive, boolean declaredNullable) {
  /**
   * A column whose schema declares exactly the nullability it accepts.
   *
   * @param name the field name
   * @param codec converts values
   * @param nullable whether the field is declared nullable
   * @param primitive whether the Java type is primitive (a null cell cannot be read into it)
   */
  public Column(String name, Codec codec, boolean nullable, boolean primitive) {
    this(name, codec, nullable, primitive, nullable);
  }

  /** {@return the column's Arrow field in message format} */
  public Field field() {
    return codec.field(name, declaredNullable);
  }

  /**
   * Writes a value, refusing a missing value in a non-nullable column.
   *
   * @param vector the column's vector
   * @param index the row
   * @param value the value
   * @param context the batch's write state
   */
  public void write(FieldVector vector, int index, Object value, WriteContext context) {
    if (!nullable && codec.unwrap(value) == null) {
      throw new MarshalException("the field is not nullable but the value is null").within(name);
    }
    try {
      codec.write(vector, index, value, context);
    } catch (MarshalException e) {
      throw e.within(name);
    }
  }

  /**
   * Reads a value. A null cell reads as null (or an empty Optional); for a primitive Java type it
   * is an error naming the field.
   *
   * @param vector the column's vector
   * @param index the row
   * @param context the stream's dictionaries and allocator
   * @return the value
   */
  public Object read(FieldVector vector, int index, ReadContext context) {
    if (primitive && vector.isNull(index)) {
      throw new MarshalException("the cell is null but the Java type is primitive").within(name);
    }
    try {
      return codec.read(vector, index, context);
    } catch (MarshalException e) {
      throw e.within(name);
    }
  }
}
