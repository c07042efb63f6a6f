package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * How much a message body's read allocates: a large body whose bytes are all at hand is read into one
 * buffer of its size, and a body that declares more than was sent never allocates more than twice
 * what arrived (or the first chunk).
 */
class BodyAllocationTest {
  /** Rows of one int64 column: a body of 24 MiB, three times {@link WireBounds#BODY_CHUNK_BYTES}. */
  private static final int ROWS = 3 << 20;

  private static byte[] stream(BufferAllocator allocator) throws Exception {
    try (BigIntVector v = new BigIntVector("v", allocator)) {
      v.allocateNew(ROWS);
      for (int i = 0; i < ROWS; i++) {
        v.set(i, i);
      }
      v.setValueCount(ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.of(v);
      root.setRowCount(ROWS);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, root.getSchema())) {
        writer.write(root, Map.of());
      }
      return out.toByteArray();
    }
  }

  @Test
  void aLargeBodyHeldInMemoryIsReadIntoOneBufferOfItsSize() throws Exception {
    byte[] bytes;
    try (BufferAllocator writing = new RootAllocator()) {
      bytes = stream(writing);
    }
    long body = 8L * ROWS;
    try (BufferAllocator allocator = new RootAllocator()) {
      try (IpcStreamReader reader = IpcBytes.readSingle(bytes, allocator)) {
        assertEquals(ROWS - 1L, ((BigIntVector) reader.root().getVector(0)).get(ROWS - 1));
      }
      // grown by doubling, the read would have held a 16 MiB buffer and the 24 MiB one at once
      assertTrue(allocator.getPeakMemoryAllocation() < body + body / 4,
          "peak " + allocator.getPeakMemoryAllocation() + " for a body of " + body);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void aBodyCutShortAllocatesForWhatArrivedNotForWhatItDeclares() throws Exception {
    byte[] whole;
    try (BufferAllocator writing = new RootAllocator()) {
      whole = stream(writing);
    }
    long sent = 2L << 20;
    byte[] cut = Arrays.copyOf(whole, (int) (whole.length - 8L * ROWS + sent)); // 2 MiB of a 24 MiB body
    try (BufferAllocator allocator = new RootAllocator()) {
      WireFormatException e = assertThrows(WireFormatException.class,
          () -> IpcBytes.readSingle(cut, allocator).close());
      assertTrue(e.getMessage().contains("truncated inside a message body"), e.getMessage());
      assertTrue(allocator.getPeakMemoryAllocation() <= Math.max(WireBounds.BODY_CHUNK_BYTES, 2 * sent),
          "peak " + allocator.getPeakMemoryAllocation());
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
