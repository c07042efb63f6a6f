package dev.arrowrpc.core.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the text of batch metadata (keys and values), leniently: bytes that are not UTF-8 become
 * U+FFFD rather than failing, so a peer's bad bytes become a typed refusal of the request (a name
 * that matches nothing), not an exception that leaves the channel out of step. A connection sends
 * the same few short texts with every batch (method, protocol, version), so each thread remembers
 * the last few it decoded and hands back the same string for the same bytes.
 */
final class MetadataText {
  /** Texts up to this many bytes are remembered. */
  private static final int REMEMBERED_BYTES = 96;
  private static final int SLOTS = 64;

  private static final ThreadLocal<MetadataText> CACHE = ThreadLocal.withInitial(MetadataText::new);

  private static final java.lang.invoke.VarHandle FIRST_EIGHT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] texts = new String[SLOTS];
  /** Which way of a full pair a new text replaces next. */
  private int evict;

  private MetadataText() {}

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
    String decoded = new String(array, from, length, StandardCharsets.UTF_8);
    int into = bytes[slot] == null ? slot : bytes[slot + 1] == null ? slot + 1 : slot + (evict ^= 1);
    bytes[into] = Arrays.copyOfRange(array, from, from + length);
    texts[into] = decoded;
    return decoded;
  }
}
