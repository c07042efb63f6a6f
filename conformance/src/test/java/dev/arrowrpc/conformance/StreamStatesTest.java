package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.server.StateCodec;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Every stream state travels over HTTP: each one round-trips through {@link StateCodec} with its
 * fields intact, and the process-wide services it holds in transient fields are re-attached.
 */
class StreamStatesTest {
  private static List<Class<?>> stateClasses() {
    List<Class<?>> states = new ArrayList<>();
    for (Class<?> holder : List.of(ProducerStates.class, ExchangeStates.class)) {
      for (Class<?> nested : holder.getDeclaredClasses()) {
        if (BatchState.class.isAssignableFrom(nested)) {
          states.add(nested);
        }
      }
    }
    return states;
  }

  @Test
  void everyStateRoundTripsThroughTheStateCodec() throws Exception {
    List<Class<?>> states = stateClasses();
    assertEquals(21, states.size(), "states: " + states);
    try (BufferAllocator memory = new RootAllocator()) {
      for (Class<?> type : states) {
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        Object state = constructor.newInstance();
        List<Field> fields = stateFields(type);
        for (int i = 0; i < fields.size(); i++) {
          fields.get(i).set(state, sample(fields.get(i).getType(), i));
        }
        Object restored = StateCodec.decode(StateCodec.encode(state, memory), getClass().getClassLoader(), memory);
        assertSame(type, restored.getClass());
        for (Field field : fields) {
          assertEquals(field.get(state), field.get(restored), type.getSimpleName() + "." + field.getName());
        }
        for (Field field : type.getDeclaredFields()) {
          if (Modifier.isTransient(field.getModifiers())) {
            field.setAccessible(true);
            assertNotNull(field.get(restored), type.getSimpleName() + "." + field.getName() + " re-attached");
          }
        }
      }
    }
  }

  @Test
  void restoredStatesUseTheProcessWideServices() throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      Object restored = StateCodec.decode(
          StateCodec.encode(new ProducerStates.Cancellable(CancelProbe.local()), memory),
          getClass().getClassLoader(), memory);
      Field probe = ProducerStates.Cancellable.class.getDeclaredField("probe");
      probe.setAccessible(true);
      assertSame(CancelProbe.processWide(), probe.get(restored));
      Object sessions = StateCodec.decode(
          StateCodec.encode(new ExchangeStates.SessionCounter(StickyCounters.processWide()), memory),
          getClass().getClassLoader(), memory);
      Field registry = ExchangeStates.SessionCounter.class.getDeclaredField("sessions");
      registry.setAccessible(true);
      assertSame(StickyCounters.processWide(), registry.get(sessions));
    }
  }

  private static List<Field> stateFields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
        assertFalse(Modifier.isFinal(modifiers), type.getSimpleName() + "." + field.getName() + " is final");
        field.setAccessible(true);
        fields.add(field);
      }
    }
    return fields;
  }

  private static Object sample(Class<?> type, int index) {
    if (type == long.class) {
      return 1_000_000_007L + index;
    } else if (type == int.class) {
      return 17 + index;
    } else if (type == double.class) {
      return 2.5 + index;
    } else if (type == boolean.class) {
      return true;
    }
    throw new AssertionError("no sample for " + type);
  }
}
