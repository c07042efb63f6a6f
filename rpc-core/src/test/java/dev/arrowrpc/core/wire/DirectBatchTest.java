package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread's reused {@link DirectBatch} grows to what it holds and its padding, not to twice a body
 * that just fits (every server thread keeps one), and pads its buffers with zeros even over bytes
 * an earlier batch left.
 */
class DirectBatchTest {
  @Test
  void aBodyThatGrewToFitIsNotDoubledByItsPadding() throws Exception {
    for (int length : new int[] {100_000, 100_001, 100_007}) {
      AtomicReference<String> failure = new AtomicReference<>();
      Thread fresh = new Thread(() -> { // a thread of its own: a spare batch that has held nothing yet
        DirectBatch batch = DirectBatch.take(1);
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 0xff);
        batch.startBuffer();
        batch.put(data);
        batch.endBuffer();
        int padded = (length + 7) & ~7;
        if (batch.bodyLength() != padded) {
          failure.set("body of " + batch.bodyLength() + " bytes for " + length);
        } else if (batch.body().length >= padded + 8) {
          failure.set("the body grew to " + batch.body().length + " bytes for " + padded);
        }
      });
      fresh.start();
      fresh.join();
      assertEquals(null, failure.get(), "length " + length);
    }
  }

  @Test
  void paddingIsZeroOverWhatAnEarlierBatchLeft() {
    DirectBatch batch = DirectBatch.take(1);
    byte[] full = new byte[64];
    Arrays.fill(full, (byte) 0xff);
    batch.startBuffer();
    batch.put(full);
    batch.endBuffer();
    batch = DirectBatch.take(1);
    batch.startBuffer();
    batch.put(new byte[] {1, 2, 3});
    batch.endBuffer();
    batch.allValid(3);
    assertEquals(16, batch.bodyLength());
    byte[] body = Arrays.copyOf(batch.body(), 16);
    assertTrue(Arrays.equals(new byte[] {1, 2, 3, 0, 0, 0, 0, 0, 0b111, 0, 0, 0, 0, 0, 0, 0}, body),
        Arrays.toString(body));
  }
}
