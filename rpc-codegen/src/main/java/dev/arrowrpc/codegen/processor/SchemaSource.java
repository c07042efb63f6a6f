package dev.arrowrpc.codegen.processor;

import dev.arrowrpc.core.generated.GeneratedService.SchemaRole;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow schemas as the Java source that builds them, for the descriptor: one static method per remote
 * method that returns its schemas by role, built with the descriptor's {@code field} and {@code schema}
 * helpers (so loading the descriptor costs no parsing, and the runtime compares schema objects).
 */
final class SchemaSource {
  /** Fields a method's schemas may hold before its builder could outgrow a class file method (64 KiB). */
  private static final int MAX_FIELDS = 1_000;

  private static final String ARROW_TYPE = ArrowType.class.getName().replace('$', '.');
  private static final String TIME_UNIT = "org.apache.arrow.vector.types.TimeUnit";

  private SchemaSource() {}

  /**
   * The body of a method returning the schemas, or empty when a type has no source form here or the
   * schemas hold more than {@link #MAX_FIELDS} fields (the runtime then derives them alone).
   *
   * @param schemas the schemas by role
   * @param role how the generated source names {@link SchemaRole}
   * @return the {@code return ...;} statement
   */
  static Optional<String> body(Map<SchemaRole, Schema> schemas, String role) {
    int fields = 0;
    for (Schema schema : schemas.values()) {
      fields += count(schema.getFields());
    }
    if (fields > MAX_FIELDS) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder("    return java.util.Map.of(");
    String separator = "\n";
    for (Map.Entry<SchemaRole, Schema> entry : new TreeMap<>(schemas).entrySet()) {
      Optional<String> schema = fields(entry.getValue().getFields(), "          ");
      if (schema.isEmpty()) {
        return Optional.empty();
      }
      out.append(separator).append("        ").append(role).append('.').append(entry.getKey().name())
          .append(", schema(").append(schema.get()).append(")");
      separator = ",\n";
    }
    return Optional.of(out.append(");\n").toString());
  }

  private static int count(List<Field> fields) {
    int n = fields.size();
    for (Field field : fields) {
      n += count(field.getChildren());
    }
    return n;
  }

  private static Optional<String> fields(List<Field> fields, String indent) {
    if (fields.isEmpty()) {
      return Optional.of("");
    }
    StringBuilder out = new StringBuilder();
    for (Field field : fields) {
      Optional<String> one = field(field, indent);
      if (one.isEmpty()) {
        return Optional.empty();
      }
      out.append(out.length() == 0 ? "\n" : ",\n").append(indent).append(one.get());
    }
    return Optional.of(out.toString());
  }

  private static Optional<String> field(Field field, String indent) {
    Optional<String> type = type(field.getType());
    Optional<String> children = fields(field.getChildren(), indent + "    ");
    if (type.isEmpty() || children.isEmpty()) {
      return Optional.empty();
    }
    DictionaryEncoding dictionary = field.getDictionary();
    String encoding = "null";
    if (dictionary != null) {
      Optional<String> index = type(dictionary.getIndexType());
      if (index.isEmpty()) {
        return Optional.empty();
      }
      encoding = "new org.apache.arrow.vector.types.pojo.DictionaryEncoding(" + dictionary.getId() + "L, "
          + dictionary.isOrdered() + ", " + index.get() + ")";
    }
    return Optional.of("field(" + DescriptorSource.literal(field.getName()) + ", " + field.isNullable() + ", "
        + type.get() + ", " + encoding + (children.get().isEmpty() ? "" : "," + children.get()) + ")");
  }

  /** The source of the Arrow types arrow-rpc maps to, or empty for any other. */
  private static Optional<String> type(ArrowType type) {
    String source;
    if (type instanceof ArrowType.Int integer) {
      source = "new " + ARROW_TYPE + ".Int(" + integer.getBitWidth() + ", " + integer.getIsSigned() + ")";
    } else if (type instanceof ArrowType.FloatingPoint floating) {
      source = "new " + ARROW_TYPE + ".FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision."
          + floating.getPrecision().name() + ")";
    } else if (type instanceof ArrowType.FixedSizeBinary fixed) {
      source = "new " + ARROW_TYPE + ".FixedSizeBinary(" + fixed.getByteWidth() + ")";
    } else if (type instanceof ArrowType.Date date) {
      source = "new " + ARROW_TYPE + ".Date(org.apache.arrow.vector.types.DateUnit." + date.getUnit().name() + ")";
    } else if (type instanceof ArrowType.Timestamp timestamp) {
      source = "new " + ARROW_TYPE + ".Timestamp(" + TIME_UNIT + "." + timestamp.getUnit().name() + ", "
          + (timestamp.getTimezone() == null ? "null" : DescriptorSource.literal(timestamp.getTimezone())) + ")";
    } else if (type instanceof ArrowType.Time time) {
      source = "new " + ARROW_TYPE + ".Time(" + TIME_UNIT + "." + time.getUnit().name() + ", " + time.getBitWidth()
          + ")";
    } else if (type instanceof ArrowType.Duration duration) {
      source = "new " + ARROW_TYPE + ".Duration(" + TIME_UNIT + "." + duration.getUnit().name() + ")";
    } else if (type instanceof ArrowType.Decimal decimal) {
      source = "new " + ARROW_TYPE + ".Decimal(" + decimal.getPrecision() + ", " + decimal.getScale() + ", "
          + decimal.getBitWidth() + ")";
    } else if (type instanceof ArrowType.Map map) {
      source = "new " + ARROW_TYPE + ".Map(" + map.getKeysSorted() + ")";
    } else {
      Optional<String> constant = List.of(ArrowType.Utf8.INSTANCE, ArrowType.LargeUtf8.INSTANCE,
              ArrowType.Binary.INSTANCE, ArrowType.LargeBinary.INSTANCE, ArrowType.Bool.INSTANCE,
              ArrowType.List.INSTANCE, ArrowType.Struct.INSTANCE).stream()
          .filter(type::equals)
          .map(instance -> ARROW_TYPE + "." + instance.getClass().getSimpleName() + ".INSTANCE")
          .findFirst();
      return constant;
    }
    return Optional.of(source);
  }

  /** The descriptor's helpers the builders call. */
  static String helpers() {
    return """
          private static org.apache.arrow.vector.types.pojo.Schema schema(
              org.apache.arrow.vector.types.pojo.Field... fields) {
            return new org.apache.arrow.vector.types.pojo.Schema(java.util.List.of(fields));
          }

          private static org.apache.arrow.vector.types.pojo.Field field(String name, boolean nullable,
              org.apache.arrow.vector.types.pojo.ArrowType type,
              org.apache.arrow.vector.types.pojo.DictionaryEncoding dictionary,
              org.apache.arrow.vector.types.pojo.Field... children) {
            return new org.apache.arrow.vector.types.pojo.Field(name,
                new org.apache.arrow.vector.types.pojo.FieldType(nullable, type, dictionary), java.util.List.of(children));
          }
        """;
  }
}
