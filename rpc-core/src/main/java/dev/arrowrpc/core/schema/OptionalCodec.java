package dev.arrowrpc.core.schema;

import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/** {@code Optional<T>}: the column of {@code T}, nullable, with an empty Optional for null. */
final class OptionalCodec extends Codec {
  private final Codec inner;

  OptionalCodec(Codec inner) {
    this.inner = inner;
  }

  @Override
  public Field field(String name, boolean nullable) {
    return inner.field(name, nullable);
  }

  @Override
  protected ArrowType arrowType() {
    return inner.arrowType();
  }

  @Override
  protected List<Field> children() {
    return inner.children();
  }

  @Override
  protected DictionaryEncoding dictionary() {
    return inner.dictionary();
  }

  @Override
  Object unwrap(Object value) {
    return value == null ? null : ((Optional<?>) value).orElse(null);
  }

  @Override
  Object wrap(Object value) {
    return Optional.ofNullable(value);
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    inner.write(vector, index, value, context);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    return inner.read(vector, index, context);
  }

  @Override
  Optional<CellLane> lane() {
    return inner.lane().map(lane -> new CellLane.OptionalLane(this, lane));
  }
}
