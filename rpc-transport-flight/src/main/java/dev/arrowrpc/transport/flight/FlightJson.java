package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.wire.Json;

/** JSON for Flight's metadata: compact, and ASCII only (non-ASCII escaped), so it fits gRPC ASCII headers. */
final class FlightJson {
  private FlightJson() {}

  /**
   * Writes a value.
   *
   * @param value maps, lists, strings, numbers, booleans, null
   * @return compact ASCII JSON
   */
  static String write(Object value) {
    return ascii(Json.writeCompact(value));
  }

  /**
   * Escapes every character outside printable ASCII as {@code \\uXXXX} (valid inside JSON strings,
   * the only place such characters occur in compact JSON).
   *
   * @param json JSON text
   * @return the same JSON, ASCII only
   */
  static String ascii(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        if (out == null) {
          out = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? json : out.toString();
  }
}
