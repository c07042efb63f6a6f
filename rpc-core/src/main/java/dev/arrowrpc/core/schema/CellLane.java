package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.DirectBatch;
import dev.arrowrpc.core.wire.MarshalException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Function;

/**
 * One codec's cells laid straight into IPC buffers and read straight back, without vectors: the
 * small-batch lane of {@link RowLane}. Writing goes in two steps: {@link #prepare} converts a Java
 * value the way the codec's {@code write} does (the same checks, the same errors, in the same
 * order) and {@link #write} lays prepared values out as the unloader would lay out the vector the
 * codec filled; reading takes a field's node and buffers and decodes values on demand as the
 * codec's {@code read} does.
 */
abstract class CellLane {
  /**
   * A field's values, decoded on demand (a class, not an interface: its calls, from lanes of every
   * kind, dispatch through the vtable rather than the slower interface table).
   */
  abstract static class Cells {
    /** Whether value {@code i} is null. */
    abstract boolean isNull(int i);

    /** Value {@code i} as the codec's {@code read} returns it (null cells included). */
    abstract Object get(int i);
  }

  /**
   * Converts a Java value as {@code Codec.write} takes it; null when the cell is null.
   *
   * @param value the value (an {@code Optional} for an optional codec), or null
   * @return the prepared value, or null for a null cell
   */
  abstract Object prepare(Object value);

  /**
   * Lays prepared values out as one field: its node, its buffers, its children's.
   *
   * @param out the batch
   * @param values the prepared values (null: a null cell)
   * @param count how many of them
   */
  abstract void write(DirectBatch out, Object[] values, int count);

  /**
   * Prepares one value and lays it out as a one-cell field, as {@code prepare} then {@code write}
   * with a single value do (the same checks and errors), without their arrays where a lane can.
   *
   * @param out the batch
   * @param value the value, as {@link #prepare} takes it
   */
  void writeOne(DirectBatch out, Object value) {
    write(out, new Object[] {prepare(value)}, 1);
  }

  /** The codec whose cells this lane lays out and reads. */
  final Codec codec;
  /** Whether the codec's {@code wrap} and {@code unwrap} are {@code Codec}'s, which change nothing. */
  private final boolean same;

  CellLane(Codec codec) {
    this.codec = codec;
    this.same = !overrides(codec.getClass(), "wrap") && !overrides(codec.getClass(), "unwrap");
  }

