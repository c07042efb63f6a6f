package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical JSON the protocol hash is taken over (RFC 8785), and the reference's golden vector. */
class JcsTest {
  @Test
  void goldenVectorIsReproducedByteForByte() throws IOException {
    String text;
    try (InputStream in = JcsTest.class.getResourceAsStream("/reflect/protocol_hash_vector.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int newline = text.indexOf('\n');
    String recorded = text.substring(0, newline).replace("# sha256 = ", "").strip();
    String preimage = text.substring(newline + 1).stripTrailing();
    assertEquals("05479410c96f34410a2b10a4f6a49d59dcfd9d6d1d45ce9a9807d060a3bd6014", recorded);
    assertEquals(recorded, ProtocolHash.digest(preimage));
    // our serializer rebuilds the same bytes from the parsed structure
    Object parsed = Json.parse(preimage);
    assertEquals(preimage, Jcs.write(parsed));
    // and from a re-ordered copy of it: key order is canonical, not insertion order
    assertEquals(preimage, Jcs.write(reverseKeys(parsed)));
  }

  @Test
  void jcsSortsKeysByUtf16CodeUnitsAndEscapesLikeJsonStringify() {
    Map<String, Object> keys = new LinkedHashMap<>();
    // RFC 8785 §3.2.3's sorting example: UTF-16 order puts U+1F600 before U+FB33
    for (String key : List.of("\u20ac", "\r", "\ufb33", "1", "\ud83d\ude00", "\u0080", "\u00f6")) {
      keys.put(key, true);
    }
    assertEquals(
        "{\"\\r\":true,\"1\":true,\"\u0080\":true,\"\u00f6\":true,\"\u20ac\":true,\"\ud83d\ude00\":true,"
            + "\"\ufb33\":true}",
        Jcs.write(keys));
    assertEquals("\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\u2028\u00e9\"",
        Jcs.write("a\"b\\c\b\f\n\r\t\u0001\u001f\u007f\u2028\u00e9"));
    assertEquals("[[],{},false]", Jcs.write(List.of(List.of(), Map.of(), false)));
  }

  @Test
  void jcsRefusesNumbersNullsAndLoneSurrogates() {
    assertThrows(IllegalArgumentException.class, () -> Jcs.write(List.of(1)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.write(Map.of("a", 1.5)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.write(java.util.Arrays.asList("a", null)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.write("\ud83d"));
    assertThrows(IllegalArgumentException.class, () -> Jcs.write("\ude00x"));
  }

  private static Object reverseKeys(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new java.util.ArrayList<>(map.entrySet());
      java.util.Collections.reverse(entries);
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach(e -> out.put((String) e.getKey(), reverseKeys(e.getValue())));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(JcsTest::reverseKeys).toList();
    }
    return value;
  }}
