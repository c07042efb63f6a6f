package dev.arrowrpc.core.schema;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The schemas the Python reference derives for {@link TypeZoo}, as recorded by {@code
 * src/test/python/gen_reference_schemas.py} in {@code reference-schemas.tsv}, plus helpers to
 * compare them with Java-derived schemas.
 */
public final class ReferenceSchemas {
  private static final String RESOURCE = "reference-schemas.tsv";

  private ReferenceSchemas() {}

  /**
   * Loads every recorded schema by key ({@code params.<method>}, {@code result.<method>}, {@code
   * record.<Class>}).
   *
   * @return the schemas, sorted by key
   */
  public static Map<String, Schema> load() {
    Map<String, Schema> schemas = new TreeMap<>();
    try (InputStream in = ReferenceSchemas.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        schemas.put(line.substring(0, tab), parse(HexFormat.of().parseHex(line.substring(tab + 1))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return schemas;
  }

  /**
   * Reads an encapsulated IPC schema message, as pyarrow's {@code Schema.serialize()} writes it.
   *
   * @param bytes the message
   * @return the schema in message format
   */
  public static Schema parse(byte[] bytes) {
    try {
      return MessageSerializer.deserializeSchema(
          new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the schema with every dictionary id set to 0, so schemas that differ only in how they
   * number their dictionaries compare equal.
   *
   * @param schema a schema in message format
   * @return the normalized schema
   */
  public static Schema withoutDictionaryIds(Schema schema) {
    List<Field> fields = new ArrayList<>();
    for (Field field : schema.getFields()) {
      fields.add(withoutDictionaryIds(field));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  private static Field withoutDictionaryIds(Field field) {
    List<Field> children = new ArrayList<>();
    for (Field child : field.getChildren()) {
      children.add(withoutDictionaryIds(child));
    }
    DictionaryEncoding encoding = field.getDictionary();
    DictionaryEncoding normalized =
        encoding == null
            ? null
            : new DictionaryEncoding(0, encoding.isOrdered(), encoding.getIndexType());
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), field.getType(), normalized, field.getMetadata()),
        children);
  }

  /**
   * Describes a schema field by field, one line per field at any depth, with everything schema
   * equality looks at except dictionary ids: name, type, nullability, dictionary encoding and field
   * metadata. Used to get readable failure messages.
   *
   * @param schema the schema
   * @return the description
   */
  public static String describe(Schema schema) {
    StringBuilder out = new StringBuilder();
    for (Field field : schema.getFields()) {
      describe(field, "", out);
    }
    if (schema.getCustomMetadata() != null && !schema.getCustomMetadata().isEmpty()) {
      out.append("schema metadata ").append(schema.getCustomMetadata()).append('\n');
    }
    return out.toString();
  }

  private static void describe(Field field, String indent, StringBuilder out) {
    out.append(indent).append(field.getName()).append(": ").append(field.getType());
    DictionaryEncoding encoding = field.getDictionary();
    if (encoding != null) {
      out.append(" dictionary(indices=").append(encoding.getIndexType())
          .append(", ordered=").append(encoding.isOrdered()).append(')');
    }
    out.append(field.isNullable() ? " nullable" : " not null");
    if (field.getMetadata() != null && !field.getMetadata().isEmpty()) {
      out.append(" metadata=").append(field.getMetadata());
    }
    out.append('\n');
    for (Field child : field.getChildren()) {
      describe(child, indent + "  ", out);
    }
  }

  /**
   * Collects the dictionary ids of a schema, depth first, duplicates included.
   *
   * @param schema the schema
   * @return the ids in field order
   */
  public static List<Long> dictionaryIds(Schema schema) {
    List<Long> ids = new ArrayList<>();
    for (Field field : Vectors.dictionaryFields(schema)) {
      ids.add(field.getDictionary().getId());
    }
    return ids;
  }
}
