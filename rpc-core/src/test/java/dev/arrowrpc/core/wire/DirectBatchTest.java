package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread's reused {@link DirectBatch} grows to what it holds and its padding, not to twice a body
 * that just fits (every server thread keeps one), and pads its buffers with zeros even over bytes
 * an earlier batch left; its one-store buffers (a value, one cell's offsets, a bitmap of up to 64
 * set bits) lay out the bytes that writing the same buffer byte by byte does.
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

  @Test
  void oneStoreBuffersLayOutWhatBufferByBufferWritingDoes() {
    for (int width : new int[] {1, 2, 4, 8}) {
      for (long value : new long[] {0, 1, -1, 0x0102030405060708L, Long.MIN_VALUE}) {
        DirectBatch batch = dirty();
        batch.word(value, width);
        byte[] fused = laidOut(batch);
        batch = dirty();
        batch.startBuffer();
        batch.put(value, width);
        batch.endBuffer();
        assertArrayEquals(laidOut(batch), fused, "word(" + value + ", " + width + ")");
      }
    }
    for (int length : new int[] {0, 1, 255, 1 << 20, Integer.MAX_VALUE}) {
      DirectBatch batch = dirty();
      batch.oneOffsets(length);
      byte[] fused = laidOut(batch);
      batch = dirty();
      batch.startBuffer();
      batch.put(0, 4);
      batch.put(length, 4);
      batch.endBuffer();
      assertArrayEquals(laidOut(batch), fused, "oneOffsets(" + length + ")");
    }
    for (int count = 0; count <= 130; count++) {
      DirectBatch batch = dirty();
      batch.allValid(count);
      byte[] fused = laidOut(batch);
      boolean[] valid = new boolean[count];
      Arrays.fill(valid, true);
      batch = dirty();
      if (count == 0) {
        batch.emptyBuffer();
      } else {
        batch.validity(valid, count);
      }
      assertArrayEquals(laidOut(batch), fused, "allValid(" + count + ")");
    }
  }

  /** This thread's batch after a batch of 0xff bytes, with one buffer before the one tested. */
  private static DirectBatch dirty() {
    DirectBatch batch = DirectBatch.take(1);
    byte[] full = new byte[64];
    Arrays.fill(full, (byte) 0xff);
    batch.startBuffer();
    batch.put(full);
    batch.endBuffer();
    batch = DirectBatch.take(1);
    batch.startBuffer();
    batch.put(new byte[] {9});
    batch.endBuffer();
    return batch;
  }

  /** The batch's buffers (offset, length) and its body, as bytes. */
  private static byte[] laidOut(DirectBatch batch) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < batch.bufferCount(); i++) {
      out.writeBytes(Long.toString(batch.bufferOffset(i)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(',');
      out.writeBytes(Long.toString(batch.bufferLength(i)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(';');
    }
    out.writeBytes(Arrays.copyOf(batch.body(), batch.bodyLength()));
    return out.toByteArray();
  }
}
