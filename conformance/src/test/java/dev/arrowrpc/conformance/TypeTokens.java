package dev.arrowrpc.conformance;

import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Test-side rendering of a service's surface in the form of the protocol-hash preimage (WIRE
 * PROTOCOL §14): every field as {@code {name, nullable, type}} with the type as a type token. Only
 * the Arrow types the conformance protocols use are rendered; anything else fails loudly.
 */
final class TypeTokens {
  private TypeTokens() {}

  /** The type token of a field's type (its own name and nullability are not part of it). */
  static String token(Field field) {
    DictionaryEncoding dictionary = field.getDictionary();
    if (dictionary != null) {
      ArrowType.Int index = dictionary.getIndexType() == null ? new ArrowType.Int(32, true) : dictionary.getIndexType();
      return "dictionary<index:" + plain(index, field) + ",value:" + plain(field.getType(), field) + ">"
          + (dictionary.isOrdered() ? ",ordered" : "");
    }
    return plain(field.getType(), field);
  }

  private static String child(String name, Field field) {
    return name + (field.isNullable() ? "?" : "") + ":" + token(field);
  }

  private static String plain(ArrowType type, Field field) {
    if (type instanceof ArrowType.Int i) {
      return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
    } else if (type instanceof ArrowType.FloatingPoint f) {
      return switch (f.getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
    } else if (type instanceof ArrowType.Bool) {
      return "bool";
    } else if (type instanceof ArrowType.Utf8) {
      return "utf8";
    } else if (type instanceof ArrowType.LargeUtf8) {
      return "large_utf8";
    } else if (type instanceof ArrowType.Binary) {
      return "binary";
    } else if (type instanceof ArrowType.LargeBinary) {
      return "large_binary";
    } else if (type instanceof ArrowType.FixedSizeBinary b) {
      return "fixed_size_binary(" + b.getByteWidth() + ")";
    } else if (type instanceof ArrowType.Decimal d) {
      return "decimal" + d.getBitWidth() + "(" + d.getPrecision() + "," + d.getScale() + ")";
    } else if (type instanceof ArrowType.Date d) {
      return d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "date32" : "date64";
    } else if (type instanceof ArrowType.Time t) {
      return "time" + t.getBitWidth() + "(" + unit(t.getUnit()) + ")";
    } else if (type instanceof ArrowType.Timestamp t) {
      return "timestamp(" + unit(t.getUnit()) + (t.getTimezone() == null ? "" : ",tz=" + t.getTimezone()) + ")";
    } else if (type instanceof ArrowType.Duration d) {
      return "duration(" + unit(d.getUnit()) + ")";
    } else if (type instanceof ArrowType.List) {
      return "list<" + child("item", field.getChildren().get(0)) + ">";
    } else if (type instanceof ArrowType.Struct) {
      StringJoiner children = new StringJoiner(",", "struct<", ">");
      field.getChildren().forEach(c -> children.add(child(c.getName(), c)));
      return children.toString();
    } else if (type instanceof ArrowType.Map m) {
      List<Field> entry = field.getChildren().get(0).getChildren();
      return "map<" + child("key", entry.get(0)) + "," + child("value", entry.get(1))
          + (m.getKeysSorted() ? ",keys_sorted" : "") + ">";
    }
    throw new IllegalArgumentException("no type token for " + type + " (field " + field.getName() + ")");
  }

  private static String unit(org.apache.arrow.vector.types.TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }

  /** The fields of a schema as preimage entries. */
  static List<Map<String, Object>> fields(Schema schema) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Field field : schema.getFields()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", field.getName());
      entry.put("nullable", field.isNullable());
      entry.put("type", token(field));
      out.add(entry);
    }
    return out;
  }

  /** One method as a preimage entry: result only for a unary method that returns a value. */
  static Map<String, Object> method(MethodSpec method) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", method.name());
    entry.put("type", method.kind() == MethodKind.UNARY ? "unary" : "stream");
    entry.put("has_return", method.hasReturn());
    entry.put("has_header", method.header().isPresent());
    entry.put("params", fields(method.params().schema()));
    if (method.hasReturn()) {
      entry.put("result", fields(method.result().schema()));
    }
    method.header().ifPresent(h -> entry.put("header", fields(h.schema())));
    return entry;
  }

  /** Every method of a service, by name. */
  static Map<String, Map<String, Object>> methods(ServiceSpec spec) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    spec.methods().values().forEach(m -> out.put(m.name(), method(m)));
    return out;
  }

  /** The canonical preimage of a service: compact JSON, object keys sorted, methods by name. */
  static String preimage(ServiceSpec spec) {
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("protocol", spec.protocolName());
    description.put("methods", new ArrayList<>(methods(spec).values()));
    return canonical(description);
  }

  /** The protocol hash: SHA-256 over the domain tag and the canonical preimage, lowercase hex. */
  static String hash(ServiceSpec spec) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update("vgi_rpc.protocol_hash.v1|".getBytes(StandardCharsets.UTF_8));
      digest.update(preimage(spec).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compact JSON with object keys in code-point order: the canonical form for the structures the
   * preimage holds (objects, arrays, strings, booleans).
   */
  static String canonical(Object value) {
    StringBuilder out = new StringBuilder();
    canonical(value, out);
    return out.toString();
  }

  private static void canonical(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put((String) k, v));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> entry : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(entry.getKey(), out);
        out.append(':');
        canonical(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof String text) {
      string(text, out);
    } else if (value instanceof Boolean flag) {
      out.append(flag);
    } else {
      throw new IllegalArgumentException("not in the preimage's JSON subset: " + value);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
