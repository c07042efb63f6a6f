package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrowrpc.core.schema.Vectors;
import dev.arrowrpc.core.wire.Batch;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * JSON values written into Arrow batches against a schema: a call's parameters (one row) and
 * exchange input (rows). Strings, numbers and booleans as JSON has them; binary as base64; dates,
 * times and timestamps as ISO-8601 text (or the raw integer); durations as ISO-8601 ({@code
 * PT1.5S}) or the raw integer; decimals as numbers or text; lists as arrays; maps and structs as
 * objects. A top-level dictionary-encoded column takes its values and is encoded here.
 */
final class Values {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Values() {}

  /**
   * Parses a command-line value against its field: a string column takes the text as it is (a JSON
   * string literal is unquoted); anything else is read as JSON, and as a plain string when it is not
   * JSON (an ISO date, a decimal written as text).
   *
   * @param text the text after {@code name=}
   * @param field the parameter
   * @return the value
   */
  static JsonNode parse(String text, Field field) {
    ArrowType.ArrowTypeID type = field.getType().getTypeID();
    if (type == ArrowType.ArrowTypeID.Utf8 || type == ArrowType.ArrowTypeID.LargeUtf8
        || type == ArrowType.ArrowTypeID.Utf8View) {
      if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
        JsonNode quoted = Json.parse(text, "the value of " + field.getName());
        if (quoted.isTextual()) {
          return quoted;
        }
      }
      return field.isNullable() && text.equals("null") ? NODES.nullNode() : NODES.textNode(text);
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return NODES.textNode(text);
    }
  }

  /**
   * Builds a call's request batch: one row, a column per parameter.
   *
   * @param schema the method's parameter schema (message format)
   * @param arguments values by parameter name
   * @param memory where the batch is allocated
   * @return the batch (the caller closes it)
   * @throws UsageException when a name is unknown, a required value is missing, or a value does not
   *     fit its column
   */
  static Batch request(Schema schema, Map<String, JsonNode> arguments, BufferAllocator memory) {
    for (String name : arguments.keySet()) {
      if (schema.getFields().stream().noneMatch(f -> f.getName().equals(name))) {
        throw new UsageException("no parameter '" + name + "'; the method takes: " + signature(schema));
      }
    }
    ObjectNode row = NODES.objectNode();
    for (Field field : schema.getFields()) {
      JsonNode value = arguments.get(field.getName());
      if (value == null || value.isNull()) {
        if (!field.isNullable()) {
          throw new UsageException("missing parameter '" + field.getName() + "' (" + TypeText.of(field)
              + "); the method takes: " + signature(schema));
        }
        value = NODES.nullNode();
      }
      row.set(field.getName(), value);
    }
    return rows(schema, List.of(row), memory);
  }

  /**
   * Builds a batch of rows.
   *
   * @param schema the batch's schema (message format: dictionary fields typed by their values)
   * @param rows JSON objects, one per row; a missing key is null
   * @param memory where the batch is allocated
   * @return the batch (the caller closes it)
   * @throws UsageException when a value does not fit its column
   */
  static Batch rows(Schema schema, List<? extends JsonNode> rows, BufferAllocator memory) {
    List<Field> fields = new ArrayList<>();
    Map<Long, VectorSchemaRoot> dictionaries = new LinkedHashMap<>();
    for (Field field : schema.getFields()) {
      DictionaryEncoding encoding = field.getDictionary();
      if (encoding == null) {
        fields.add(field);
      } else {
        ArrowType.Int index = encoding.getIndexType() == null ? new ArrowType.Int(32, true) : encoding.getIndexType();
        fields.add(new Field(field.getName(), new FieldType(field.isNullable(), index, encoding, field.getMetadata()),
            List.of()));
      }
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields, schema.getCustomMetadata()), memory);
    try {
      root.allocateNew();
      for (int c = 0; c < fields.size(); c++) {
        Field field = schema.getFields().get(c);
        FieldVector vector = root.getVector(c);
        if (field.getDictionary() != null) {
          dictionaries.put(field.getDictionary().getId(), encode(field, rows, (BaseIntVector) vector, memory));
          continue;
        }
        for (int r = 0; r < rows.size(); r++) {
          write(vector, r, rows.get(r).get(field.getName()), field.getName());
        }
        vector.setValueCount(rows.size());
      }
      root.setRowCount(rows.size());
      return new Batch(root, dictionaries);
    } catch (RuntimeException e) {
      root.close();
      dictionaries.values().forEach(VectorSchemaRoot::close);
      throw e;
    }
  }

  /** Writes a dictionary column's indices, and returns its dictionary: the distinct values in order. */
  private static VectorSchemaRoot encode(Field field, List<? extends JsonNode> rows, BaseIntVector indices,
      BufferAllocator memory) {
    if (!field.getChildren().isEmpty() && field.getType().getTypeID() == ArrowType.ArrowTypeID.Struct) {
      throw new UsageException(field.getName() + ": dictionary-encoded structs are not supported");
    }
    Field valuesField = new Field(field.getName(), new FieldType(true, field.getType(), null), field.getChildren());
    VectorSchemaRoot values = VectorSchemaRoot.create(new Schema(List.of(valuesField)), memory);
    try {
      values.allocateNew();
      FieldVector dictionary = values.getVector(0);
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (int r = 0; r < rows.size(); r++) {
        JsonNode value = rows.get(r).get(field.getName());
        if (value == null || value.isNull()) {
          Vectors.setNull((FieldVector) indices, r);
          continue;
        }
        Integer id = seen.get(value.toString());
        if (id == null) {
          id = seen.size();
          seen.put(value.toString(), id);
          write(dictionary, id, value, field.getName());
        }
        ensure((FieldVector) indices, r);
        indices.setWithPossibleTruncate(r, id);
      }
      dictionary.setValueCount(seen.size());
      values.setRowCount(seen.size());
      ((FieldVector) indices).setValueCount(rows.size());
      return values;
    } catch (RuntimeException e) {
      values.close();
      throw e;
    }
  }

  /**
   * Writes one JSON value into a vector.
   *
   * @param vector the vector
   * @param index the row
   * @param value the value; null or JSON null for a null
   * @param path the column's path, for errors
   */
  static void write(FieldVector vector, int index, JsonNode value, String path) {
    if (value == null || value.isNull()) {
      if (!vector.getField().isNullable() && !(vector instanceof NullVector)) {
        throw new UsageException(path + ": null given for a non-nullable " + TypeText.of(vector.getField()));
      }
      Vectors.setNull(vector, index);
      return;
    }
    try {
      writeValue(vector, index, value, path);
    } catch (ArithmeticException | DateTimeParseException | IllegalArgumentException e) {
      throw new UsageException(path + ": " + value + " does not fit " + TypeText.of(vector.getField()) + " ("
          + e.getMessage() + ")");
    }
  }

  private static void writeValue(FieldVector vector, int index, JsonNode value, String path) {
    if (vector instanceof MapVector map) {
      writeMap(map, index, value, path);
    } else if (vector instanceof ListVector list) {
      JsonNode items = array(value, vector, path);
      int start = list.startNewValue(index);
      FieldVector child = list.getDataVector();
      for (int i = 0; i < items.size(); i++) {
        write(child, start + i, items.get(i), path + "[" + i + "]");
      }
      list.endValue(index, items.size());
    } else if (vector instanceof LargeListVector list) {
      JsonNode items = array(value, vector, path);
      long start = list.startNewValue(index);
      FieldVector child = list.getDataVector();
      for (int i = 0; i < items.size(); i++) {
        write(child, Math.toIntExact(start + i), items.get(i), path + "[" + i + "]");
      }
      list.endValue(index, items.size());
    } else if (vector instanceof FixedSizeListVector list) {
      JsonNode items = array(value, vector, path);
      if (items.size() != list.getListSize()) {
        throw new UsageException(path + ": expected " + list.getListSize() + " items, got " + items.size());
      }
      int start = list.startNewValue(index);
      for (int i = 0; i < items.size(); i++) {
        write(list.getDataVector(), start + i, items.get(i), path + "[" + i + "]");
      }
    } else if (vector instanceof StructVector struct) {
      if (!value.isObject()) {
        throw new UsageException(path + ": expected a JSON object for " + TypeText.of(vector.getField())
            + ", got " + value);
      }
      for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (struct.getChild(name) == null) {
          throw new UsageException(path + ": no field '" + name + "' in " + TypeText.of(vector.getField()));
        }
      }
      struct.setIndexDefined(index);
      for (FieldVector child : struct.getChildrenFromFields()) {
        write(child, index, value.get(child.getName()), path + "." + child.getName());
      }
    } else {
      writeScalar(vector, index, value, path);
    }
  }

  private static void writeMap(MapVector map, int index, JsonNode value, String path) {
    StructVector entries = (StructVector) map.getDataVector();
    FieldVector keys = entries.getChildrenFromFields().get(0);
    FieldVector values = entries.getChildrenFromFields().get(1);
    List<JsonNode[]> pairs = new ArrayList<>();
    if (value.isObject()) {
      boolean stringKeys = keys instanceof VarCharVector || keys instanceof LargeVarCharVector;
      value.properties().forEach(e -> pairs.add(new JsonNode[] {
          stringKeys ? NODES.textNode(e.getKey()) : Values.parse(e.getKey(), keys.getField()), e.getValue()}));
    } else if (value.isArray()) {
      for (JsonNode pair : value) {
        if (!pair.isArray() || pair.size() != 2) {
          throw new UsageException(path + ": a map is a JSON object or an array of [key, value] pairs");
        }
        pairs.add(new JsonNode[] {pair.get(0), pair.get(1)});
      }
    } else {
      throw new UsageException(path + ": expected a JSON object for " + TypeText.of(map.getField()) + ", got " + value);
    }
    int start = map.startNewValue(index);
    for (int i = 0; i < pairs.size(); i++) {
      entries.setIndexDefined(start + i);
      write(keys, start + i, pairs.get(i)[0], path + " key");
      write(values, start + i, pairs.get(i)[1], path + "[" + pairs.get(i)[0] + "]");
    }
    map.endValue(index, pairs.size());
  }

  private static JsonNode array(JsonNode value, FieldVector vector, String path) {
    if (!value.isArray()) {
      throw new UsageException(path + ": expected a JSON array for " + TypeText.of(vector.getField()) + ", got "
          + value);
    }
    return value;
  }

  private static void writeScalar(FieldVector vector, int index, JsonNode value, String path) {
    if (vector instanceof NullVector) {
      return;
    }
    if (vector instanceof VarCharVector v) {
      v.setSafe(index, text(value, vector, path).getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (vector instanceof LargeVarCharVector v) {
      v.setSafe(index, text(value, vector, path).getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (vector instanceof VarBinaryVector v) {
      v.setSafe(index, bytes(value, vector, path));
      return;
    }
    if (vector instanceof LargeVarBinaryVector v) {
      v.setSafe(index, bytes(value, vector, path));
      return;
    }
    ensure(vector, index);
    if (vector instanceof UInt8Vector v) {
      BigInteger n = integer(value);
      if (n.signum() < 0 || n.bitLength() > 64) {
        throw new UsageException(path + ": " + value + " is out of range for uint64");
      }
      v.set(index, n.longValue());
    } else if (vector instanceof BaseIntVector v) {
      ArrowType.Int type = (ArrowType.Int) vector.getField().getType();
      BigInteger n = integer(value);
      BigInteger min = type.getIsSigned() ? BigInteger.ONE.shiftLeft(type.getBitWidth() - 1).negate() : BigInteger.ZERO;
      BigInteger max = type.getIsSigned() ? BigInteger.ONE.shiftLeft(type.getBitWidth() - 1).subtract(BigInteger.ONE)
          : BigInteger.ONE.shiftLeft(type.getBitWidth()).subtract(BigInteger.ONE);
      if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
        throw new UsageException(path + ": " + value + " is out of range for " + TypeText.of(vector.getField()));
      }
      v.setWithPossibleTruncate(index, n.longValue());
    } else if (vector instanceof Float8Vector v) {
      v.set(index, floating(value, vector, path));
    } else if (vector instanceof Float4Vector v) {
      v.set(index, (float) floating(value, vector, path));
    } else if (vector instanceof BitVector v) {
      if (!value.isBoolean()) {
        throw new UsageException(path + ": expected true or false, got " + value);
      }
      v.set(index, value.booleanValue() ? 1 : 0);
    } else if (vector instanceof FixedSizeBinaryVector v) {
      byte[] bytes = bytes(value, vector, path);
      if (bytes.length != v.getByteWidth()) {
        throw new UsageException(path + ": expected " + v.getByteWidth() + " bytes, got " + bytes.length);
      }
      v.set(index, bytes);
    } else if (vector instanceof DecimalVector v) {
      v.set(index, decimal(value, v.getScale()));
    } else if (vector instanceof Decimal256Vector v) {
      v.set(index, decimal(value, v.getScale()));
    } else if (vector instanceof DateDayVector v) {
      v.set(index, value.isIntegralNumber() ? value.intValue() : Math.toIntExact(date(value, path).toEpochDay()));
    } else if (vector instanceof DateMilliVector v) {
      v.set(index, value.isIntegralNumber() ? value.longValue() : date(value, path).toEpochDay() * 86_400_000L);
    } else if (vector instanceof TimeStampVector v) {
      v.set(index, value.isIntegralNumber() ? value.longValue()
          : since(instant(value, path), ((ArrowType.Timestamp) vector.getField().getType()).getUnit()));
    } else if (vector instanceof TimeSecVector v) {
      v.set(index, value.isIntegralNumber() ? value.intValue() : (int) (timeOfDay(value, path) / 1_000_000_000L));
    } else if (vector instanceof TimeMilliVector v) {
      v.set(index, value.isIntegralNumber() ? value.intValue() : (int) (timeOfDay(value, path) / 1_000_000L));
    } else if (vector instanceof TimeMicroVector v) {
      v.set(index, value.isIntegralNumber() ? value.longValue() : timeOfDay(value, path) / 1_000L);
    } else if (vector instanceof TimeNanoVector v) {
      v.set(index, value.isIntegralNumber() ? value.longValue() : timeOfDay(value, path));
    } else if (vector instanceof DurationVector v) {
      v.set(index, value.isIntegralNumber() ? value.longValue()
          : inUnit(Duration.parse(text(value, vector, path)), ((ArrowType.Duration) vector.getField().getType()).getUnit()));
    } else {
      throw new UsageException(path + ": values of type " + TypeText.of(vector.getField())
          + " cannot be given as JSON here");
    }
  }

  private static String text(JsonNode value, FieldVector vector, String path) {
    if (!value.isTextual()) {
      throw new UsageException(path + ": expected a string for " + TypeText.of(vector.getField()) + ", got " + value);
    }
    return value.textValue();
  }

  private static byte[] bytes(JsonNode value, FieldVector vector, String path) {
    try {
      return Base64.getDecoder().decode(text(value, vector, path));
    } catch (IllegalArgumentException e) {
      throw new UsageException(path + ": binary values are given as base64; " + e.getMessage());
    }
  }

  private static BigInteger integer(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue();
    }
    if (value.isNumber()) {
      return value.decimalValue().toBigIntegerExact();
    }
    return new BigInteger(value.asText().strip());
  }

  private static double floating(JsonNode value, FieldVector vector, String path) {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    String text = text(value, vector, path).strip();
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "nan" -> Double.NaN;
      case "inf", "infinity", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static BigDecimal decimal(JsonNode value, int scale) {
    BigDecimal number = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().strip());
    return number.setScale(scale, RoundingMode.UNNECESSARY);
  }

  private static LocalDate date(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw new UsageException(path + ": a date is ISO text (2024-01-31) or days since 1970-01-01, got " + value);
    }
    return LocalDate.parse(value.textValue().strip());
  }

  /** A timestamp: ISO text with an offset ({@code Z}) is an instant, without one a UTC wall time. */
  private static Instant instant(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw new UsageException(path + ": a timestamp is ISO text or the raw integer, got " + value);
    }
    String text = value.textValue().strip();
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
  }

  private static long timeOfDay(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw new UsageException(path + ": a time is ISO text (12:30:00.5) or the raw integer, got " + value);
    }
    return LocalTime.parse(value.textValue().strip()).toNanoOfDay();
  }

  private static long since(Instant instant, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> instant.getEpochSecond();
      case MILLISECOND -> instant.toEpochMilli();
      case MICROSECOND -> ChronoUnit.MICROS.between(Instant.EPOCH, instant);
      case NANOSECOND -> ChronoUnit.NANOS.between(Instant.EPOCH, instant);
    };
  }

  private static long inUnit(Duration duration, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> duration.getSeconds();
      case MILLISECOND -> duration.toMillis();
      case MICROSECOND -> Math.addExact(Math.multiplyExact(duration.getSeconds(), 1_000_000L), duration.getNano() / 1_000L);
      case NANOSECOND -> duration.toNanos();
    };
  }

  /** Grows a fixed-width vector until the row fits. */
  private static void ensure(FieldVector vector, int index) {
    if (vector instanceof BaseFixedWidthVector fixed) {
      while (index >= fixed.getValueCapacity()) {
        fixed.reAlloc();
      }
    }
  }


  /**
   * Infers an input schema from a JSON row: integers are int64, other numbers float64, strings
   * string, booleans bool, arrays lists of their first non-null item's type, objects structs.
   *
   * @param row a JSON object
   * @return the schema, every field nullable
   * @throws UsageException when the row is not an object or a value's type cannot be told
   */
  static Schema infer(JsonNode row) {
    if (!row.isObject()) {
      throw new UsageException("an exchange input line is a JSON object (column: value), got " + row);
    }
    List<Field> fields = new ArrayList<>();
    row.properties().forEach(e -> fields.add(inferField(e.getKey(), e.getValue())));
    return new Schema(fields);
  }

  private static Field inferField(String name, JsonNode value) {
    if (value.isArray()) {
      JsonNode first = null;
      for (JsonNode item : value) {
        if (!item.isNull()) {
          first = item;
          break;
        }
      }
      if (first == null) {
        throw new UsageException(name + ": cannot tell the item type of an empty or all-null list; give a "
            + "non-null item in the first line, or use --input with an Arrow file");
      }
      return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(inferField("item", first)));
    }
    if (value.isObject()) {
      List<Field> children = new ArrayList<>();
      value.properties().forEach(e -> children.add(inferField(e.getKey(), e.getValue())));
      return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
    }
    ArrowType type;
    if (value.isIntegralNumber()) {
      type = new ArrowType.Int(64, true);
    } else if (value.isNumber()) {
      type = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    } else if (value.isBoolean()) {
      type = ArrowType.Bool.INSTANCE;
    } else if (value.isTextual()) {
      type = ArrowType.Utf8.INSTANCE;
    } else {
      throw new UsageException(name + ": cannot tell the type of null in the first line; give a value, or use "
          + "--input with an Arrow file");
    }
    return new Field(name, FieldType.nullable(type), List.of());
  }

  /**
   * A schema's columns as {@code name: type} for messages.
   *
   * @param schema the schema
   * @return the text, or {@code (nothing)}
   */
  static String signature(Schema schema) {
    if (schema.getFields().isEmpty()) {
      return "(nothing)";
    }
    StringBuilder text = new StringBuilder();
    for (Field field : schema.getFields()) {
      if (!text.isEmpty()) {
        text.append(", ");
      }
      text.append(field.getName()).append(": ").append(TypeText.of(field)).append(field.isNullable() ? "?" : "");
    }
    return text.toString();
  }
}
