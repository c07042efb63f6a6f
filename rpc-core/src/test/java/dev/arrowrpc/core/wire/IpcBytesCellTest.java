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
}
