package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arrowrpc.core.schema.TypeZoo;
import dev.arrowrpc.core.testing.Loopback;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Whole record batches as a parameter and as a result: a few thousand rows of int64, float64 and
 * utf8 (with nulls) cross the loopback both ways unchanged; the caller closes the result root and
 * every allocator (client, server, the implementation's own, the test's) ends at zero.
 */
class VectorSchemaRootRoundTripTest {
  private static final int ROWS = 5_000;

  @Test
  void rootsTravelBothWays() throws Exception {
    TypeZooImpl impl = new TypeZooImpl();
    try (BufferAllocator mine = new RootAllocator();
        Loopback loop = new Loopback(TypeZoo.class, impl)) {
      TypeZoo zoo = loop.proxy(TypeZoo.class);
      try (VectorSchemaRoot sent = Roots.sample(mine, ROWS)) {
        // parameter and result
        try (VectorSchemaRoot back = zoo.echoRoot(sent)) {
          Roots.assertSameContent(sent, back);
          assertEquals(ROWS, back.getRowCount());
        }
        assertEquals(ROWS, sent.getRowCount(), "the caller's root is left as it was");
        // parameter only
        assertEquals(Roots.sampleSum(ROWS), zoo.sumRoot(sent));
      }
      // result only, built by the implementation with its own allocator
      try (VectorSchemaRoot made = zoo.makeRoot(ROWS);
          VectorSchemaRoot expected = Roots.sample(mine, ROWS)) {
        Roots.assertSameContent(expected, made);
      }
      assertEquals(0, impl.bytes(), "the server releases the root the implementation returned");
      // empty batches
      try (VectorSchemaRoot empty = Roots.sample(mine, 0); VectorSchemaRoot back = zoo.echoRoot(empty)) {
        Roots.assertSameContent(empty, back);
      }
      try (VectorSchemaRoot made = zoo.makeRoot(0)) {
        assertEquals(0, made.getRowCount());
        assertEquals(Roots.SCHEMA, made.getSchema());
      }
      try (VectorSchemaRoot empty = Roots.sample(mine, 0)) {
        assertEquals(0.0, zoo.sumRoot(empty));
      }
      // nullable roots
      assertEquals(-1, zoo.countNullableRoot(null));
      try (VectorSchemaRoot some = Roots.sample(mine, 3)) {
        assertEquals(3, zoo.countNullableRoot(some));
      }
      assertNull(zoo.maybeRoot(-1));
      try (VectorSchemaRoot made = zoo.maybeRoot(10); VectorSchemaRoot expected = Roots.sample(mine, 10)) {
        Roots.assertSameContent(expected, made);
      }
      assertEquals(0, mine.getAllocatedMemory());
      assertEquals(0, loop.clientBytes());
      assertEquals(0, loop.serverBytes());
      assertNull(loop.serverFailure());
    } finally {
      impl.close();
    }
  }
}
