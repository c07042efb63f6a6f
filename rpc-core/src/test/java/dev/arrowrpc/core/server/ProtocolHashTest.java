package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolHashTest {
  /** The canonical preimage of vgi_rpc.Reflection.v1, as REFLECTION_SELF_DESCRIPTION.md gives it. */
  static final String REFLECTION_PREIMAGE =
      "{\"methods\":[{\"has_header\":false,\"has_return\":true,\"name\":\"describe\",\"params\":[{\"name\":"
          + "\"protocol\",\"nullable\":false,\"type\":\"utf8\"}],\"result\":[{\"name\":\"result\",\"nullable\":"
          + "false,\"type\":\"binary\"}],\"type\":\"unary\"},{\"has_header\":false,\"has_return\":true,\"name\":"
          + "\"list_protocols\",\"params\":[],\"result\":[{\"name\":\"result\",\"nullable\":false,\"type\":"
          + "\"binary\"}],\"type\":\"unary\"}],\"protocol\":\"vgi_rpc.Reflection.v1\"}";

  @Test
  void reflectionDescribesItselfWithTheReferenceDigest() {
    ServiceSpec spec = ReflectionService.spec();
    assertEquals(REFLECTION_PREIMAGE, ProtocolHash.preimage(spec));
    assertEquals("3c7db4cae8cdfc93dc4a76e73b8b759e18e45e6a5811adba4e520366344b919a", ProtocolHash.of(spec));
    assertEquals(Reflection.HASH, ProtocolHash.of(spec));
    assertEquals(Reflection.HASH, ReflectionService.hosted().protocolHash());
    assertEquals(List.of("describe", "list_protocols"), List.copyOf(spec.methods().keySet()));
  }

  @Test
  void reflectionInterfaceIsDerivableLikeAnyService() {
    // the internal path and the public one agree while the public one still accepts the name
    assertEquals(REFLECTION_PREIMAGE, ProtocolHash.preimage(ServiceSpec.of(Reflection.class)));
  }

  @Test
  void goldenVectorIsReproducedByteForByte() throws IOException {
    String text;
    try (InputStream in = ProtocolHashTest.class.getResourceAsStream("/reflect/protocol_hash_vector.json")) {
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

  /** A header for {@link Kinds#produce}. */
  public record Header(String label) {}

  /** A row type. */
  public record Row(long value, @dev.arrowrpc.core.Nullable String note) {}

  /** One method of each kind. */
  @RpcService(name = "demo.Kinds.v1", version = "1.2.3")
  public interface Kinds {
    void fire(int times);

    @StreamHeader(Header.class)
    Producer<Row> produce(long count);

    Exchange<Row, Row> transform(double factor);

    BatchStream raw();

    List<String> names();
  }

  @Test
  void resultAndHeaderAreOmittedWhenAbsent() {
    String preimage = ProtocolHash.preimage(ServiceSpec.of(Kinds.class));
    assertEquals(
        "{\"methods\":["
            + "{\"has_header\":false,\"has_return\":false,\"name\":\"fire\",\"params\":[{\"name\":\"times\","
            + "\"nullable\":false,\"type\":\"int32\"}],\"type\":\"unary\"},"
            + "{\"has_header\":false,\"has_return\":true,\"name\":\"names\",\"params\":[],\"result\":[{\"name\":"
            + "\"result\",\"nullable\":false,\"type\":\"list<item?:utf8>\"}],\"type\":\"unary\"},"
            + "{\"has_header\":true,\"has_return\":false,\"header\":[{\"name\":\"label\",\"nullable\":false,"
            + "\"type\":\"utf8\"}],\"name\":\"produce\",\"params\":[{\"name\":\"count\",\"nullable\":false,"
            + "\"type\":\"int64\"}],\"type\":\"stream\"},"
            + "{\"has_header\":false,\"has_return\":false,\"name\":\"raw\",\"params\":[],\"type\":\"stream\"},"
            + "{\"has_header\":false,\"has_return\":false,\"name\":\"transform\",\"params\":[{\"name\":\"factor\","
            + "\"nullable\":false,\"type\":\"float64\"}],\"type\":\"stream\"}"
            + "],\"protocol\":\"demo.Kinds.v1\"}",
        preimage);
    // the version is not part of the hash; the name is
    assertEquals(ProtocolHash.digest(preimage), ProtocolHash.of(ServiceSpec.of(Kinds.class)));
    assertFalse(preimage.contains("1.2.3"));
    assertTrue(ProtocolHash.of(ServiceSpec.of(Kinds.class)).matches("[0-9a-f]{64}"));
  }

  @Test
  void methodOrderIsByNameWhateverTheCollectionOrder() {
    ServiceSpec spec = ServiceSpec.of(Kinds.class);
    List<dev.arrowrpc.core.schema.MethodSpec> reversed = new java.util.ArrayList<>(spec.methods().values());
    java.util.Collections.reverse(reversed);
    assertEquals(ProtocolHash.of(spec), ProtocolHash.of(spec.protocolName(), reversed));
    assertEquals(ProtocolHash.preimage(spec), ProtocolHash.preimage(spec.protocolName(), reversed));
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
      return list.stream().map(ProtocolHashTest::reverseKeys).toList();
    }
    return value;
  }
}
