package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class ReflectionServiceTest {
  private static ReflectionService service(BufferAllocator allocator) {
    return new ReflectionService(
        List.of(HostedProtocol.of(ServiceSpec.of(ProtocolHashTest.Kinds.class)), ReflectionService.hosted()),
        "srv-7", "9.9.9", allocator);
  }

  @Test
  void theInterfaceDerivesTheSchemasThePreimageNames() {
    Map<String, MethodSpec> methods = ReflectionService.spec().methods();
    assertEquals(Reflection.NAME, ReflectionService.spec().protocolName());
    assertEquals(Optional.empty(), ReflectionService.spec().protocolVersion());
    Field result = new Field("result", FieldType.notNullable(ArrowType.Binary.INSTANCE), null);
    assertEquals(new Schema(List.of(result)), methods.get("list_protocols").result().schema());
    assertEquals(new Schema(List.of()), methods.get("list_protocols").params().schema());
    assertEquals(new Schema(List.of(result)), methods.get("describe").result().schema());
    assertEquals(new Schema(List.of(new Field("protocol", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null))),
        methods.get("describe").params().schema());
  }

  @Test
  void listsEveryHostedProtocolInOrderWithServerIdentity() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ReflectionService service = service(allocator);
      ProtocolList list = ReflectionPayloads.decodeProtocolList(service.list_protocols(), allocator);
      assertEquals(service.listing(), list);
      assertEquals("srv-7", list.serverId());
      assertEquals("9.9.9", list.serverVersion());
      assertEquals("1", list.requestVersion());
      assertEquals(List.of("demo.Kinds.v1", Reflection.NAME), list.protocols().stream().map(ProtocolSummary::protocol).toList());
      ProtocolSummary kinds = list.protocols().get(0);
      assertEquals("1.2.3", kinds.protocolVersion());
      assertEquals(ProtocolHash.of(ServiceSpec.of(ProtocolHashTest.Kinds.class)), kinds.protocolHash());
      assertEquals(List.of(), kinds.features());
      ProtocolSummary reflection = list.protocols().get(1);
      assertEquals("", reflection.protocolVersion());
      assertEquals(Reflection.HASH, reflection.protocolHash());
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void describesItselfAsTheReferenceDoes() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ServiceDescription ours =
          ReflectionPayloads.decodeServiceDescription(service(allocator).describe(Reflection.NAME), allocator);
      ServiceDescription theirs = ReflectionPayloads.decodeServiceDescription(
          ReflectionPayloadsTest.resource("describe_reflection.arrows"), allocator);
      assertSameDescription(theirs, ours);
      assertEquals(List.of("describe", "list_protocols"), ours.methods().stream().map(MethodInfo::name).toList());
    }
  }

  /** Equal but for the schema bytes, which may legitimately differ between Arrow implementations. */
  static void assertSameDescription(ServiceDescription expected, ServiceDescription actual) {
    assertEquals(expected.protocol(), actual.protocol());
    assertEquals(expected.protocolVersion(), actual.protocolVersion());
    assertEquals(expected.protocolHash(), actual.protocolHash());
    assertEquals(expected.deprecated(), actual.deprecated());
    assertEquals(expected.deprecationMessage(), actual.deprecationMessage());
    assertEquals(expected.features(), actual.features());
    assertEquals(expected.methods().size(), actual.methods().size());
    for (int i = 0; i < expected.methods().size(); i++) {
      MethodInfo e = expected.methods().get(i);
      MethodInfo a = actual.methods().get(i);
      assertEquals(e.name(), a.name());
      assertEquals(e.methodType(), a.methodType(), e.name());
      assertEquals(e.hasReturn(), a.hasReturn(), e.name());
      assertEquals(e.hasHeader(), a.hasHeader(), e.name());
      assertEquals(e.streamKind(), a.streamKind(), e.name());
      assertEquals(e.paramsSchema(), a.paramsSchema(), e.name());
      assertEquals(e.resultSchema(), a.resultSchema(), e.name());
      assertEquals(e.headerSchema(), a.headerSchema(), e.name());
      assertEquals(e.resultSchemaIpc().length == 0, a.resultSchemaIpc().length == 0, e.name());
      assertEquals(e.headerSchemaIpc().length == 0, a.headerSchemaIpc().length == 0, e.name());
      assertEquals(e.idempotency(), a.idempotency(), e.name());
      assertEquals(e.deprecated(), a.deprecated(), e.name());
      assertEquals(e.deprecationMessage(), a.deprecationMessage(), e.name());
    }
  }

  @Test
  void describesEachMethodKind() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ServiceDescription kinds =
          ReflectionPayloads.decodeServiceDescription(service(allocator).describe("demo.Kinds.v1"), allocator);
      assertEquals("1.2.3", kinds.protocolVersion());
      assertEquals(List.of("fire", "names", "produce", "raw", "transform"),
          kinds.methods().stream().map(MethodInfo::name).toList());
      MethodInfo fire = kinds.method("fire").orElseThrow();
      assertEquals("unary", fire.methodType());
      assertEquals("", fire.streamKind());
      assertEquals(false, fire.hasReturn());
      assertEquals(0, fire.resultSchemaIpc().length);
      MethodInfo names = kinds.method("names").orElseThrow();
      assertEquals(List.of("result"), names.resultSchema().orElseThrow().getFields().stream().map(Field::getName).toList());
      MethodInfo produce = kinds.method("produce").orElseThrow();
      assertEquals("stream", produce.methodType());
      assertEquals("producer", produce.streamKind());
      assertEquals(false, produce.hasReturn());
      assertEquals(0, produce.resultSchemaIpc().length);
      assertEquals(true, produce.hasHeader());
      assertEquals("label", produce.headerSchema().orElseThrow().getFields().get(0).getName());
      assertEquals("exchange", kinds.method("transform").orElseThrow().streamKind());
      MethodInfo raw = kinds.method("raw").orElseThrow();
      assertEquals("unknown", raw.streamKind());
      // an empty parameter list is still a schema, not absent
      assertTrue(raw.paramsSchemaIpc().length > 0);
      assertEquals(new Schema(List.of()), raw.paramsSchema());
      assertTrue(kinds.methods().stream().allMatch(m -> m.idempotency().equals("unknown") && !m.deprecated()));
    }
  }

  @Test
  void anUnknownProtocolIsNotSupportedWithTheReferencesMessage() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ReflectionService service = service(allocator);
      RpcException e = assertThrows(RpcException.class, () -> service.describe("demo.Nope.v1"));
      assertEquals("ProtocolNotSupportedError", e.errorType());
      assertEquals(Optional.of("protocol_not_supported"), e.errorKind());
      assertEquals("This server does not host protocol 'demo.Nope.v1'. Hosted: ['demo.Kinds.v1', "
          + "'vgi_rpc.Reflection.v1'].", e.errorMessage());
      // the reference's own answer, for its own hosted set
      Map<String, Object> reference = ReflectionPayloadsTest.expected("unknown_protocol_error");
      assertEquals(reference.get("error_type"), e.errorType());
      assertEquals(reference.get("error_kind"), e.errorKind().orElseThrow());
      ReflectionService conformanceLike = new ReflectionService(
          List.of(new HostedProtocol("ConformanceService", Optional.of("2.0.0"), Map.of(), "0".repeat(64)),
              ReflectionService.hosted()), "s", "", allocator);
      RpcException same = assertThrows(RpcException.class, () -> conformanceLike.describe("demo.Nope.v1"));
      assertEquals(reference.get("error_message"), same.errorType() + ": " + same.errorMessage());
    }
  }

  @Test
  void repliesAreStableCopies() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ReflectionService service = service(allocator);
      byte[] first = service.describe(Reflection.NAME);
      first[0] ^= 1;
      assertArrayEquals(service.describe(Reflection.NAME), service.describe(Reflection.NAME));
      assertTrue(first[0] != service.describe(Reflection.NAME)[0]);
    }
  }

  @Test
  void duplicateNamesAreRefused() {
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThrows(IllegalArgumentException.class, () -> new ReflectionService(
          List.of(ReflectionService.hosted(), ReflectionService.hosted()), "s", "", allocator));
    }
  }

  @Test
  void pythonReprMatchesTheReferencesQuoting() {
    assertEquals("'abc'", PythonRepr.string("abc"));
    assertEquals("\"it's\"", PythonRepr.string("it's"));
    assertEquals("'it\\'s \"x\"'", PythonRepr.string("it's \"x\""));
    assertEquals("'a\\\\b\\n\\x00\u00e9'", PythonRepr.string("a\\b\n\u0000\u00e9"));
    assertEquals("[]", PythonRepr.strings(List.of()));
    assertEquals("['a', 'b']", PythonRepr.strings(List.of("a", "b")));
  }
}
