package dev.arrowrpc.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes the text of batch metadata (keys and values), leniently: bytes that are not UTF-8 become
 * U+FFFD rather than failing, so a peer's bad bytes become a typed refusal of the request (a name
 * that matches nothing), not an exception that leaves the channel out of step. A connection sends
 * the same few short texts with every batch (method, protocol, version), so each thread remembers
 * the last few it decoded and hands back the same string for the same bytes.
 *
 * <p>A method's requests carry the same whole metadata call after call (its dispatch keys, see
 * {@code ClientCodec.requestMetadata}), so each thread also remembers the last few whole metadata
 * vectors it read ({@link #VECTORS}), by the bytes their reading touched: {@link #vector} compares
 * those bytes and hands back the map read before, or walks the vector without a flatbuffer object
 * per entry. Anything it is not sure of (a position outside the message, an empty vector or one of
 * many entries) it leaves to the flatbuffer decode, which reports a problem as it always has. A
 * vector with a text too long to remember, or large altogether, is read but not kept.
 */
final class MetadataText {
  /** Texts up to this many bytes are remembered. */
  private static final int REMEMBERED_BYTES = 96;
  private static final int SLOTS = 64;

  /** Whole metadata vectors of at most this many entries are remembered. */
  static final int VECTOR_ENTRIES = 16;
  /** ... whose texts hold at most this many bytes altogether. */
  static final int VECTOR_BYTES = 1024;
  /** How many whole vectors a thread remembers. */
  static final int VECTORS = 8;

  private static final ThreadLocal<MetadataText> CACHE = ThreadLocal.withInitial(MetadataText::new);

  private static final VarHandle FIRST_EIGHT =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * The texts of {@link MetadataKeys}' constants, each the constant itself: a text decoded anew is
   * replaced by the constant of the same text, so that looking a key up by its constant (as the
   * server does for every request) finds it by identity.
   */
  private static final Map<String, String> CONSTANTS = constants();

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] texts = new String[SLOTS];
  /** Which way of a full pair a new text replaces next. */
  private int evict;

  /**
   * Where the texts of the vector being read lie: per entry the key's start and length, then the
   * value's (a length of -1: the text is absent).
   */
  private final int[] at = new int[4 * VECTOR_ENTRIES];
  private final Vector[] vectors = new Vector[VECTORS];
  /** The slot of the vector found or kept last (looked at first), and the slot a new one goes to. */
  private int lastVector;
  private int nextVector;

  /**
   * A whole metadata vector read before: the bytes its reading touched, from {@code from} bytes
   * after the vector's position (negative: before it), and the map read.
   */
  private record Vector(int from, byte[] span, Map<String, String> map) {}

  /** A read that fell outside the message: the vector is left to the flatbuffer decode. */
  private static final class Outside extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Outside INSTANCE = new Outside();

    private Outside() {
      super(null, null, false, false);
    }
  }

  MetadataText() {}

  /** {@return this thread's texts} */
  static MetadataText current() {
    return CACHE.get();
  }

  private static Map<String, String> constants() {
    Map<String, String> constants = new HashMap<>();
    for (Field field : MetadataKeys.class.getFields()) {
      if (field.getType() == String.class && Modifier.isStatic(field.getModifiers())) {
        try {
          String constant = (String) field.get(null);
          constants.put(constant, constant);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Map.copyOf(constants);
  }

  /**
   * Decodes the bytes between a buffer's position and limit.
   *
   * @param text the bytes, or null (an absent string)
   * @return the text, empty for an absent string
   */
  static String decode(ByteBuffer text) {
    if (text == null) {
      return "";
    }
    int length = text.remaining();
    if (!text.hasArray()) {
      byte[] copy = new byte[length];
      text.duplicate().get(copy);
      return new String(copy, StandardCharsets.UTF_8);
    }
    byte[] array = text.array();
    int from = text.arrayOffset() + text.position();
    if (length > REMEMBERED_BYTES) {
      return new String(array, from, length, StandardCharsets.UTF_8);
    }
    return CACHE.get().lookup(array, from, length);
  }

  /** Decodes a text of a vector being read: as {@link #decode}, on this thread's texts. */
  private String text(byte[] array, int from, int length) {
    if (length < 0) {
      return "";
    }
    if (length > REMEMBERED_BYTES) {
      return new String(array, from, length, StandardCharsets.UTF_8);
    }
    return lookup(array, from, length);
  }

  private String lookup(byte[] array, int from, int length) {
    long hash = length;
    if (length >= 8) {
      // the first and last eight bytes pick the slot (the bytes are compared in full below)
      hash += (long) FIRST_EIGHT.get(array, from) * 0x9E3779B97F4A7C15L;
      hash ^= (long) FIRST_EIGHT.get(array, from + length - 8) * 0xC2B2AE3D27D4EB4FL;
    } else {
      for (int i = from; i < from + length; i++) {
        hash = hash * 31 + array[i];
      }
      hash *= 0x9E3779B97F4A7C15L;
    }
    // two ways: a text has two slots, so two texts that share one do not evict each other
    int slot = (int) (hash ^ (hash >>> 32) ^ (hash >>> 47)) & (SLOTS - 2);
    for (int way = slot; way < slot + 2; way++) {
      byte[] known = bytes[way];
      if (known != null && Arrays.equals(known, 0, known.length, array, from, from + length)) {
        return texts[way];
      }
    }
    // new String replaces malformed input with U+FFFD as the charset's decoder does
    String fresh = new String(array, from, length, StandardCharsets.UTF_8);
    String decoded = CONSTANTS.getOrDefault(fresh, fresh);
    int into = bytes[slot] == null ? slot : bytes[slot + 1] == null ? slot + 1 : slot + (evict ^= 1);
    bytes[into] = Arrays.copyOfRange(array, from, from + length);
    texts[into] = decoded;
    return decoded;
  }

  /**
   * The custom metadata of the record-batch message in a buffer, when this thread can read it
   * without the flatbuffer decode: a vector of 1 to {@link #VECTOR_ENTRIES} entries that lies wholly
   * inside the message (every offset read within the buffer's limit, as the decode reads it, and every
   * text too). The map is what the flatbuffer decode gives for the same bytes: the entries in wire
   * order, a repeated key keeping its first place with the last value, an absent text read as empty.
   *
   * <p>Every position the vector's entries, tables and texts are read from follows from the vector's
   * own position and the bytes read (flatbuffer offsets are relative), so a vector whose span of bytes
   * (from the first byte its reading touches to the last) is the same as one read before, at the same
   * place relative to the vector, reads the same: its map is handed back without reading it again.
   *
   * @param message the message's metadata, from its position (where its root offset lies) to its limit
   * @return the metadata, or null when the vector is left to the flatbuffer decode (absent, empty, long,
   *     or reaching outside the message)
   */
  Map<String, String> vector(ByteBuffer message) {
    if (!message.hasArray()) {
      return null;
    }
    byte[] array = message.array();
    int base = message.arrayOffset();
    int limit = message.limit();
    int entries;
    int vector;
    try {
      vector = locate(array, base, message.position(), limit);
      if (vector < 0) {
        return null;
      }
      Vector found = find(array, base, limit, vector);
      if (found != null) {
        return found.map();
      }
      entries = walk(array, base, limit, vector);
    } catch (Outside | IndexOutOfBoundsException e) {
      return null;
    }
    if (entries <= 0) {
      return null;
    }
    MetadataMap map = new MetadataMap(entries);
    int texts = 0;
    int longest = 0;
    for (int i = 0; i < entries; i++) {
      int key = 4 * i;
      map.add(text(array, base + at[key], at[key + 1]), text(array, base + at[key + 2], at[key + 3]));
      texts += Math.max(0, at[key + 1]) + Math.max(0, at[key + 3]);
      longest = Math.max(longest, Math.max(at[key + 1], at[key + 3]));
    }
    // a vector with a text too long to remember (a stream's state token, say) is new every time: not kept
    if (longest <= REMEMBERED_BYTES && texts <= VECTOR_BYTES && spanEnd - spanStart <= 2 * VECTOR_BYTES) {
      keep(array, base, vector, map);
    }
    return map;
  }

  /**
   * Where a message's custom metadata vector lies (its entry count), read as the generated {@code
   * Message.customMetadataLength} reads it; -1 when the message has none.
   */
  private static int locate(byte[] array, int base, int position, int limit) {
    int root = i32(array, base, limit, position) + position;
    int vtable = root - i32(array, base, limit, root);
    int field = 12 < i16(array, base, limit, vtable) ? i16(array, base, limit, vtable + 12) : 0;
    if (field == 0) {
      return -1;
    }
    int vectorField = field + root;
    return vectorField + i32(array, base, limit, vectorField);
  }

  /** The first and last-plus-one byte the last {@link #walk} read. */
  private int spanStart;
  private int spanEnd;

  /**
   * Finds where each text of a message's custom metadata lies (into {@link #at}), reading the
   * flatbuffer as its generated accessors do ({@code Message.customMetadata}, {@code
   * KeyValue.keyInByteBuffer}) but failing ({@link Outside}) wherever they would read outside the
   * message, or would take a text reaching past it; notes the span of bytes it read.
   *
   * @param vector where the vector (its entry count) lies
   * @return the number of entries, or 0 when there are none or too many to remember
   */
  private int walk(byte[] array, int base, int limit, int vector) {
    spanStart = vector;
    spanEnd = vector;
    int entries = read32(array, base, limit, vector);
    // the bound the decode checks first (WireBounds.vectorLength), then what is remembered here
    if (entries <= 0 || (long) entries * 4 > limit || entries > VECTOR_ENTRIES) {
      return 0;
    }
    int first = vector + 4;
    for (int i = 0; i < entries; i++) {
      int entry = first + i * 4;
      int table = entry + read32(array, base, limit, entry);
      int entryTable = table - read32(array, base, limit, table);
      short size = read16(array, base, limit, entryTable);
      textAt(array, base, limit, table, 4 < size ? read16(array, base, limit, entryTable + 4) : 0, 4 * i);
      textAt(array, base, limit, table, 6 < size ? read16(array, base, limit, entryTable + 6) : 0, 4 * i + 2);
    }
    return entries;
  }

  /** Records where a string field of a table lies (absent when its offset is 0). */
  private void textAt(byte[] array, int base, int limit, int table, int field, int into) {
    if (field == 0) {
      at[into] = 0;
      at[into + 1] = -1;
      return;
    }
    int text = field + table;
    text += read32(array, base, limit, text);
    int length = read32(array, base, limit, text);
    int start = text + 4;
    if (length < 0 || (long) start + length > limit) {
      throw Outside.INSTANCE;
    }
    spanEnd = Math.max(spanEnd, start + length);
    at[into] = start;
    at[into + 1] = length;
  }

  /** Reads an int for {@link #walk}, widening the span read. */
  private int read32(byte[] array, int base, int limit, int index) {
    int value = i32(array, base, limit, index);
    spanStart = Math.min(spanStart, index);
    spanEnd = Math.max(spanEnd, index + 4);
    return value;
  }

  private short read16(byte[] array, int base, int limit, int index) {
    short value = i16(array, base, limit, index);
    spanStart = Math.min(spanStart, index);
    spanEnd = Math.max(spanEnd, index + 2);
    return value;
  }

  private static int i32(byte[] array, int base, int limit, int index) {
    if (index < 0 || index > limit - 4) {
      throw Outside.INSTANCE;
    }
    return (int) INT.get(array, base + index);
  }

  private static short i16(byte[] array, int base, int limit, int index) {
    if (index < 0 || index > limit - 2) {
      throw Outside.INSTANCE;
    }
    return (short) SHORT.get(array, base + index);
  }

  /** The remembered vector whose span holds the same bytes, at the same place relative to the vector; or null. */
  private Vector find(byte[] array, int base, int limit, int vector) {
    for (int k = 0; k < VECTORS; k++) {
      int slot = (lastVector + k) % VECTORS;
      Vector known = vectors[slot];
      if (known == null) {
        continue;
      }
      long from = (long) vector + known.from();
      byte[] span = known.span();
      if (from >= 0 && from + span.length <= limit
          && Arrays.equals(span, 0, span.length, array, base + (int) from, base + (int) from + span.length)) {
        lastVector = slot;
        return known;
      }
    }
    return null;
  }

  private void keep(byte[] array, int base, int vector, Map<String, String> map) {
    byte[] span = Arrays.copyOfRange(array, base + spanStart, base + spanEnd);
    vectors[nextVector] = new Vector(spanStart - vector, span, map);
    lastVector = nextVector;
    nextVector = (nextVector + 1) % VECTORS;
  }
}
