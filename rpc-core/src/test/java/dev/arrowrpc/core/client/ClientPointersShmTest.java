package dev.arrowrpc.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.shm.HeapSegment;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** A response that is a shared-memory pointer resolves against the client's segment, or fails by name. */
class ClientPointersShmTest {
  private static final Schema LONGS = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  @Test
  void aSharedMemoryPointerResolvesAgainstTheSegmentAndFreesItsRegion() throws IOException {
    HeapSegment segment = new HeapSegment(2 << 20);
    try (BufferAllocator memory = new RootAllocator()) {
      byte[] stream = pointerStream(segment, memory);
      assertEquals(1, segment.allocations());
      try (IpcStreamReader reader = open(stream, memory);
          ClientPointers.Resolved resolved = new ClientPointers(Optional.empty(), Optional.of(segment))
              .open(reader, memory, log -> { })) {
        assertEquals(20_000, resolved.reader().root().getRowCount());
        assertEquals(19_999, ((BigIntVector) resolved.reader().root().getVector("n")).get(19_999));
        assertEquals("heap", resolved.reader().metadata().get(MetadataKeys.SHM_SOURCE));
      }
      assertEquals(0, segment.allocations());

      byte[] again = pointerStream(segment, memory);
      try (IpcStreamReader reader = open(again, memory)) {
        RpcException error = assertThrows(RpcException.class,
            () -> new ClientPointers(Optional.empty()).open(reader, memory, log -> { }));
        assertEquals("the response is a shared-memory pointer, but this client has no shared-memory segment",
            error.errorMessage());
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  private static byte[] pointerStream(HeapSegment segment, BufferAllocator memory) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(LONGS, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(bytes, LONGS)) {
      BigIntVector n = (BigIntVector) root.getVector("n");
      for (int i = 0; i < 20_000; i++) {
        n.setSafe(i, i);
      }
      root.setRowCount(20_000);
      assertTrue(ShmBatches.writeOrInline(writer, Optional.of(segment), Batch.of(root), Map.of(), memory));
    }
    return bytes.toByteArray();
  }

  private static IpcStreamReader open(byte[] stream, BufferAllocator memory) throws IOException {
    IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), memory).orElseThrow();
    assertTrue(reader.next());
    return reader;
  }
}
