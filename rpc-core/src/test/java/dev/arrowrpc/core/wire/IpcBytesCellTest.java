package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Record batches written in place into binary cells, and read back out of them. */
class IpcBytesCellTest {

  private static VectorSchemaRoot batch(BufferAllocator allocator, int rows, long factor) {
    BigIntVector v = new BigIntVector("v", allocator);
    v.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      v.set(i, i * factor);
    }
    VectorSchemaRoot root = VectorSchemaRoot.of(v);
    root.setRowCount(rows);
    return root;
  }

  @Test
  void cellsAroundANullHoldTheirOwnBatches() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        VarBinaryVector cells = new VarBinaryVector("cells", allocator)) {
      cells.allocateNew(16, 3);
      try (VectorSchemaRoot small = batch(allocator, 3, 2);
          VectorSchemaRoot large = batch(allocator, 100_000, 5)) {
        IpcBytes.writeCell(cells, 0, small.getSchema(), small);
        IpcBytes.writeCell(cells, 2, large.getSchema(), large);
      }
      cells.setValueCount(3);
      assertTrue(cells.isNull(1));
      assertEquals(0, cells.getValueLength(1));
      try (IpcStreamReader first = IpcBytes.readCell(cells, 0, allocator)) {
        assertEquals(3, first.root().getRowCount());
        assertEquals(4L, ((BigIntVector) first.root().getVector(0)).get(2));
      }
      try (IpcStreamReader third = IpcBytes.readCell(cells, 2, allocator)) {
        assertEquals(100_000, third.root().getRowCount());
        assertEquals(5L * 99_999, ((BigIntVector) third.root().getVector(0)).get(99_999));
      }
      // the bytes are an ordinary IPC stream: the byte-array reader agrees
      try (IpcStreamReader copy = IpcBytes.readSingle(cells.get(2), allocator)) {
        assertEquals(100_000, copy.root().getRowCount());
      }
    }
  }

  @Test
  void aCellThatIsNotAnIpcStreamIsAWireFormatError() {
    try (BufferAllocator allocator = new RootAllocator();
        VarBinaryVector cells = new VarBinaryVector("cells", allocator)) {
      cells.allocateNew(16, 1);
      cells.setSafe(0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
      cells.setValueCount(1);
      long before = allocator.getAllocatedMemory();
      assertThrows(WireFormatException.class, () -> IpcBytes.readCell(cells, 0, allocator).close());
      assertEquals(before, allocator.getAllocatedMemory(), "a failed read releases what it allocated");
    }
  }

  @Test
  void aLargeCellsBatchSharesTheCellsMemoryAndOutlivesTheCellOnceMoved() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        BufferAllocator reading = allocator.newChildAllocator("reading", 0, Long.MAX_VALUE)) {
      VectorSchemaRoot moved;
      try (VarBinaryVector cells = new VarBinaryVector("cells", allocator)) {
        cells.allocateNew(16, 1);
        try (VectorSchemaRoot large = batch(allocator, 100_000, 3)) {
          IpcBytes.writeCell(cells, 0, large.getSchema(), large);
        }
        cells.setValueCount(1);
        assertTrue(cells.getValueLength(0) >= CellStreams.LEND_FROM_BYTES);
        try (IpcStreamReader reader = IpcBytes.readCell(cells, 0, reading)) {
          // lent, not copied: the batch's buffers are the cell's bytes, charged where the cell is
          assertEquals(0, reading.getAllocatedMemory(), "the body was copied into the reader's allocator");
          assertEquals(3L * 99_999, ((BigIntVector) reader.root().getVector(0)).get(99_999));
          moved = IpcBytes.copy(reader.root(), reading);
        }
      }
      // the cell's vector is closed: the moved batch holds the memory it shares
      try (VectorSchemaRoot root = moved) {
        assertEquals(100_000, root.getRowCount());
        assertEquals(3L * 12_345, ((BigIntVector) root.getVector(0)).get(12_345));
        assertTrue(reading.getAllocatedMemory() > 0, "the moved batch's memory is charged to its allocator");
      }
      assertEquals(0, reading.getAllocatedMemory());
    }
  }

  @Test
  void aLargeCellOffAnEightByteBoundaryIsCopiedAndReadsTheSame() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        VarBinaryVector cells = new VarBinaryVector("cells", allocator)) {
      cells.allocateNew(16, 2);
      cells.setSafe(0, new byte[] {1, 2, 3}); // the next cell starts 3 bytes in
      try (VectorSchemaRoot large = batch(allocator, 100_000, 7)) {
        IpcBytes.writeCell(cells, 1, large.getSchema(), large);
      }
      cells.setValueCount(2);
      long before = allocator.getAllocatedMemory();
      try (IpcStreamReader reader = IpcBytes.readCell(cells, 1, allocator)) {
        assertTrue(allocator.getAllocatedMemory() - before >= 800_000, "an unaligned cell's body is copied");
        assertEquals(7L * 99_999, ((BigIntVector) reader.root().getVector(0)).get(99_999));
      }
      assertEquals(before, allocator.getAllocatedMemory());
    }
  }

  @Test
  void aLargeCellCutInsideItsBodyIsAWireFormatErrorAndLendsNothing() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        VarBinaryVector whole = new VarBinaryVector("whole", allocator);
        VarBinaryVector cut = new VarBinaryVector("cut", allocator)) {
      whole.allocateNew(16, 1);
      try (VectorSchemaRoot large = batch(allocator, 100_000, 1)) {
        IpcBytes.writeCell(whole, 0, large.getSchema(), large);
      }
      whole.setValueCount(1);
      byte[] bytes = whole.get(0);
      cut.allocateNew(16, 1);
      cut.setSafe(0, java.util.Arrays.copyOf(bytes, bytes.length - 100_000));
      cut.setValueCount(1);
      long before = allocator.getAllocatedMemory();
      WireFormatException e = assertThrows(WireFormatException.class, () -> IpcBytes.readCell(cut, 0, allocator).close());
      assertTrue(e.getMessage().contains("truncated inside a message body"), e.getMessage());
      assertEquals(before, allocator.getAllocatedMemory(), "a failed read releases what it took");
    }
  }
}
