package dev.arrowrpc.core.server;

import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.schema.Column;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.schema.RowLayout;
import dev.arrowrpc.core.schema.TypeMapper;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Serializes stream state objects so a stateless transport (HTTP) can carry them between requests.
 *
 * <p>Format, version 1: one byte {@code 0x01}; the state's class name as a two-byte big-endian
 * length and UTF-8 bytes; then an Arrow IPC stream holding one row whose columns are the state's
 * fields, mapped like record components (see the README's type table). A state is a record (its
 * components are the fields) or a named class with a no-argument constructor whose non-static,
 * non-transient fields are the state. Lambdas and anonymous classes cannot be serialized: their
 * captured variables have no names a later request could rely on.
 */
public final class StateCodec {
  /** The format version this codec writes and reads. */
  public static final int VERSION = 1;

  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return Shape.of(type);
    }
  };

  private StateCodec() {}

  /**
   * Encodes a state object.
   *
   * @param state the state
   * @param memory scratch memory, released before returning
   * @return the bytes
   * @throws IllegalArgumentException when the state's class cannot be serialized, saying why
   */
  public static byte[] encode(Object state, BufferAllocator memory) {
    Shape shape = SHAPES.get(state.getClass());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      byte[] name = state.getClass().getName().getBytes(StandardCharsets.UTF_8);
      out.writeShort(name.length);
      out.write(name);
      try (Batch batch = shape.encode(state, memory)) {
        out.write(IpcBytes.stream(shape.layout().schema(), batch));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a state object. Call it only on bytes whose integrity was verified (a signed token):
   * the bytes name the class to instantiate, which must be a stream state type.
   *
   * @param bytes what {@link #encode} produced
   * @param loader where the state's class is loaded from
   * @param memory scratch memory, released before returning
   * @return the state
   * @throws IllegalArgumentException when the bytes are not a state this codec can restore
   */
  public static Object decode(byte[] bytes, ClassLoader loader, BufferAllocator memory) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unsupported state format version " + version);
      }
      byte[] name = new byte[in.readUnsignedShort()];
      in.readFully(name);
      Class<?> type = Class.forName(new String(name, StandardCharsets.UTF_8), false, loader);
      if (!ProducerState.class.isAssignableFrom(type) && !ExchangeState.class.isAssignableFrom(type)
          && !BatchState.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(type.getName() + " is not a stream state");
      }
      byte[] stream = in.readAllBytes();
      try (IpcStreamReader reader = IpcBytes.readSingle(stream, memory)) {
        return SHAPES.get(type).decode(reader, memory);
      }
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("unknown state class " + e.getMessage(), e);
    } catch (WireFormatException e) {
      throw new IllegalArgumentException("malformed state: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated state", e);
    }
  }

  /** How one state class maps to a row. */
  private interface Shape {
    RowLayout layout();

    Batch encode(Object state, BufferAllocator memory);

    Object decode(IpcStreamReader reader, BufferAllocator memory);

    static Shape of(Class<?> type) {
      if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass() || type.isHidden()) {
        throw new IllegalArgumentException("stream state " + type.getName()
            + " cannot travel over a stateless transport: make it a record or a named class whose"
            + " fields hold the state (lambdas and anonymous classes cannot be serialized)");
      }
      return type.isRecord() ? new RecordShape(new TypeMapper().record(type)) : FieldShape.of(type);
    }
  }

  /** A record state: its components. */
  private record RecordShape(RecordSchema record) implements Shape {
    @Override
    public RowLayout layout() {
      return record.layout();
    }

    @Override
    public Batch encode(Object state, BufferAllocator memory) {
      return record.encode(List.of(state), memory);
    }

    @Override
    public Object decode(IpcStreamReader reader, BufferAllocator memory) {
      return record.decode(reader.root(), new ReadContext(reader, memory)).get(0);
    }
  }

  /** A class state: its instance fields, restored through the no-argument constructor. */
  private record FieldShape(RowLayout layout, List<Field> fields, Constructor<?> constructor) implements Shape {
    static FieldShape of(Class<?> type) {
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new IllegalArgumentException("stream state " + type.getName() + " is abstract");
      }
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        List<Field> own = new ArrayList<>();
        for (Field field : c.getDeclaredFields()) {
          int modifiers = field.getModifiers();
          if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
            continue;
          }
          if (field.isSynthetic()) {
            throw new IllegalArgumentException("stream state " + type.getName()
                + " captures an enclosing instance: make it a static nested or top-level class");
          }
          field.setAccessible(true);
          own.add(field);
        }
        fields.addAll(0, own);
      }
      TypeMapper mapper = new TypeMapper();
      List<Column> columns = new ArrayList<>();
      for (Field field : fields) {
        try {
          columns.add(mapper.column(field.getName(), field.getAnnotatedType(), TypeMapper.Position.NESTED));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("stream state " + type.getName() + ": " + e.getMessage(), e);
        }
      }
      Constructor<?> constructor;
      try {
        constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("stream state " + type.getName()
            + " needs a no-argument constructor (it may be private) to be restored", e);
      }
      return new FieldShape(new RowLayout(columns), List.copyOf(fields), constructor);
    }

    @Override
    public Batch encode(Object state, BufferAllocator memory) {
      return layout.encode(1, (row, column) -> {
        try {
          return fields.get(column).get(state);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }, memory);
    }

    @Override
    public Object decode(IpcStreamReader reader, BufferAllocator memory) {
      Object[] values = layout.decodeRow(reader.root().getFieldVectors(), 0, new ReadContext(reader, memory));
      try {
        Object state = constructor.newInstance();
        for (int i = 0; i < fields.size(); i++) {
          if (values[i] != null || !fields.get(i).getType().isPrimitive()) {
            fields.get(i).set(state, values[i]);
          }
        }
        return state;
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("cannot restore " + constructor.getDeclaringClass().getName() + ": " + e, e);
      }
    }
  }
}
