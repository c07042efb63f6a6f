package dev.arrowrpc.core.schema;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Finds the Arrow data held inside decoded values (a {@link VectorSchemaRoot} parameter, or one
 * inside a record, a collection or an Optional) so whoever owns the values can release it.
 */
public final class ArrowValues {
  /** Whether values of a record class can hold a root anywhere inside; computed once per class. */
  private static final ClassValue<Boolean> HOLDS_ROOTS = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return mayHoldRoots(type, Collections.newSetFromMap(new IdentityHashMap<>()));
    }
  };

  private ArrowValues() {}

  /**
   * Closes every root reachable from the values, each once.
   *
   * @param values decoded values (nulls allowed)
   */
  public static void closeRoots(Object... values) {
    Set<Object> seen = null;
    for (Object value : values) {
      if (mayHoldRoots(value)) {
        if (seen == null) {
          seen = Collections.newSetFromMap(new IdentityHashMap<>());
        }
        close(value, seen);
      }
    }
  }

  /** Whether a value is, or may contain, a root: plain values (the common case) need no walk. */
  private static boolean mayHoldRoots(Object value) {
    return value instanceof VectorSchemaRoot
        || value instanceof Optional<?>
        || value instanceof Collection<?>
        || value instanceof Map<?, ?>
        || (value instanceof Record record && HOLDS_ROOTS.get(record.getClass()));
  }

  private static void close(Object value, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof VectorSchemaRoot root) {
      root.close();
    } else if (value instanceof Optional<?> optional) {
      optional.ifPresent(inner -> close(inner, seen));
    } else if (value instanceof Collection<?> items) {
      for (Object item : items) {
        close(item, seen);
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        close(entry.getKey(), seen);
        close(entry.getValue(), seen);
      }
    } else if (value instanceof Record record && HOLDS_ROOTS.get(record.getClass())) {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        try {
          var accessor = component.getAccessor();
          accessor.setAccessible(true);
          close(accessor.invoke(record), seen);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + component, e);
        }
      }
    }
  }

  /**
   * Whether values of a declared type may hold a root anywhere inside, so that releasing them needs a
   * walk: conservative (a wildcard, a type variable or an array of anything but primitives says yes).
   *
   * @param type a parameter's generic type
   * @return false only when no value of the type can hold Arrow data
   */
  public static boolean typeMayHoldRoots(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        if (typeMayHoldRoots(argument)) {
          return true;
        }
      }
      return !(parameterized.getRawType() instanceof Class<?> raw && isContainer(raw))
          && typeMayHoldRoots(parameterized.getRawType());
    }
    if (!(type instanceof Class<?> c)) {
      return true; // a wildcard, a type variable, a generic array
    }
    if (c.isPrimitive() || c == String.class || c == byte[].class || Number.class.isAssignableFrom(c)
        || c == Boolean.class || c == Character.class || c.isEnum() || c.getName().startsWith("java.time.")) {
      return false;
    }
    if (c.isRecord()) {
      return mayHoldRoots(c, Collections.newSetFromMap(new IdentityHashMap<>()));
    }
    return true; // Arrow data, a raw container, an array, anything not known to be plain
  }

  private static boolean isContainer(Class<?> raw) {
    return Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw == Optional.class;
  }

  private static boolean mayHoldRoots(Type type, Set<Type> visiting) {
    if (!visiting.add(type)) {
      return false;
    }
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        if (mayHoldRoots(argument, visiting)) {
          return true;
        }
      }
      return mayHoldRoots(parameterized.getRawType(), visiting);
    }
    if (!(type instanceof Class<?> c)) {
      return false;
    }
    if (c == VectorSchemaRoot.class) {
      return true;
    }
    if (c.isRecord()) {
      for (RecordComponent component : c.getRecordComponents()) {
        if (mayHoldRoots(component.getGenericType(), visiting)) {
          return true;
        }
      }
    }
    return false;
  }
}
