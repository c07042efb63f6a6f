package dev.arrowrpc.core.schema;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 8785 (JCS) serialization of the restricted value set the protocol hash preimage uses:
 * objects ({@link Map} with string keys), arrays ({@link List}), strings and booleans. Object
 * members are sorted by the UTF-16 code units of their names ({@link String#compareTo}), there is
 * no insignificant whitespace, and strings are escaped as ECMAScript's {@code JSON.stringify} does.
 * Numbers and null are refused: the preimage is designed so JCS's number rules never apply.
 */
final class Jcs {
  private Jcs() {}

  /**
   * Serializes a value.
   *
   * @param value a map, list, string or boolean, nested
   * @return the canonical text
   * @throws IllegalArgumentException on a number, null or any other value
   */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof String text) {
      string(text, out);
    } else if (value instanceof Boolean flag) {
      out.append(flag.booleanValue() ? "true" : "false");
    } else if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException("object keys must be strings, found " + entry.getKey());
        }
        sorted.put(key, entry.getValue());
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> entry : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(entry.getKey(), out);
        out.append(':');
        write(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Number) {
      throw new IllegalArgumentException(
          "the protocol-hash preimage carries no numbers, found " + value + ": fold it into a type token");
    } else {
      throw new IllegalArgumentException("unsupported value in the protocol-hash preimage: " + value);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isSurrogate(c)) {
            // a pair is copied whole; a lone surrogate is not I-JSON, which RFC 8785 requires
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
              out.append(c).append(text.charAt(++i));
            } else {
              throw new IllegalArgumentException("a string in the protocol-hash preimage has a lone surrogate");
            }
          } else if (c < 0x20) {
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
