package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.testing.Loopback;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * On a byte channel a stream's input is one IPC stream for the whole exchange: {@link
 * WireLimits#maxRequestBytes()} bounds each turn, not their sum.
 *
 * <p>(A turn refused mid-exchange currently ends the connection from the server's read loop rather
 * than with an error batch naming the limit; the stream's client sees the stream ended.)
 */
class WireLimitsExchangeTest {
  private static VectorSchemaRoot values(Loopback loop, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(BatchStreamTest.VALUE, loop.clientAllocator());
    Float8Vector v = (Float8Vector) root.getVector(0);
    v.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      v.set(i, i);
    }
    root.setRowCount(rows);
    return root;
  }

  @Test
  void everyTurnIsBoundedOnItsOwnAndOneOverTheBoundIsRefused() throws Exception {
    WireLimits limits = WireLimits.DEFAULT.withMaxRequestBytes(2048);
    try (Loopback loop = new Loopback(BatchStreamTest.Columns.class, new BatchStreamTest.Impl(),
        b -> b.wireLimits(limits))) {
      BatchStreamTest.Columns service = loop.proxy(BatchStreamTest.Columns.class);
      try (BatchStream stream = service.scale(2)) {
        // 20 turns of 1 KiB of values: 20 KiB in all, each turn under the bound
        for (int turn = 0; turn < 20; turn++) {
          try (VectorSchemaRoot in = values(loop, 128)) {
            VectorSchemaRoot out = stream.exchange(in);
            assertEquals(128, out.getRowCount());
            assertEquals(254.0, ((Float8Vector) out.getVector(0)).get(127));
          }
        }
        try (VectorSchemaRoot in = values(loop, 512)) {
          // a turn over the bound is refused with an error naming the setting, and the server goes on
          RpcException refused = assertThrows(RpcException.class, () -> stream.exchange(in));
          assertTrue(refused.getMessage().contains("maxRequestBytes"), refused.getMessage());
        }
      }
      assertEquals(null, loop.serverFailure());
    }
  }
}
