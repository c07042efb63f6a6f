package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The wire surface of both conformance protocols, field by field in the type tokens of the
 * protocol hash: the methods added for 2.0.0 are pinned here, and when the reference's golden
 * preimage is on this machine every method is compared with it.
 */
class ConformanceSchemaTest {
  /** Where the project's tooling unpacks the 0.52.2 reference source distribution. */
  private static final Path GOLDEN = Path.of(System.getProperty("user.home"),
      ".cache", "arrow-rpc", "vgi_rpc-0.52.2", "tests", "golden", "protocol_hash_vector.json");

  private static final ServiceSpec PRIMARY = ServiceSpec.of(ConformanceService.class);

  private static String fields(String method, String part) {
    Object value = TypeTokens.methods(PRIMARY).get(method).get(part);
    return value == null ? "-" : TypeTokens.canonical(value);
  }

  private static String field(String name, boolean nullable, String type) {
    return "{\"name\":\"" + name + "\",\"nullable\":" + nullable + ",\"type\":\"" + type + "\"}";
  }

  @Test
  void primaryIsVersionTwo() {
    assertEquals("ConformanceService", PRIMARY.protocolName());
    assertEquals(Optional.of("2.0.0"), PRIMARY.protocolVersion());
    assertEquals(90, PRIMARY.methods().size());
  }

  @Test
  void everyStreamDeclaresTheReferencesKind() {
    PRIMARY.methods().values().stream().filter(m -> m.kind() != dev.arrowrpc.core.schema.MethodKind.UNARY)
        .forEach(m -> assertEquals(Optional.of(m.name().contains("exchange")), m.isExchange(), m.name()));
  }

  @Test
  void newUnaryMethodsHaveTheReferenceSchemas() {
    assertEquals("[" + field("value", false, "utf8") + "," + field("include_sha256", false, "bool") + "]",
        fields("published_string", "params"));
    assertEquals("[" + field("result", false, "utf8") + "]", fields("published_string", "result"));
    assertEquals("[" + field("point", true, "binary") + "]", fields("echo_optional_point", "params"));
    assertEquals("[" + field("result", true, "binary") + "]", fields("echo_optional_point", "result"));
    assertEquals("[" + field("value", true, "int32") + "]", fields("echo_annotated_optional_int", "params"));
    assertEquals("[" + field("result", true, "int32") + "]", fields("echo_annotated_optional_int", "result"));
    assertEquals("[" + field("value", false, "int32") + "]", fields("echo_outer_optional_non_null", "params"));
    assertEquals("[" + field("result", false, "int32") + "]", fields("echo_outer_optional_non_null", "result"));
    String statuses = "list<item?:dictionary<index:int16,value:utf8>>";
    assertEquals("[" + field("statuses", false, statuses) + ","
        + field("points", false, "list<item?:struct<x:float64,y:float64>>") + ","
        + field("status_by_name", false, "map<key:utf8,value?:dictionary<index:int16,value:utf8>>") + "]",
        fields("pack_nested_containers", "params"));
    assertEquals("[" + field("result", false, "binary") + "]", fields("pack_nested_containers", "result"));
    assertEquals("[" + field("statuses", false, statuses) + "]", fields("echo_status_list", "params"));
    assertEquals("[" + field("result", false, statuses) + "]", fields("echo_status_list", "result"));
  }

  @Test
  void newStreamsTakeTheReferenceParameters() {
    assertEquals("[" + field("count", false, "int64") + "]", fields("produce_tick_metadata", "params"));
    assertEquals("[" + field("count", false, "int64") + "," + field("rows_per_batch", false, "int64") + "]",
        fields("produce_annotated_batches", "params"));
    assertEquals("[]", fields("exchange_input_metadata", "params"));
    for (String stream : List.of("produce_tick_metadata", "produce_annotated_batches", "exchange_input_metadata")) {
      assertEquals("-", fields(stream, "result"), stream);
      assertEquals("-", fields(stream, "header"), stream);
    }
  }

