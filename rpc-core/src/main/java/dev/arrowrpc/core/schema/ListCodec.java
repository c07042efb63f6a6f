package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code List<T>} and {@code Set<T>} as list&lt;item: T&gt; (child named {@code item}, nullable, as
 * the reference declares it). Sets keep insertion order and come back as {@link LinkedHashSet}.
 */
final class ListCodec extends Codec {
  private final Column element;
  private final boolean asSet;

  ListCodec(Codec elementCodec, boolean elementPrimitive, boolean asSet) {
    this.element = new Column("item", elementCodec, true, elementPrimitive);
    this.asSet = asSet;
  }

  @Override
  protected ArrowType arrowType() {
    return ArrowType.List.INSTANCE;
  }

  @Override
  protected List<Field> children() {
    return List.of(element.field());
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    ListVector list = (ListVector) vector;
    Collection<?> values = (Collection<?>) value;
    int start = list.startNewValue(index);
    FieldVector data = list.getDataVector();
    int offset = start;
    int position = 0;
    for (Object item : values) {
      try {
        // elements are always nullable, so the element column has no null check to make
        element.codec().write(data, offset++, item, context);
      } catch (MarshalException e) {
        throw e.within("[" + position + "]");
      }
      position++;
    }
    list.endValue(index, values.size());
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof ListVector list)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected a list");
    }
    int start = list.getElementStartIndex(index);
    int end = list.getElementEndIndex(index);
    FieldVector data = list.getDataVector();
    Collection<Object> out = asSet ? new LinkedHashSet<>() : new ArrayList<>(end - start);
    for (int i = start; i < end; i++) {
      try {
        out.add(element.codec().read(data, i, context));
      } catch (MarshalException e) {
        throw e.within("[" + (i - start) + "]");
      }
    }
    return out;
  }

  @Override
  Optional<CellLane> lane() {
    return element.codec().lane().map(lane -> new CellLane.ListLane(this, lane, asSet));
  }
}
