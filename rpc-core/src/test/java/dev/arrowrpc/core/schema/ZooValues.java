package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.schema.TypeZoo.Color;
import dev.arrowrpc.core.schema.TypeZoo.Inner;
import dev.arrowrpc.core.schema.TypeZoo.Middle;
import dev.arrowrpc.core.schema.TypeZoo.Outer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sample values of {@link TypeZoo}'s nested records, built the same way as the Python generator's
 * {@code inner}/{@code middle}/{@code outer} helpers so both sides can refer to the same values.
 */
public final class ZooValues {
  private ZooValues() {}

  /** A list that may hold nulls. */
  @SafeVarargs
  public static <T> List<T> listOf(T... values) {
    List<T> list = new ArrayList<>(values.length); // element by element: the array never escapes
    for (T value : values) {
      list.add(value);
    }
    return list;
  }

  /** The innermost level: weight null for an empty label, tags with a null. */
  public static Inner inner(String label) {
    return new Inner(label, label.isEmpty() ? null : (long) label.length(), Color.values()[label.length() % 3],
        listOf(label, null, ""));
  }

  /** The middle level: a spare only for a non-empty tag, a list and a map of inners. */
  public static Middle middle(String tag) {
    Map<String, Inner> byName = new LinkedHashMap<>();
    byName.put("first", inner(tag + "-f"));
    byName.put("second", inner(""));
    return new Middle(inner(tag), tag.isEmpty() ? null : inner(tag + "-spare"),
        listOf(inner("a"), inner("bb"), inner("")), byName);
  }

  /** The outer level: three levels of records below it. */
  public static Outer outer(String name) {
    return new Outer(name, middle(name), name.isEmpty() ? Optional.empty() : Optional.of(middle(name + "!")),
        listOf(middle("m1"), middle("")));
  }
}
