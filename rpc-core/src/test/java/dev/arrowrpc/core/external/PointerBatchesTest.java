package dev.arrowrpc.core.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pointer batches: recognition, redaction, and resolution with its digest and shape checks. */
class PointerBatchesTest {
  private static final Schema SCHEMA = new Schema(List.of(
      new Field("n", FieldType.notNullable(new ArrowType.Int(64, true)), null)));
  private static final Schema OTHER = new Schema(List.of(
      new Field("m", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

  private BufferAllocator memory;
  private MemoryStorage storage;

  @BeforeEach
  void open() {
    memory = new RootAllocator();
    storage = new MemoryStorage();
  }

  @AfterEach
  void close() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  private VectorSchemaRoot rows(Schema schema, long... values) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory);
    BigIntVector vector = (BigIntVector) root.getVector(0);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    root.setRowCount(values.length);
    return root;
  }

  /** An object: the batches given, in order, on a schema. */
  private byte[] object(Schema schema, List<Map.Entry<long[], Map<String, String>>> batches) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
      for (Map.Entry<long[], Map<String, String>> batch : batches) {
        try (VectorSchemaRoot root = rows(schema, batch.getKey())) {
          writer.write(root, batch.getValue());
        }
      }
    }
    return out.toByteArray();
  }

  /** A reader positioned on a pointer batch for the URL (the caller closes it). */
  private IpcStreamReader pointer(String url, Optional<String> sha256) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, SCHEMA); VectorSchemaRoot root = rows(SCHEMA)) {
      Map<String, String> metadata = new LinkedHashMap<>(PointerBatches.pointerMetadata(url, sha256));
      metadata.put("outer", "pointer");
      writer.write(root, metadata);
    }
    IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(out.toByteArray()), memory).orElseThrow();
    assertTrue(reader.next());
    return reader;
  }

  private static Map<String, String> log(String text) {
    return Map.of(MetadataKeys.LOG_LEVEL, "INFO", MetadataKeys.LOG_MESSAGE, text);
  }

  @Test
  void recognisesPointersButNotLogBatches() {
    assertTrue(PointerBatches.isPointer(Map.of(MetadataKeys.LOCATION, "https://x/y")));
    assertFalse(PointerBatches.isPointer(Map.of(MetadataKeys.LOCATION, "https://x/y", MetadataKeys.LOG_LEVEL, "INFO")));
    assertFalse(PointerBatches.isPointer(Map.of("other", "1")));
    assertEquals(Map.of(MetadataKeys.LOCATION, "u"), PointerBatches.pointerMetadata("u", Optional.empty()));
  }

  @Test
  void redactionKeepsSchemeHostPortAndPathOnly() {
    assertEquals("https://store.example:8443/a/b",
        PointerBatches.redact("https://user:pw@store.example:8443/a/b?X-Amz-Signature=s#frag"));
    assertEquals("<unparseable URL>", PointerBatches.redact("not a url"));
  }

  @Test
  void resolvesToTheDataBatchWithItsOwnMetadataAndProvenance() throws IOException {
    byte[] bytes = object(SCHEMA, List.of(Map.entry(new long[0], log("first")),
        Map.entry(new long[] {7, 8}, Map.of("inner", "payload"))));
    String url = "https://store.example/o?sig=1";
    storage.put(url, bytes);
    List<Map<String, String>> logs = new ArrayList<>();
    try (IpcStreamReader pointer = pointer(url, Optional.of(PointerBatches.sha256(bytes)));
        IpcStreamReader resolved = PointerBatches.resolve(pointer, storage, memory, logs::add)) {
      assertEquals(2, resolved.root().getRowCount());
      assertEquals(8L, ((BigIntVector) resolved.root().getVector(0)).get(1));
      Map<String, String> metadata = resolved.metadata();
      assertEquals("payload", metadata.get("inner"));
      assertNull(metadata.get("outer"), "the pointer's metadata never reaches the resolved batch");
      assertNull(metadata.get(MetadataKeys.LOCATION));
      assertNull(metadata.get(MetadataKeys.LOCATION_SHA256));
      assertEquals(url, metadata.get(MetadataKeys.LOCATION_SOURCE), "the source is the URL fetched, in full");
      assertTrue(metadata.get(MetadataKeys.LOCATION_FETCH_MS).matches("\\d+\\.\\d"));
    }
    assertEquals(1, logs.size());
    assertEquals("first", logs.get(0).get(MetadataKeys.LOG_MESSAGE));
  }

  @Test
  void aPointerWithoutDigestResolvesUnchecked() throws IOException {
    byte[] bytes = object(SCHEMA, List.of(Map.entry(new long[] {1}, Map.of())));
    storage.put("https://s/o", bytes);
    try (IpcStreamReader pointer = pointer("https://s/o", Optional.empty());
        IpcStreamReader resolved = PointerBatches.resolve(pointer, storage, memory, m -> { })) {
      assertEquals(1, resolved.root().getRowCount());
    }
  }

  @Test
  void aDigestMismatchFailsTheResolution() throws IOException {
    storage.put("https://s/o?sig=secret", object(SCHEMA, List.of(Map.entry(new long[] {1}, Map.of()))));
    try (IpcStreamReader pointer = pointer("https://s/o?sig=secret", Optional.of("0".repeat(64)))) {
      RpcException error = assertThrows(RpcException.class,
          () -> PointerBatches.resolve(pointer, storage, memory, m -> { }));
      assertTrue(error.getMessage().contains("checksum"), error.getMessage());
      assertFalse(error.getMessage().contains("secret"), "diagnostics never carry the query");
    }
  }

  @Test
  void aFetchFailureIsAnRpcError() throws IOException {
    try (IpcStreamReader pointer = pointer("https://s/missing?sig=secret", Optional.empty())) {
      RpcException error = assertThrows(RpcException.class,
          () -> PointerBatches.resolve(pointer, storage, memory, m -> { }));
      assertTrue(error.getMessage().contains("fetch failed"), error.getMessage());
      assertFalse(error.getMessage().contains("secret"));
    }
  }

  @Test
  void anObjectMustHoldExactlyOneDataBatchOnThePointersSchema() throws IOException {
    storage.put("https://s/two", object(SCHEMA, List.of(Map.entry(new long[] {1}, Map.of()),
        Map.entry(new long[] {2}, Map.of()))));
    storage.put("https://s/none", object(SCHEMA, List.of(Map.entry(new long[0], log("only a log")))));
    storage.put("https://s/loop", object(SCHEMA, List.of(Map.entry(new long[0], Map.of(MetadataKeys.LOCATION, "x")))));
    storage.put("https://s/other", object(OTHER, List.of(Map.entry(new long[] {1}, Map.of()))));
    Map<String, String> expected = Map.of("https://s/two", "more than one data batch",
        "https://s/none", "No data batch", "https://s/loop", "redirect loop", "https://s/other", "schema mismatch");
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      try (IpcStreamReader pointer = pointer(entry.getKey(), Optional.empty())) {
        RpcException error = assertThrows(RpcException.class,
            () -> PointerBatches.resolve(pointer, storage, memory, m -> { }));
        assertTrue(error.getMessage().contains(entry.getValue()), entry.getKey() + ": " + error.getMessage());
      }
    }
  }

  @Test
  void encodedObjectsRoundTripTheirMetadata() throws IOException {
    byte[] bytes;
    try (VectorSchemaRoot root = rows(SCHEMA, 5)) {
      bytes = PointerBatches.encode(SCHEMA, Batch.of(root), Map.of("k", "v"));
    }
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes), memory).orElseThrow()) {
      assertTrue(reader.next());
      assertEquals("v", reader.metadata().get("k"));
      assertFalse(reader.next());
    }
    assertEquals(64, PointerBatches.sha256(bytes).length());
  }
}
