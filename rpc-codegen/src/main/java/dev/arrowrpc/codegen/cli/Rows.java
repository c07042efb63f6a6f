package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Arrow batches read back as JSON: the inverse of {@link Values}, so what {@code call --format
 * jsonl} prints can be fed to another call. Binary is base64; dates, times and timestamps ISO-8601
 * (a timestamp with a zone as an instant, {@code ...Z}); durations ISO-8601; maps with string keys
 * objects, other maps arrays of {@code [key, value]}; dictionary-encoded columns their values.
 */
final class Rows {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Rows() {}

  /**
   * Reads every row of a batch.
   *
   * @param root the batch (dictionary-encoded columns hold indices)
   * @param dictionaries where those columns' dictionaries are
   * @param memory where decoded columns are allocated (released before returning)
   * @return one object per row, columns in schema order
   */
  static List<ObjectNode> of(VectorSchemaRoot root, DictionaryProvider dictionaries, BufferAllocator memory) {
    List<ObjectNode> rows = new ArrayList<>();
    for (int r = 0; r < root.getRowCount(); r++) {
      rows.add(NODES.objectNode());
    }
    for (FieldVector column : root.getFieldVectors()) {
      Field field = column.getField();
      if (field.getDictionary() != null) {
        Dictionary dictionary = dictionaries.lookup(field.getDictionary().getId());
        if (dictionary == null) {
          throw new IllegalStateException(field.getName() + ": its dictionary " + field.getDictionary().getId()
              + " did not arrive with the batch");
        }
        try (ValueVector decoded = DictionaryEncoder.decode(column, dictionary, memory)) {
          for (int r = 0; r < rows.size(); r++) {
            rows.get(r).set(field.getName(), value(decoded, r));
          }
        }
      } else {
        for (int r = 0; r < rows.size(); r++) {
          rows.get(r).set(field.getName(), value(column, r));
        }
      }
    }
    return rows;
  }

  /**
   * Reads one value.
   *
   * @param vector the vector
   * @param index the row
   * @return the value as JSON
   */
  static JsonNode value(ValueVector vector, int index) {
    if (vector instanceof NullVector || vector.isNull(index)) {
      return NODES.nullNode();
    }
    if (vector instanceof MapVector map) {
      StructVector entries = (StructVector) map.getDataVector();
      FieldVector keys = entries.getChildrenFromFields().get(0);
      FieldVector values = entries.getChildrenFromFields().get(1);
      boolean stringKeys = keys.getField().getType().getTypeID() == ArrowType.ArrowTypeID.Utf8
          || keys.getField().getType().getTypeID() == ArrowType.ArrowTypeID.LargeUtf8;
      if (stringKeys) {
        ObjectNode object = NODES.objectNode();
        for (int i = map.getElementStartIndex(index); i < map.getElementEndIndex(index); i++) {
          object.set(value(keys, i).asText(), value(values, i));
        }
        return object;
      }
      ArrayNode pairs = NODES.arrayNode();
      for (int i = map.getElementStartIndex(index); i < map.getElementEndIndex(index); i++) {
        pairs.addArray().add(value(keys, i)).add(value(values, i));
      }
      return pairs;
    }
    if (vector instanceof ListVector list) {
      ArrayNode items = NODES.arrayNode();
      for (int i = list.getElementStartIndex(index); i < list.getElementEndIndex(index); i++) {
        items.add(value(list.getDataVector(), i));
      }
      return items;
    }
    if (vector instanceof LargeListVector list) {
      ArrayNode items = NODES.arrayNode();
      for (long i = list.getElementStartIndex(index); i < list.getElementEndIndex(index); i++) {
        items.add(value(list.getDataVector(), Math.toIntExact(i)));
      }
      return items;
    }
    if (vector instanceof FixedSizeListVector list) {
      ArrayNode items = NODES.arrayNode();
      for (int i = list.getElementStartIndex(index); i < list.getElementEndIndex(index); i++) {
        items.add(value(list.getDataVector(), i));
      }
      return items;
    }
    if (vector instanceof StructVector struct) {
      ObjectNode object = NODES.objectNode();
      for (FieldVector child : struct.getChildrenFromFields()) {
        object.set(child.getName(), value(child, index));
      }
      return object;
    }
    return scalar(vector, index);
  }

  private static JsonNode scalar(ValueVector vector, int index) {
    if (vector instanceof UInt8Vector v) {
      return NODES.numberNode(UInt8Vector.getNoOverflow(v.getDataBuffer(), index));
    }
    if (vector instanceof BaseIntVector v) {
      return NODES.numberNode(v.getValueAsLong(index));
    }
    if (vector instanceof FloatingPointVector v) {
      return NODES.numberNode(v.getValueAsDouble(index));
    }
    if (vector instanceof BitVector v) {
      return NODES.booleanNode(v.get(index) != 0);
    }
    if (vector instanceof VarBinaryVector || vector instanceof LargeVarBinaryVector
        || vector instanceof FixedSizeBinaryVector) {
      return NODES.textNode(Base64.getEncoder().encodeToString((byte[]) vector.getObject(index)));
    }
    if (vector instanceof DecimalVector v) {
      return NODES.numberNode(v.getObject(index));
    }
    if (vector instanceof Decimal256Vector v) {
      return NODES.numberNode(v.getObject(index));
    }
    if (vector instanceof DateDayVector v) {
      return NODES.textNode(LocalDate.ofEpochDay(v.get(index)).toString());
    }
    if (vector instanceof DateMilliVector v) {
      return NODES.textNode(LocalDate.ofEpochDay(Math.floorDiv(v.get(index), 86_400_000L)).toString());
    }
    if (vector instanceof TimeStampVector v) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
      Instant instant = instant(v.get(index), type.getUnit());
      return NODES.textNode(type.getTimezone() == null
          ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString() : instant.toString());
    }
    if (vector instanceof TimeSecVector v) {
      return NODES.textNode(LocalTime.ofSecondOfDay(v.get(index)).toString());
    }
    if (vector instanceof TimeMilliVector v) {
      return NODES.textNode(LocalTime.ofNanoOfDay(v.get(index) * 1_000_000L).toString());
    }
    if (vector instanceof TimeMicroVector v) {
      return NODES.textNode(LocalTime.ofNanoOfDay(v.get(index) * 1_000L).toString());
    }
    if (vector instanceof TimeNanoVector v) {
      return NODES.textNode(LocalTime.ofNanoOfDay(v.get(index)).toString());
    }
    if (vector instanceof DurationVector v) {
      Duration duration = v.getObject(index);
      return NODES.textNode(duration.toString());
    }
    Object value = vector.getObject(index);
    return value == null ? NODES.nullNode() : NODES.textNode(value.toString());
  }

  private static Instant instant(long value, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> Instant.ofEpochSecond(value);
      case MILLISECOND -> Instant.ofEpochMilli(value);
      case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
      case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
    };
  }
}
