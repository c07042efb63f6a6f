package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.ErrorDetail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code vgi_rpc.error_details} value both ways. Emission enforces the rules (each type once,
 * types from the catalog or qualified, at most {@value #MAX_BYTES} bytes of UTF-8) by dropping the
 * whole array, never a part of it; reading is tolerant.
 */
final class ErrorDetailsCodec {
  /** Cap on the serialized value, in UTF-8 bytes, measured as emitted. */
  public static final int MAX_BYTES = 4096;

  private ErrorDetailsCodec() {}

  /**
   * Serializes details for emission.
   *
   * @param details the detail objects, in order
   * @return compact JSON text; empty when there are no details, when they break a rule, or when the
   *     text exceeds {@value #MAX_BYTES} bytes of UTF-8 (then both the key and its {@code
   *     log_extra} mirror are omitted)
   */
  public static Optional<String> encode(List<? extends Map<String, ?>> details) {
    if (details.isEmpty() || !followsRules(details)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Json.writeCompact(details);
    } catch (RuntimeException unwritable) {
      return Optional.empty();
    }
    return text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES ? Optional.empty() : Optional.of(text);
  }

  /**
   * Whether a detail array follows the catalog rules: every element names a type, no type repeats,
   * a {@code vgi_rpc.} type is in the catalog, and any other type is qualified.
   *
   * @param details the detail objects
   * @return whether they may be sent
   */
  public static boolean followsRules(List<? extends Map<String, ?>> details) {
    Set<String> seen = new HashSet<>();
    for (Map<String, ?> detail : details) {
      if (detail == null || !(detail.get("@type") instanceof String type) || type.isEmpty()) {
        return false;
      }
      if (!seen.add(type)) {
        return false;
      }
      if (type.startsWith(ErrorDetail.RESERVED_PREFIX) ? !ErrorDetail.CATALOG.contains(type)
          : type.indexOf('.') < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads a received {@code vgi_rpc.error_details} value. Anything that is not a JSON array reads as
   * no details, and elements that are not objects are skipped; unknown types are kept.
   *
   * @param text the metadata value
   * @return the detail objects, in order
   */
  public static List<Map<String, Object>> decode(String text) {
    Object parsed;
    try {
      parsed = Json.parse(text);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    return objects(parsed);
  }

  /**
   * Reads the {@code log_extra.error_details} mirror (already-parsed JSON).
   *
   * @param value the mirror's value
   * @return the detail objects, in order; empty when it is not an array
   */
  public static List<Map<String, Object>> objects(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (item instanceof Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        out.add(copy);
      }
    }
    return out;
  }
}
