package dev.arrowrpc.core;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns values into a form {@code assertEquals} can compare deeply and print readably: records
 * become their class name and components, byte arrays hex strings, sets and maps lists in
 * iteration order (so order is checked too), recursively.
 */
public final class Deep {
  private Deep() {}

  /**
   * Returns the comparable form of a value.
   *
   * @param value any value a TypeZoo method takes or returns
   * @return its comparable form
   */
  public static Object canon(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return "bytes[" + HexFormat.of().formatHex(bytes) + "]";
    }
    if (value instanceof Optional<?> optional) {
      return optional.map(Deep::canon);
    }
    if (value instanceof Map<?, ?> map) {
      List<Object> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(List.of("entry", String.valueOf(canon(k)), canonOrNull(v))));
      return entries;
    }
    if (value instanceof Collection<?> collection) {
      List<Object> items = new ArrayList<>();
      for (Object item : collection) {
        items.add(canonOrNull(item));
      }
      return items;
    }
    if (value.getClass().isRecord()) {
      Map<String, Object> components = new LinkedHashMap<>();
      components.put("@record", value.getClass().getSimpleName());
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        try {
          components.put(component.getName(), canonOrNull(component.getAccessor().invoke(value)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return components;
    }
    return value;
  }

  private static Object canonOrNull(Object value) {
    return value == null ? "<null>" : canon(value);
  }
}