  /** Whether a codec class, or a class between it and {@code Codec}, declares a one-argument method. */
  private static boolean overrides(Class<?> type, String name) {
    for (Class<?> c = type; c != Codec.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod(name, Object.class);
        return true;
      } catch (NoSuchMethodException e) {
        // not here: its superclass then
      }
    }
    return false;
  }

  /**
   * The codec's {@code wrap}, called only when the codec has its own (the shared lanes' calls of
   * it, from codecs of many classes, would each dispatch through the vtable).
   */
  final Object wrap(Object value) {
    return same ? value : codec.wrap(value);
  }

  /** The codec's {@code unwrap}, called only when the codec has its own (as {@link #wrap}). */
  final Object unwrap(Object value) {
    return same ? value : codec.unwrap(value);
  }

  /**
   * Prepares a collection's items and lays them out as one field, as {@code prepare} of each (its
   * failure within {@code [position]}) then {@code write} of them all do.
   *
   * @param out the batch
   * @param items the items
   * @param count how many ({@code items.size()})
   */
  void writeAll(DirectBatch out, Collection<?> items, int count) {
    Object[] prepared = new Object[count];
    int position = 0;
    for (Object item : items) {
      try {
        prepared[position] = prepare(item);
      } catch (MarshalException e) {
        throw e.within("[" + position + "]");
      }
      position++;
    }
    write(out, prepared, count);
  }

  /** The value of a column's null first cell: the codec's null, or a failure for a primitive column. */
  Object nullFirst(Column column) {
    if (column.primitive()) {
      throw new MarshalException("the cell is null but the Java type is primitive").within(column.name());
    }
    return wrap(null);
  }

  /** Lays out the node and validity bitmap of a one-cell field. */
  static void oneNodeAndValidity(DirectBatch out, boolean isNull) {
    out.node(1, isNull ? 1 : 0);
    out.word(isNull ? 0 : 1, 1); // a one-bit bitmap
  }

  /**
   * Takes one field's node and buffers (and its children's) from a batch.
   *
   * @param in the batch
   * @return its values
   */
  abstract Cells read(BatchView in);

  /**
   * Takes one field's node and buffers and reads its first value, as {@link Column#read} would:
   * a null cell of a primitive column fails.
   *
   * @param in the batch
   * @param column the column read (for the null check and the error's path)
   * @return the value
   */
  Object readFirst(BatchView in, Column column) {
    Cells cells = read(in);
    if (column.primitive() && cells.isNull(0)) {
      throw new MarshalException("the cell is null but the Java type is primitive").within(column.name());
    }
    try {
      return cells.get(0);
    } catch (MarshalException e) {
      throw e.within(column.name());
    }
  }

  /** No values. */
  static final Object[] NONE = {};

  /** The initial capacity of a hash map or set that will hold {@code entries} without growing. */
  static int capacityFor(int entries) {
    return entries + entries / 3 + 1; // entries / 0.75 rounded down, plus one, in integers
  }

  /** Lays out a field's node and validity bitmap: null values (prepared as null) are null cells. */
  static void nodeAndValidity(DirectBatch out, Object[] values, int count) {
    int nulls = 0;
    for (int i = 0; i < count; i++) {
      if (values[i] == null) {
        nulls++;
      }
    }
    out.node(count, nulls);
    if (count == 0) {
      out.emptyBuffer();
    } else if (nulls == 0) {
      out.allValid(count);
    } else {
      boolean[] valid = new boolean[count];
      for (int i = 0; i < count; i++) {
        valid[i] = values[i] != null;
      }
      out.validity(valid, count);
    }
  }

  /** A field's values whose nulls its validity bitmap (and null count) tells. */
  abstract static class Validity extends Cells {
    private final BatchView in;
    private final long validity;
    private final long nulls;
    private final long length;

    Validity(BatchView in, long validity, long nulls, long length) {
      this.in = in;
      this.validity = validity;
      this.nulls = nulls;
      this.length = length;
    }

    @Override
    boolean isNull(int i) {
      return !in.valid(validity, nulls, length, i);
    }
  }

  /**
   * Fixed-width values (integers, floats, dates and times) as little-endian bytes. Each codec
   * subclasses it with its conversions (abstract methods, not functions: the lanes' calls to them
   * dispatch through the vtable).
   */
  abstract static class Fixed extends CellLane {
    /** A kind of value {@link #valueAt} reads that {@link #fixedAt} reads itself (no call through the vtable). */
    static final int OTHER = 0;
    /** A signed 64-bit integer read as a {@code Long}. */
    static final int LONG = 1;
    /** A signed 32-bit integer read as an {@code Integer}. */
    static final int INT = 2;
    /** A 64-bit float read as a {@code Double}. */
    static final int DOUBLE = 3;
    /** A 32-bit float read as a {@code Float}. */
    static final int FLOAT = 4;
    /** A timestamp of microseconds read as an {@code Instant} ({@link TemporalCodec#instantOfMicros}). */
    static final int INSTANT = 5;

    private final int width;
    /** What {@link #valueAt} reads, when it is a kind {@link #fixedAt} reads without calling it. */
    private final int kind;

    Fixed(Codec codec, int width) {
      this(codec, width, OTHER);
    }

    /**
     * A lane whose {@link #valueAt} reads values of a common kind, which {@link #fixedAt} reads
     * without calling it: the lanes of many codecs share the call sites, which would dispatch each
     * value's read through the vtable.
     *
     * @param codec the codec
     * @param width the values' width in bytes
     * @param kind what {@link #valueAt} reads: {@link #LONG}, {@link #INT}, {@link #DOUBLE}, {@link
     *     #FLOAT}, {@link #INSTANT} (exactly as {@code valueAt} would), or {@link #OTHER}
     */
    Fixed(Codec codec, int width, int kind) {
      super(codec);
      this.width = width;
      this.kind = kind;
    }

    /** The value at an offset of the body: what {@link #valueAt} returns. */
    final Object fixedAt(BatchView view, long at) {
      return switch (kind) {
        case LONG -> Long.valueOf(view.signed(at, 8));
        case INT -> Integer.valueOf((int) view.signed(at, 4));
        case DOUBLE -> Double.valueOf(Double.longBitsToDouble(view.signed(at, 8)));
        case FLOAT -> Float.valueOf((float) (double) Float.intBitsToFloat((int) view.signed(at, 4)));
        case INSTANT -> TemporalCodec.instantOfMicros(view.signed(at, 8));
        default -> valueAt(view, at);
      };
    }

    /**
     * A non-null value's bits as the column stores them, with the codec's checks.
     *
     * @param plain the value (unwrapped)
     * @return its bits
     * @throws ClassCastException when it is not of the codec's Java type
     */
    abstract long bitsOf(Object plain);

    /**
     * Reads one value at an offset of the body.
     *
     * @param view the batch
     * @param at the value's offset in the body
     * @return the value, as the codec's {@code read} returns it before wrapping
     */
    abstract Object valueAt(BatchView view, long at);

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      try {
        return bitsOf(plain);
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      nodeAndValidity(out, values, count);
      out.startBuffer();
      for (int i = 0; i < count; i++) {
        out.put(values[i] == null ? 0L : (Long) values[i], width);
      }
      out.endBuffer();
    }

    @Override
    void writeAll(DirectBatch out, Collection<?> items, int count) {
      // one pass: the buffers laid out null and zero, then each item's bit and value set
      int bitmap = out.fixedBuffers(count, width);
      int at = DirectBatch.valuesAfter(bitmap, count);
      int nulls = 0;
      int position = 0;
      for (Object item : items) {
        if (position == count) {
          throw new ConcurrentModificationException("a collection of " + count + " items held more");
        }
        Object plain = unwrap(item);
        if (plain == null) {
          nulls++;
        } else {
          long bits;
          try {
            bits = bitsOf(plain);
          } catch (ClassCastException e) {
            throw codec.castFailure(plain, e).within("[" + position + "]");
          } catch (MarshalException e) {
            throw e.within("[" + position + "]");
          }
          out.setValid(bitmap, position);
          out.setValue(at + position * width, bits, width);
        }
        position++;
      }
      if (position != count) {
        throw new ConcurrentModificationException("a collection of " + count + " items held " + position);
      }
      out.node(count, nulls); // after the buffers: the field has no children whose nodes would follow
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      Object plain = unwrap(value);
      long bits = 0;
      if (plain != null) {
        try {
          bits = bitsOf(plain);
        } catch (ClassCastException e) {
          throw codec.castFailure(plain, e);
        }
      }
      out.node(1, plain == null ? 1 : 0);
      out.oneFixed(plain == null, bits, width);
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long data = in.buffer();
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          return item(in, validity, nulls, length, data, i);
        }
      };
    }

    /**
     * Value {@code i} of a field of this lane whose node and buffers were taken: what its {@code
     * Cells} return, without one.
     */
    final Object item(BatchView in, long validity, long nulls, long length, long data, int i) {
      return in.valid(validity, nulls, length, i) ? wrap(fixedAt(in, data + (long) i * width)) : wrap(null);
    }

    @Override
    final Object readFirst(BatchView in, Column column) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long data = in.buffer();
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      try {
        return wrap(fixedAt(in, data));
      } catch (MarshalException e) {
        throw e.within(column.name());
      }
    }
  }

  /** Booleans as a bitmap. */
  static final class Bits extends CellLane {
    Bits(Codec codec) {
      super(codec);
    }

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      try {
        return (Boolean) plain;
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      nodeAndValidity(out, values, count);
      if (count == 0) {
        out.emptyBuffer();
        return;
      }
      boolean[] bits = new boolean[count];
      for (int i = 0; i < count; i++) {
        bits[i] = values[i] != null && (Boolean) values[i];
      }
      out.validity(bits, count);
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      Boolean bit = (Boolean) prepare(value);
      out.node(1, bit == null ? 1 : 0);
      out.oneFixed(bit == null, bit != null && bit ? 1 : 0, 1); // a one-bit bitmap of the value
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long data = in.buffer();
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          return isNull(i) ? wrap(null) : wrap(in.bit(data, i));
        }
      };
    }

    @Override
    Object readFirst(BatchView in, Column column) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long data = in.buffer();
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      return wrap(in.bit(data, 0));
    }
  }

  /** Variable-width values with 32-bit offsets (utf8, binary). */
  static final class Bytes extends CellLane {
    private final Function<Object, byte[]> encode;
    private final Function<byte[], Object> decode;
    private final boolean text;

    /**
     * A lane of byte strings.
     *
     * @param codec the codec
     * @param encode a value to its bytes
     * @param decode bytes to a value
     * @param text whether the values are UTF-8 text ({@code String}s): prepared as themselves and
     *     laid out as their UTF-8 bytes without {@code encode}, and read without {@code decode} when
     *     all-ASCII (an ASCII string is its bytes)
     */
    Bytes(Codec codec, Function<Object, byte[]> encode, Function<byte[], Object> decode, boolean text) {
      super(codec);
      this.encode = encode;
      this.decode = decode;
      this.text = text;
    }

    /** The value of {@code length} bytes at {@code at}. */
    private Object value(BatchView in, long at, int length) {
      if (text) {
        String ascii = in.ascii(at, length);
        if (ascii != null) {
          return ascii;
        }
      }
      return decode.apply(in.bytes(at, length));
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      Object prepared = prepare(value);
      oneNodeAndValidity(out, prepared == null);
      if (prepared instanceof String string) {
        out.oneText(string);
        return;
      }
      byte[] bytes = (byte[]) prepared;
      out.oneOffsets(bytes == null ? 0 : bytes.length);
      out.startBuffer();
      if (bytes != null) {
        out.put(bytes);
      }
      out.endBuffer();
    }

    @Override
    Object readFirst(BatchView in, Column column) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      long data = in.buffer();
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      long pair = in.signed(offsets, 8); // the two offsets in one little-endian read: start low, end high
      long start = (int) pair;
      long end = (int) (pair >> 32);
      try {
        return wrap(value(in, data + start, (int) (end - start)));
      } catch (MarshalException e) {
        throw e.within(column.name());
      }
    }

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      try {
        // a text stays a String, its bytes laid straight into the batch by write
        return text ? (String) plain : encode.apply(plain);
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      nodeAndValidity(out, values, count);
      out.variableWidth(values, count); // prepared values: strings (text) or byte arrays
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      long data = in.buffer();
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          return item(in, validity, nulls, length, offsets, data, i);
        }
      };
    }

    /**
     * Value {@code i} of a field of this lane whose node and buffers were taken: what its {@code
     * Cells} return, without one.
     */
    Object item(BatchView in, long validity, long nulls, long length, long offsets, long data, int i) {
      if (!in.valid(validity, nulls, length, i)) {
        return wrap(null);
      }
      long pair = in.signed(offsets + 4L * i, 8);
      long start = (int) pair;
      long end = (int) (pair >> 32);
      return wrap(value(in, data + start, (int) (end - start)));
    }
  }

  /** Lists (and sets) of any element with a lane. */
  static final class ListLane extends CellLane {
    private final CellLane element;
    private final boolean asSet;

    ListLane(Codec codec, CellLane element, boolean asSet) {
      super(codec);
      this.element = element;
      this.asSet = asSet;
    }

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      Collection<?> items;
      try {
        items = (Collection<?>) plain;
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
      Object[] prepared = new Object[items.size()];
      int position = 0;
      for (Object item : items) {
        try {
          prepared[position] = element.prepare(item);
        } catch (MarshalException e) {
          throw e.within("[" + position + "]");
        }
        position++;
      }
      return prepared;
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      nodeAndValidity(out, values, count);
      out.startBuffer();
      int total = 0;
      out.put(0, 4);
      for (int i = 0; i < count; i++) {
        if (values[i] != null) {
          total += ((Object[]) values[i]).length;
        }
        out.put(total, 4);
      }
      out.endBuffer();
      Object[] items = new Object[total];
      int at = 0;
      for (int i = 0; i < count; i++) {
        if (values[i] != null) {
          Object[] list = (Object[]) values[i];
          System.arraycopy(list, 0, items, at, list.length);
          at += list.length;
        }
      }
      element.write(out, items, total);
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        oneNodeAndValidity(out, true);
        out.oneOffsets(0);
        element.write(out, NONE, 0);
        return;
      }
      Collection<?> items;
      try {
        items = (Collection<?>) plain;
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
      int total = items.size();
      oneNodeAndValidity(out, false);
      out.oneOffsets(total);
      element.writeAll(out, items, total);
    }

    @Override
    Object readFirst(BatchView in, Column column) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      if (element instanceof Fixed || element instanceof Bytes) {
        // fixed-width, text or binary items read in place, without a Cells object
        Fixed fixed = element instanceof Fixed f ? f : null;
        Bytes bytes = element instanceof Bytes b ? b : null;
        long itemLength = in.node();
        long itemNulls = in.nulls();
        long itemValidity = in.buffer();
        long itemOffsets = bytes != null ? in.buffer() : 0; // a fixed-width field has no offsets
        long itemData = in.buffer();
        if (!in.valid(validity, nulls, length, 0)) {
          return nullFirst(column);
        }
        try {
          long pair = in.signed(offsets, 8);
          int start = (int) pair;
          int end = (int) (pair >> 32);
          Collection<Object> out = collection(end - start);
          if (fixed != null) {
            for (int j = start; j < end; j++) {
              try {
                out.add(fixed.item(in, itemValidity, itemNulls, itemLength, itemData, j));
              } catch (MarshalException e) {
                throw e.within("[" + (j - start) + "]");
              }
            }
          } else {
            for (int j = start; j < end; j++) {
              try {
                out.add(bytes.item(in, itemValidity, itemNulls, itemLength, itemOffsets, itemData, j));
              } catch (MarshalException e) {
                throw e.within("[" + (j - start) + "]");
              }
            }
          }
          return wrap(out);
        } catch (MarshalException e) {
          throw e.within(column.name());
        }
      }
      Cells items = element.read(in);
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      try {
        return wrap(list(in, offsets, items, 0));
      } catch (MarshalException e) {
        throw e.within(column.name());
      }
    }

    /** An empty list or set for {@code size} items. */
    private Collection<Object> collection(int size) {
      return asSet ? new LinkedHashSet<>(capacityFor(size)) : new ArrayList<>(size);
    }

    /** List {@code i}'s items, read from its offsets. */
    private Collection<Object> list(BatchView in, long offsets, Cells items, int i) {
      long pair = in.signed(offsets + 4L * i, 8);
      int start = (int) pair;
      int end = (int) (pair >> 32);
      Collection<Object> out = collection(end - start);
      for (int j = start; j < end; j++) {
        try {
          out.add(items.get(j));
        } catch (MarshalException e) {
          throw e.within("[" + (j - start) + "]");
        }
      }
      return out;
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      Cells items = element.read(in);
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          return wrap(isNull(i) ? null : list(in, offsets, items, i));
        }
      };
    }
  }

  /** Maps whose keys and values have lanes. */
  static final class MapLane extends CellLane {
    /** A map's prepared keys and values, in entry order. */
    private record Entries(Object[] keys, Object[] values) {}

    private final Column key;
    private final CellLane keys;
    private final CellLane values;

    MapLane(Codec codec, Column key, CellLane keys, CellLane values) {
      super(codec);
      this.key = key;
      this.keys = keys;
      this.values = values;
    }

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      Map<?, ?> map;
      try {
        map = (Map<?, ?>) plain;
      } catch (ClassCastException e) {
        throw codec.castFailure(plain, e);
      }
      Object[] k = new Object[map.size()];
      Object[] v = new Object[map.size()];
      prepare(map, k, v);
      return new Entries(k, v);
    }

    /** Prepares a map's keys and values into arrays of its size, checking them in entry order. */
    private void prepare(Map<?, ?> map, Object[] k, Object[] v) {
      int position = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        try {
          if (keys.unwrap(entry.getKey()) == null) {
            throw new MarshalException("the field is not nullable but the value is null").within(key.name());
          }
          try {
            k[position] = keys.prepare(entry.getKey());
          } catch (MarshalException e) {
            throw e.within(key.name());
          }
        } catch (MarshalException e) {
          throw e.within("[" + position + "]");
        }
        try {
          v[position] = values.prepare(entry.getValue());
        } catch (MarshalException e) {
          throw e.within(MapCodec.keySegment(entry.getKey()));
        }
        position++;
      }
    }

    @Override
    void write(DirectBatch out, Object[] cells, int count) {
      nodeAndValidity(out, cells, count);
      out.startBuffer();
      int total = 0;
      out.put(0, 4);
      for (int i = 0; i < count; i++) {
        if (cells[i] != null) {
          total += ((Entries) cells[i]).keys().length;
        }
        out.put(total, 4);
      }
      out.endBuffer();
      Object[] k = new Object[total];
      Object[] v = new Object[total];
      int at = 0;
      for (int i = 0; i < count; i++) {
        if (cells[i] != null) {
          Entries entries = (Entries) cells[i];
          System.arraycopy(entries.keys(), 0, k, at, entries.keys().length);
          System.arraycopy(entries.values(), 0, v, at, entries.values().length);
          at += entries.keys().length;
        }
      }
      // the entries struct: never null, so its bitmap is all set
      out.node(total, 0);
      if (total == 0) {
        out.emptyBuffer();
      } else {
        out.allValid(total);
      }
      keys.write(out, k, total);
      values.write(out, v, total);
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      Object plain = unwrap(value);
      Object[] k = NONE;
      Object[] v = NONE;
      if (plain != null) {
        Map<?, ?> map;
        try {
          map = (Map<?, ?>) plain;
        } catch (ClassCastException e) {
          throw codec.castFailure(plain, e);
        }
        if (!map.isEmpty()) {
          k = new Object[map.size()];
          v = new Object[map.size()];
          prepare(map, k, v);
        }
      }
      int total = k.length;
      oneNodeAndValidity(out, plain == null);
      out.oneOffsets(total);
      // the entries struct: never null, so its bitmap is all set
      out.node(total, 0);
      if (total == 0) {
        out.emptyBuffer();
      } else {
        out.allValid(total);
      }
      keys.write(out, k, total);
      values.write(out, v, total);
    }

    @Override
    Object readFirst(BatchView in, Column column) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      in.node();
      in.buffer(); // the entries struct's bitmap: entries are never null
      if (keys instanceof Bytes text && (values instanceof Bytes || values instanceof Fixed)) {
        return textKeyed(in, column, length, nulls, validity, offsets, text);
      }
      Cells k = keys.read(in);
      Cells v = values.read(in);
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      try {
        return wrap(map(in, offsets, k, v, 0));
      } catch (MarshalException e) {
        throw e.within(column.name());
      }
    }

    /**
     * {@link #readFirst} of a map whose keys are text or binary and whose values are too or are of a
     * fixed width: their fields read in place, without Cells objects.
     */
    private Object textKeyed(BatchView in, Column column, long length, long nulls, long validity, long offsets,
        Bytes text) {
      long keyLength = in.node();
      long keyNulls = in.nulls();
      long keyValidity = in.buffer();
      long keyOffsets = in.buffer();
      long keyData = in.buffer();
      Bytes valueBytes = values instanceof Bytes bytes ? bytes : null;
      Fixed valueFixed = values instanceof Fixed fixed ? fixed : null;
      long valueLength = in.node();
      long valueNulls = in.nulls();
      long valueValidity = in.buffer();
      long valueOffsets = valueBytes != null ? in.buffer() : 0; // a fixed-width field has no offsets
      long valueData = in.buffer();
      if (!in.valid(validity, nulls, length, 0)) {
        return nullFirst(column);
      }
      try {
        long pair = in.signed(offsets, 8);
        int start = (int) pair;
        int end = (int) (pair >> 32);
        Map<Object, Object> out = new LinkedHashMap<>(capacityFor(end - start));
        for (int j = start; j < end; j++) {
          Object name;
          try {
            if (key.primitive() && !in.valid(keyValidity, keyNulls, keyLength, j)) {
              throw new MarshalException("the cell is null but the Java type is primitive").within(key.name());
            }
            try {
              name = text.item(in, keyValidity, keyNulls, keyLength, keyOffsets, keyData, j);
            } catch (MarshalException e) {
              throw e.within(key.name());
            }
          } catch (MarshalException e) {
            throw e.within("[" + (j - start) + "]");
          }
          try {
            out.put(name, valueBytes != null
                ? valueBytes.item(in, valueValidity, valueNulls, valueLength, valueOffsets, valueData, j)
                : valueFixed.item(in, valueValidity, valueNulls, valueLength, valueData, j));
          } catch (MarshalException e) {
            throw e.within(MapCodec.keySegment(name));
          }
        }
        return wrap(out);
      } catch (MarshalException e) {
        throw e.within(column.name());
      }
    }

    /** Map {@code i}'s entries, read from its offsets. */
    private Map<Object, Object> map(BatchView in, long offsets, Cells k, Cells v, int i) {
      long pair = in.signed(offsets + 4L * i, 8);
      int start = (int) pair;
      int end = (int) (pair >> 32);
      Map<Object, Object> out = new LinkedHashMap<>(capacityFor(end - start));
      for (int j = start; j < end; j++) {
        Object name;
        try {
          if (key.primitive() && k.isNull(j)) {
            throw new MarshalException("the cell is null but the Java type is primitive").within(key.name());
          }
          try {
            name = k.get(j);
          } catch (MarshalException e) {
            throw e.within(key.name());
          }
        } catch (MarshalException e) {
          throw e.within("[" + (j - start) + "]");
        }
        try {
          out.put(name, v.get(j));
        } catch (MarshalException e) {
          throw e.within(MapCodec.keySegment(name));
        }
      }
      return out;
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      long offsets = in.buffer();
      in.node();
      in.buffer(); // the entries struct's bitmap: entries are never null
      Cells k = keys.read(in);
      Cells v = values.read(in);
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          return wrap(isNull(i) ? null : map(in, offsets, k, v, i));
        }
      };
    }
  }

  /** Records as structs of their components, each with a lane. */
  static final class StructLane extends CellLane {
    private final RecordSchema record;
    private final java.util.List<Column> columns;
    private final CellLane[] components;

    StructLane(Codec codec, RecordSchema record, CellLane[] components) {
      super(codec);
      this.record = record;
      this.columns = record.layout().columns();
      this.components = components;
    }

    @Override
    Object prepare(Object value) {
      Object plain = unwrap(value);
      if (plain == null) {
        return null;
      }
      Object[] prepared = new Object[components.length];
      for (int c = 0; c < components.length; c++) {
        Column column = columns.get(c);
        Object component = record.component(plain, c);
        if (!column.nullable() && components[c].unwrap(component) == null) {
          throw new MarshalException("the field is not nullable but the value is null").within(column.name());
        }
        try {
          prepared[c] = components[c].prepare(component);
        } catch (MarshalException e) {
          throw e.within(column.name());
        }
      }
      return prepared;
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      nodeAndValidity(out, values, count);
      Object[] column = new Object[count];
      for (int c = 0; c < components.length; c++) {
        for (int i = 0; i < count; i++) {
          column[i] = values[i] == null ? null : ((Object[]) values[i])[c];
        }
        components[c].write(out, column, count);
      }
    }

    @Override
    Cells read(BatchView in) {
      long length = in.node();
      long nulls = in.nulls();
      long validity = in.buffer();
      Cells[] children = new Cells[components.length];
      for (int c = 0; c < components.length; c++) {
        children[c] = components[c].read(in);
      }
      return new Validity(in, validity, nulls, length) {
        @Override
        Object get(int i) {
          if (isNull(i)) {
            return wrap(null);
          }
          Object[] values = new Object[children.length];
          for (int c = 0; c < children.length; c++) {
            Column column = columns.get(c);
            if (column.primitive() && children[c].isNull(i)) {
              throw new MarshalException("the cell is null but the Java type is primitive").within(column.name());
            }
            try {
              values[c] = children[c].get(i);
            } catch (MarshalException e) {
              throw e.within(column.name());
            }
          }
          return wrap(record.construct(values));
        }
      };
    }
  }

  /** An {@code Optional}: empty is a null cell. */
  static final class OptionalLane extends CellLane {
    private final CellLane inner;

    OptionalLane(Codec codec, CellLane inner) {
      super(codec);
      this.inner = inner;
    }

    @Override
    Object prepare(Object value) {
      return inner.prepare(codec.unwrap(value));
    }

    @Override
    void write(DirectBatch out, Object[] values, int count) {
      inner.write(out, values, count);
    }

    @Override
    void writeOne(DirectBatch out, Object value) {
      inner.writeOne(out, codec.unwrap(value));
    }

    @Override
    Cells read(BatchView in) {
      Cells cells = inner.read(in);
      return new Cells() {
        @Override
        boolean isNull(int i) {
          return cells.isNull(i);
        }

        @Override
        Object get(int i) {
          return codec.wrap(cells.isNull(i) ? null : cells.get(i));
        }
      };
    }
  }
}