  @Test
  void nestedContainersRecordMatchesTheReferenceDataclass() {
    var record = new dev.arrowrpc.core.schema.TypeMapper().record(NestedContainers.class);
    String dictionary = "dictionary<index:int16,value:utf8>";
    String point = "struct<x:float64,y:float64>";
    assertEquals("[" + field("statuses", false, "list<item?:" + dictionary + ">") + ","
        + field("points", false, "list<item?:" + point + ">") + ","
        + field("status_by_name", false, "map<key:utf8,value?:" + dictionary + ">") + ","
        + field("frozen_statuses", false, "list<item?:" + dictionary + ">") + ","
        + field("tagged_status", true, dictionary) + ","
        + field("tagged_point", true, point) + ","
        + field("tagged_batch", true, "binary") + "]",
        TypeTokens.canonical(TypeTokens.fields(record.schema())));
  }

  @Test
  void primaryHashIsTheReferences() {
    assertEquals("05479410c96f34410a2b10a4f6a49d59dcfd9d6d1d45ce9a9807d060a3bd6014", TypeTokens.hash(PRIMARY));
    // the production hash, as reflection and the access log publish it
    assertEquals("05479410c96f34410a2b10a4f6a49d59dcfd9d6d1d45ce9a9807d060a3bd6014",
        ProtocolHash.of(PRIMARY));
    assertEquals("58557cf1611546ad22d1c379bc3ce1b04166082f78375e9fc959f0086347eab6",
        ProtocolHash.of(ServiceSpec.of(SecondaryService.class)));
  }

  @Test
  void secondaryMatchesItsPinnedPreimageAndHash() {
    ServiceSpec secondary = ServiceSpec.of(SecondaryService.class);
    assertEquals("conformance.Secondary.v1", secondary.protocolName());
    assertEquals(Optional.empty(), secondary.protocolVersion());
    assertEquals("{\"methods\":["
        + "{\"has_header\":false,\"has_return\":true,\"name\":\"echo_string\","
        + "\"params\":[" + field("value", false, "utf8") + "],\"result\":[" + field("result", false, "utf8") + "],"
        + "\"type\":\"unary\"},"
        + "{\"has_header\":false,\"has_return\":false,\"name\":\"fail\",\"params\":["
        + field("code", false, "utf8") + "," + field("kind", false, "utf8") + ","
        + field("retry_delay_seconds", false, "float64") + "],\"type\":\"unary\"},"
        + "{\"has_header\":false,\"has_return\":false,\"name\":\"fail_oversized\",\"params\":[],"
        + "\"type\":\"unary\"}],\"protocol\":\"conformance.Secondary.v1\"}",
        TypeTokens.preimage(secondary));
    assertEquals("58557cf1611546ad22d1c379bc3ce1b04166082f78375e9fc959f0086347eab6", TypeTokens.hash(secondary));
  }

  /** Every method against the reference's golden preimage, when it is unpacked on this machine. */
  @Test
  @SuppressWarnings("unchecked")
  void everyMethodMatchesTheGoldenPreimage() throws IOException {
    assumeTrue(Files.isRegularFile(GOLDEN), "no golden preimage at " + GOLDEN);
    String text = Files.readString(GOLDEN, StandardCharsets.UTF_8);
    String json = text.substring(text.indexOf('{'));
    Map<String, Object> golden = (Map<String, Object>) Json.parse(json);
    assertEquals(json.strip(), TypeTokens.preimage(PRIMARY), "the whole preimage");
    assertEquals(PRIMARY.protocolName(), golden.get("protocol"));
    Map<String, String> expected = new TreeMap<>();
    for (Object method : (List<Object>) golden.get("methods")) {
      Map<String, Object> entry = (Map<String, Object>) method;
      expected.put((String) entry.get("name"), TypeTokens.canonical(entry));
    }
    Map<String, String> actual = new TreeMap<>();
    TypeTokens.methods(PRIMARY).forEach((name, entry) -> actual.put(name, TypeTokens.canonical(entry)));
    assertEquals(expected.keySet(), actual.keySet());
    List<String> differences = new ArrayList<>();
    expected.forEach((name, entry) -> {
      if (!entry.equals(actual.get(name))) {
        differences.add(name + "\n  reference " + entry + "\n  ours      " + actual.get(name));
      }
    });
    assertEquals(List.of(), differences);
  }
}
