package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Large Arrow blocks kept for reuse, with the allocators' accounting unchanged. */
class RecyclingAllocationsTest {
  private static final RecyclingAllocations POOL = RecyclingAllocations.FACTORY;

  @Test
  void aReleasedLargeBlockServesTheNextAllocationOfItsClassAndAccountingStaysExact() {
    try (RootAllocator root = RecyclingAllocations.newRootAllocator();
        BufferAllocator child = root.newChildAllocator("call", 0, Long.MAX_VALUE)) {
      long size = 5L << 20;  // class 8 MiB
      try (ArrowBuf first = child.buffer(size)) {
        first.setLong(size - 8, 42L);
        assertEquals(root.getRoundingPolicy().getRoundedSize(size), child.getAllocatedMemory());
      }
      assertEquals(0, child.getAllocatedMemory());
      long reusedBefore = POOL.reused();
      try (ArrowBuf second = child.buffer(7L << 20)) {  // same class
        assertEquals(reusedBefore + 1, POOL.reused(), "served from the kept block");
        assertEquals(root.getRoundingPolicy().getRoundedSize(7L << 20), child.getAllocatedMemory());
        second.setLong((7L << 20) - 8, 7L);
        assertEquals(7L, second.getLong((7L << 20) - 8));
      }
      assertEquals(0, root.getAllocatedMemory());
    }
  }

  @Test
  void smallBlocksAreNotKept() {
    try (RootAllocator root = RecyclingAllocations.newRootAllocator()) {
      long retained = POOL.retained();
      try (ArrowBuf small = root.buffer(1 << 20)) {
        small.setInt(0, 1);
      }
      assertEquals(retained, POOL.retained());
    }
  }

  @Test
  void theNumberOfKeptBlocksIsBounded() {
    try (RootAllocator root = RecyclingAllocations.newRootAllocator()) {
      long size = 17L << 20;  // class 32 MiB
      ArrowBuf[] live = new ArrowBuf[RecyclingAllocations.PER_CLASS + 2];
      for (int i = 0; i < live.length; i++) {
        live[i] = root.buffer(size);
      }
      for (ArrowBuf buf : live) {
        buf.close();
      }
      assertTrue(POOL.retained() <= RecyclingAllocations.MAX_RETAINED);
      long reusedBefore = POOL.reused();
      ArrowBuf[] again = new ArrowBuf[live.length];
      for (int i = 0; i < again.length; i++) {
        again[i] = root.buffer(size);
      }
      assertEquals(reusedBefore + RecyclingAllocations.PER_CLASS, POOL.reused(),
          "only " + RecyclingAllocations.PER_CLASS + " blocks of a class are kept");
      for (ArrowBuf buf : again) {
        buf.close();
      }
      assertEquals(0, root.getAllocatedMemory());
    }
  }
}
