package dev.arrowrpc.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON-shape helpers of the catalog's readers and writers. */
final class DetailJson {
  private DetailJson() {}

  static Map<String, Object> object(String type) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("@type", type);
    return json;
  }

  static Map<String, Object> pairs(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(k1, v1);
    json.put(k2, v2);
    return json;
  }

  /** A string field: absent reads as empty; any other type is malformed. */
  static String string(Map<?, ?> json, String key) {
    Object value = json.containsKey(key) ? json.get(key) : "";
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return s;
  }

  /** An array-of-objects field: absent reads as empty; any other shape is malformed. */
  static List<Map<?, ?>> objects(Map<?, ?> json, String key) {
    Object value = json.containsKey(key) ? json.get(key) : List.of();
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("'" + key + "' must be an array");
    }
    List<Map<?, ?>> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("'" + key + "' must hold objects");
      }
      out.add(map);
    }
    return out;
  }
}
