package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * {@code Map<K, V>} as map&lt;K, V&gt; (entries struct {@code entries}, non-null {@code key},
 * nullable {@code value}), keeping insertion order; read back as {@link LinkedHashMap}.
 */
final class MapCodec extends Codec {
  private final Column key;
  private final Column value;

  MapCodec(Codec keyCodec, Codec valueCodec, boolean valuePrimitive) {
    this.key = new Column(MapVector.KEY_NAME, keyCodec, false, false);
    this.value = new Column(MapVector.VALUE_NAME, valueCodec, true, valuePrimitive);
  }

  @Override
  protected ArrowType arrowType() {
    return new ArrowType.Map(false);
  }

  @Override
  protected List<Field> children() {
    Field entries =
        new Field(
            MapVector.DATA_VECTOR_NAME,
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(key.field(), value.field()));
    return List.of(entries);
  }

  @Override
  protected void set(FieldVector vector, int index, Object object, WriteContext context) {
    MapVector map = (MapVector) vector;
    Map<?, ?> entries = (Map<?, ?>) object;
    int offset = map.startNewValue(index);
    StructVector struct = (StructVector) map.getDataVector();
    FieldVector keys = (FieldVector) struct.getChildByOrdinal(0);
    FieldVector values = (FieldVector) struct.getChildByOrdinal(1);
    int position = 0;
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      struct.setIndexDefined(offset);
      try {
        key.write(keys, offset, entry.getKey(), context);
      } catch (MarshalException e) {
        throw e.within("[" + position + "]");
      }
      try {
        value.codec().write(values, offset, entry.getValue(), context);
      } catch (MarshalException e) {
        throw e.within(keySegment(entry.getKey()));
      }
      offset++;
      position++;
    }
    map.endValue(index, entries.size());
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof MapVector map)) {
      throw new MarshalException(
          "the column holds " + vector.getMinorType() + ", expected a map");
    }
    StructVector struct = (StructVector) map.getDataVector();
    FieldVector keys = (FieldVector) struct.getChildByOrdinal(0);
    FieldVector values = (FieldVector) struct.getChildByOrdinal(1);
    int start = map.getElementStartIndex(index);
    int end = map.getElementEndIndex(index);
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = start; i < end; i++) {
      Object k;
      try {
        k = key.read(keys, i, context);
      } catch (MarshalException e) {
        throw e.within("[" + (i - start) + "]");
      }
      try {
        out.put(k, value.codec().read(values, i, context));
      } catch (MarshalException e) {
        throw e.within(keySegment(k));
      }
    }
    return out;
  }

  /** The path segment naming a map entry by its key: {@code ["a"]} or {@code [7]}. */
  static String keySegment(Object key) {
    return key instanceof String s ? "[\"" + s + "\"]" : "[" + key + "]";
  }

  @Override
  Optional<CellLane> lane() {
    Optional<CellLane> keys = key.codec().lane();
    Optional<CellLane> values = value.codec().lane();
    if (keys.isEmpty() || values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CellLane.MapLane(this, key, keys.get(), values.get()));
  }
}
