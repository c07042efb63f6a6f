package dev.arrowrpc.core.server;

import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

/** The payload encoding, against itself and against bytes the Python reference produced. */
class ReflectionPayloadsTest {
  static byte[] resource(String name) throws IOException {
    try (InputStream in = ReflectionPayloadsTest.class.getResourceAsStream("/reflect/" + name)) {
      return in.readAllBytes();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> expected(String key) throws IOException {
    Map<String, Object> all =
        (Map<String, Object>) Json.parse(new String(resource("expected.json"), StandardCharsets.UTF_8));
    return (Map<String, Object>) all.get(key);
  }

  private static final byte[] SCHEMA_BYTES =
      IpcBytes.schema(new Schema(List.of(new Field("value", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null))));

  static MethodInfo echo() {
    return new MethodInfo("echo", "unary", true, false, "", SCHEMA_BYTES, SCHEMA_BYTES, new byte[0],
        "no_side_effects", true, "use echo2");
  }

  static MethodInfo ticks() {
    return new MethodInfo("ticks", "stream", false, true, "producer", new byte[0], new byte[0], SCHEMA_BYTES,
        "unknown", false, "");
  }

  @Test
  void protocolListRoundTrips() throws Exception {
    ProtocolList list = new ProtocolList("srv-1", "1.0.0", "1", List.of(
        new ProtocolSummary("demo.App.v1", "2.1.0", "a".repeat(64), false, "", List.of()),
        new ProtocolSummary("vgi_rpc.Reflection.v1", "", Reflection.HASH, true, "see v2", List.of("x", "y"))));
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] bytes = ReflectionPayloads.encode(list, allocator);
      assertEquals(list, ReflectionPayloads.decodeProtocolList(bytes, allocator));
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void serviceDescriptionRoundTrips() throws Exception {
    ServiceDescription description = new ServiceDescription("demo.App.v1", "", "b".repeat(64), false, "",
        List.of(), List.of(echo(), ticks()));
    ServiceDescription empty = new ServiceDescription("demo.Empty.v1", "0.0.1", "c".repeat(64), false, "",
        List.of("f"), List.of());
    try (BufferAllocator allocator = new RootAllocator()) {
      for (ServiceDescription value : List.of(description, empty)) {
        assertEquals(value, ReflectionPayloads.decodeServiceDescription(ReflectionPayloads.encode(value, allocator),
            allocator));
      }
    }
    assertEquals(Optional.of(new Schema(List.of(new Field("value", FieldType.notNullable(ArrowType.Utf8.INSTANCE),
        null)))), ticks().headerSchema());
    assertEquals(Optional.empty(), ticks().resultSchema());
    assertEquals(new Schema(List.of()), ticks().paramsSchema());
  }

  @Test
  void encodedSchemasAreTheReferences() throws Exception {
    // the reference's replies decode to exactly the schemas this side writes
    try (BufferAllocator allocator = new RootAllocator()) {
      assertEquals(ReflectionPayloads.PROTOCOL_LIST, schemaOf(resource("list_protocols.arrows"), allocator));
      assertEquals(ReflectionPayloads.SERVICE_DESCRIPTION,
          schemaOf(resource("describe_conformance.arrows"), allocator));
      ProtocolList list = ReflectionPayloads.decodeProtocolList(resource("list_protocols.arrows"), allocator);
      try (IpcStreamReader reader = IpcBytes.readSingle(ReflectionPayloads.encode(list, allocator), allocator)) {
        assertEquals(ReflectionPayloads.PROTOCOL_LIST, reader.schema());
        assertEquals(1, reader.root().getRowCount());
        assertEquals(Map.of(), reader.metadata());
        assertFalse(reader.next());
      }
    }
  }

  private static Schema schemaOf(byte[] bytes, BufferAllocator allocator) throws Exception {
    try (IpcStreamReader reader = IpcBytes.readSingle(bytes, allocator)) {
      assertEquals(1, reader.root().getRowCount());
      assertEquals(Map.of(), reader.metadata());
      assertFalse(reader.next(), "one batch");
      return reader.schema();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void decodesTheReferencesListProtocols() throws Exception {
    Map<String, Object> want = expected("list_protocols");
    try (BufferAllocator allocator = new RootAllocator()) {
      ProtocolList list = ReflectionPayloads.decodeProtocolList(resource("list_protocols.arrows"), allocator);
      assertEquals(want.get("server_id"), list.serverId());
      assertEquals(want.get("server_version"), list.serverVersion());
      assertEquals(want.get("request_version"), list.requestVersion());
      List<Map<String, Object>> protocols = (List<Map<String, Object>>) want.get("protocols");
      assertEquals(protocols.size(), list.protocols().size());
      for (int i = 0; i < protocols.size(); i++) {
        Map<String, Object> p = protocols.get(i);
        ProtocolSummary got = list.protocols().get(i);
        assertEquals(p.get("protocol"), got.protocol());
        assertEquals(p.get("protocol_version"), got.protocolVersion());
        assertEquals(p.get("protocol_hash"), got.protocolHash());
        assertEquals(p.get("deprecated"), got.deprecated());
        assertEquals(p.get("deprecation_message"), got.deprecationMessage());
        assertEquals(p.get("features"), got.features());
      }
      assertEquals("ConformanceService", list.primary().orElseThrow().protocol());
      assertEquals(Reflection.HASH, list.protocol(Reflection.NAME).orElseThrow().protocolHash());
      // the bytes differ from pyarrow's (buffer layout is the writer's choice) but the content does not
      assertEquals(list, ReflectionPayloads.decodeProtocolList(ReflectionPayloads.encode(list, allocator), allocator));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void decodesTheReferencesDescriptions() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      for (String name : List.of("conformance", "reflection")) {
        Map<String, Object> want = expected("describe_" + name);
        ServiceDescription got =
            ReflectionPayloads.decodeServiceDescription(resource("describe_" + name + ".arrows"), allocator);
        assertEquals(want.get("protocol"), got.protocol());
        assertEquals(want.get("protocol_version"), got.protocolVersion());
        assertEquals(want.get("protocol_hash"), got.protocolHash());
        assertEquals(want.get("features"), got.features());
        List<Map<String, Object>> methods = (List<Map<String, Object>>) want.get("methods");
        assertEquals(methods.size(), got.methods().size());
        for (int i = 0; i < methods.size(); i++) {
          Map<String, Object> m = methods.get(i);
          MethodInfo info = got.methods().get(i);
          String where = info.name();
          assertEquals(m.get("name"), info.name());
          assertEquals(m.get("method_type"), info.methodType(), where);
          assertEquals(m.get("has_return"), info.hasReturn(), where);
          assertEquals(m.get("has_header"), info.hasHeader(), where);
          assertEquals(m.get("stream_kind"), info.streamKind(), where);
          assertEquals(m.get("idempotency"), info.idempotency(), where);
          assertEquals(m.get("deprecated"), info.deprecated(), where);
          assertEquals(names(info.paramsSchemaIpc().length == 0 ? null : info.paramsSchema()), m.get("params"), where);
          assertEquals(names(info.resultSchema().orElse(null)), m.get("result"), where);
          assertEquals(names(info.headerSchema().orElse(null)), m.get("header"), where);
          assertEquals(info.hasReturn(), info.resultSchemaIpc().length > 0, where);
          assertEquals(info.hasHeader(), info.headerSchemaIpc().length > 0, where);
        }
      }
    }
  }

  private static List<String> names(Schema schema) {
    return schema == null ? null : schema.getFields().stream().map(Field::getName).toList();
  }

  @Test
  void aNewerServersExtraFieldsAndOrderAreIgnored() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ServiceDescription got =
          ReflectionPayloads.decodeServiceDescription(resource("describe_newer_server.arrows"), allocator);
      assertEquals("demo.App.v1", got.protocol());
      assertEquals("2.1.0", got.protocolVersion());
      assertEquals("a".repeat(64), got.protocolHash());
      assertEquals(List.of("streaming"), got.features());
      MethodInfo echo = got.methods().get(0);
      assertEquals("echo", echo.name());
      assertEquals("no_side_effects", echo.idempotency());
      assertTrue(echo.deprecated());
      assertEquals("use echo2", echo.deprecationMessage());
      assertEquals(List.of("value"), names(echo.paramsSchema()));
    }
  }

  @Test
  void anOlderServersAbsentFieldsTakeTheirDefaults() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      ServiceDescription got =
          ReflectionPayloads.decodeServiceDescription(resource("describe_older_server.arrows"), allocator);
      MethodInfo echo = got.methods().get(0);
      assertEquals("unknown", echo.idempotency());
      assertFalse(echo.deprecated());
      assertEquals("", echo.deprecationMessage());
      assertEquals(List.of("result"), names(echo.resultSchema().orElseThrow()));
    }
  }

  @Test
  void anAbsentFieldWithoutADefaultIsAnError() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      WireFormatException e = assertThrows(WireFormatException.class,
          () -> ReflectionPayloads.decodeServiceDescription(resource("describe_missing_required.arrows"), allocator));
      assertTrue(e.getMessage().contains("missing field 'protocol_version'"), e.getMessage());
      // a describe reply is not a list reply
      e = assertThrows(WireFormatException.class,
          () -> ReflectionPayloads.decodeProtocolList(resource("describe_reflection.arrows"), allocator));
      assertTrue(e.getMessage().contains("missing field 'server_id'"), e.getMessage());
      assertThrows(WireFormatException.class,
          () -> ReflectionPayloads.decodeProtocolList(new byte[] {1, 2, 3}, allocator));
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
