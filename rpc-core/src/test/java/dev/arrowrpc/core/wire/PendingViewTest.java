package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The view a reader locates when it checks a batch (and hands out at the first {@link
 * IpcStreamReader#directBatch()}) reads the batch as a view made afresh does: a second view starts
 * at the first node again, and a batch whose message or body moved out of the thread's spare memory
 * (another stream read on the thread meanwhile) is read from where it moved.
 */
class PendingViewTest {
  private static final Schema SCHEMA = new Schema(List.of(Field.nullable("n", new ArrowType.Int(32, true))));

  private static byte[] stream(int value, BufferAllocator allocator) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        IpcStreamWriter writer = IpcStreamWriter.start(out, SCHEMA)) {
      ((IntVector) root.getVector(0)).setSafe(0, value);
      root.setRowCount(1);
      writer.write(root, Map.of("k", "v" + value));
    }
    return out.toByteArray();
  }

  /** The one value of the batch, read through a view from its first node. */
  private static long value(BatchView view) {
    assertEquals(1, view.rows());
    assertEquals(1, view.node());
    view.buffer(); // validity
    return view.signed(view.buffer(), 4);
  }

  @Test
  void everyViewOfABatchReadsItFromItsFirstNode() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] bytes = stream(41, allocator);
      try (IpcStreamReader reader = IpcStreamReader.openOnThisThread(new ByteArrayInputStream(bytes), allocator,
          null).orElseThrow()) {
        assertTrue(reader.next());
        assertEquals(41, value(reader.directBatch().orElseThrow()));
        assertEquals(41, value(reader.directBatch().orElseThrow()));
        assertEquals(41, value(reader.directBatch().orElseThrow()));
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void aBatchMovedOutOfTheSpareMemoryIsReadWhereItMoved() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] first = stream(41, allocator);
      byte[] second = stream(-7, allocator);
      try (IpcStreamReader outer = IpcStreamReader.openOnThisThread(new ByteArrayInputStream(first), allocator,
          null).orElseThrow()) {
        assertTrue(outer.next());
        // a stream read on the same thread while the outer batch is pending reuses the spare memory
        try (IpcStreamReader inner = IpcStreamReader.openOnThisThread(new ByteArrayInputStream(second), allocator,
            null).orElseThrow()) {
          assertTrue(inner.next());
          assertEquals(-7, value(inner.directBatch().orElseThrow()));
        }
        assertEquals(Map.of("k", "v41"), outer.metadata());
        assertEquals(41, value(outer.directBatch().orElseThrow()));
        assertEquals(41, outer.root().getVector(0).getObject(0));
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
