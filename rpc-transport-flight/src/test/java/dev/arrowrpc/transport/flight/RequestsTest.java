package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.spi.ServiceOutline;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JSON parameters become the request stream the engine reads; what JSON cannot say is refused. */
class RequestsTest {
  private static final Schema PARAMS = new Schema(List.of(
      Field.notNullable("i32", new ArrowType.Int(32, true)),
      Field.notNullable("i64", new ArrowType.Int(64, true)),
      Field.notNullable("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      Field.notNullable("flag", ArrowType.Bool.INSTANCE),
      Field.notNullable("text", ArrowType.Utf8.INSTANCE),
      Field.notNullable("large", ArrowType.LargeUtf8.INSTANCE),
      Field.notNullable("bytes", ArrowType.Binary.INSTANCE),
      Field.nullable("maybe", new ArrowType.Int(64, true))));
  private static final Field LIST = new Field("items", org.apache.arrow.vector.types.pojo.FieldType.nullable(
      ArrowType.List.INSTANCE), List.of(Field.nullable("item", new ArrowType.Int(64, true))));
  private static final FlightCatalog.Entry ENTRY = new FlightCatalog.Entry("P", Optional.of("1.2.3"),
      new ServiceOutline.Method("m", ServiceOutline.Kind.UNARY,
          PARAMS, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty()));

  private final BufferAllocator memory = new RootAllocator();

  @AfterEach
  void empty() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  @Test
  void everyScalarKindFromJson() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>(Requests.jsonObject(("{\"i32\": -7, \"i64\": 9007199254740993,"
        + " \"f32\": 1.5, \"flag\": true, \"text\": \"é\", \"large\": \"big\", \"bytes\": \"AAEC\", \"maybe\": null}")
        .getBytes(StandardCharsets.UTF_8), "the body"));
    byte[] request = Requests.fromJson(ENTRY, params, memory);
    assertTrue(Requests.isIpc(request));
    assertEquals(Map.entry(Optional.of("P"), "m"), Requests.target(request, memory));
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(request), memory).orElseThrow()) {
      assertTrue(reader.next());
      VectorSchemaRoot root = reader.root();
      assertEquals(1, root.getRowCount());
      assertEquals(-7, ((IntVector) root.getVector("i32")).get(0));
      assertEquals(9007199254740993L, ((BigIntVector) root.getVector("i64")).get(0));
      assertEquals(1.5f, ((Float4Vector) root.getVector("f32")).get(0));
      assertEquals(1, ((BitVector) root.getVector("flag")).get(0));
      assertEquals("é", new String(((VarCharVector) root.getVector("text")).get(0), StandardCharsets.UTF_8));
      assertEquals("big", new String(((LargeVarCharVector) root.getVector("large")).get(0), StandardCharsets.UTF_8));
      assertArrayEquals(new byte[] {0, 1, 2}, ((VarBinaryVector) root.getVector("bytes")).get(0));
      assertTrue(root.getVector("maybe").isNull(0));
      assertEquals("m", reader.metadata().get(MetadataKeys.METHOD));
      assertEquals("P", reader.metadata().get(MetadataKeys.PROTOCOL));
      assertEquals("1", reader.metadata().get(MetadataKeys.REQUEST_VERSION));
      assertEquals("1.2.3", reader.metadata().get(MetadataKeys.PROTOCOL_VERSION));
      assertFalse(reader.next());
    }
  }

  @Test
  void whatJsonCannotSayIsInvalidArgument() {
    FlightCatalog.Entry withList = new FlightCatalog.Entry("P", Optional.empty(), new ServiceOutline.Method("m",
        ServiceOutline.Kind.UNARY, new Schema(List.of(LIST)),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    for (Map.Entry<FlightCatalog.Entry, String> bad : List.of(
        Map.entry(ENTRY, "{\"i32\": 1}"),
        Map.entry(ENTRY, "{\"i32\": \"one\", \"i64\": 1, \"f32\": 1, \"flag\": true, \"text\": \"\", \"large\": \"\","
            + " \"bytes\": \"\"}"),
        Map.entry(ENTRY, "{\"i32\": null}"),
        Map.entry(ENTRY, "{\"bytes\": \"not base64!\"}"),
        Map.entry(ENTRY, "{\"nope\": 1}"),
        Map.entry(withList, "{\"items\": [1, 2]}"))) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class, () -> Requests.fromJson(bad.getKey(),
          Requests.jsonObject(bad.getValue().getBytes(StandardCharsets.UTF_8), "the body"), memory), bad.getValue());
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, error.status().code(), bad.getValue());
    }
    for (String notAnObject : List.of("[1]", "{", "nope")) {
      FlightRuntimeException error = assertThrows(FlightRuntimeException.class,
          () -> Requests.jsonObject(notAnObject.getBytes(StandardCharsets.UTF_8), "the body"));
      assertEquals(FlightStatusCode.INVALID_ARGUMENT, error.status().code());
    }
    assertEquals(Map.of(), Requests.jsonObject(" ".getBytes(StandardCharsets.UTF_8), "the body"));
  }

  @Test
  void flightJsonIsAscii() {
    assertEquals("{\"m\":\"d\\u00e9j\\u00e0 \\ud83d\\ude80\"}", FlightJson.write(Map.of("m", "déjà 🚀")));
  }
}
