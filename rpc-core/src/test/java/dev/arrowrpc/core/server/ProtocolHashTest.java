package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.generated.GeneratedService;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
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

  @Test
  void theHashOfSchemasByRoleIsTheHashOfTheMethods() {
    // what rpc-codegen's processor hashes: the schemas it derived, by role (every kind: void and
    // valued unary, a producer with a header, an untyped and a typed exchange)
    for (ServiceSpec spec : List.of(ServiceSpec.of(Kinds.class), ReflectionService.spec())) {
      Map<String, Map<GeneratedService.SchemaRole, org.apache.arrow.vector.types.pojo.Schema>> schemas =
          new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
      spec.methods().forEach((name, method) -> schemas.put(name, method.schemas()));
      assertEquals(ProtocolHash.of(spec), ProtocolHash.ofSchemas(spec.protocolName(), schemas), spec.protocolName());
    }
    // a unary method returning nothing states an empty result; dropping the result makes it a stream
    ServiceSpec spec = ServiceSpec.of(Kinds.class);
    Map<String, Map<GeneratedService.SchemaRole, org.apache.arrow.vector.types.pojo.Schema>> schemas =
        new java.util.LinkedHashMap<>();
    spec.methods().forEach((name, method) -> schemas.put(name, method.schemas()));
    Map<GeneratedService.SchemaRole, org.apache.arrow.vector.types.pojo.Schema> fire =
        new java.util.EnumMap<>(schemas.get("fire"));
    fire.remove(GeneratedService.SchemaRole.RESULT);
    schemas.put("fire", fire);
    assertFalse(ProtocolHash.of(spec).equals(ProtocolHash.ofSchemas(spec.protocolName(), schemas)));
    schemas.put("fire", Map.of());
    IllegalArgumentException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ProtocolHash.ofSchemas(spec.protocolName(), schemas));
    assertEquals("method fire: no parameters schema", missing.getMessage());
  }
}
