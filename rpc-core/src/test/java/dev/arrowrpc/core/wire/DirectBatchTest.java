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
 * set bits) and its fused fields (a one-value fixed-width field, a string's offsets and bytes, a
 * variable-width field, fixed-width buffers filled value by value) lay out the bytes that writing
 * the same buffers byte by byte does.
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

  @Test
  void fusedFieldsLayOutWhatBufferByBufferWritingDoes() {
    for (int width : new int[] {1, 2, 4, 8}) {
      for (long value : new long[] {0, 1, -1, 0x0102030405060708L}) {
        for (boolean isNull : new boolean[] {false, true}) {
          DirectBatch batch = dirty();
          batch.oneFixed(isNull, value, width);
          byte[] fused = laidOut(batch);
          batch = dirty();
          batch.word(isNull ? 0 : 1, 1);
          batch.word(isNull ? 0 : value, width);
          assertArrayEquals(laidOut(batch), fused, "oneFixed(" + isNull + ", " + value + ", " + width + ")");
        }
      }
    }
    // ASCII and not, short and past the char-by-char length, empty
    String[] texts = {"", "a", "label", "é", "ab日本", "x".repeat(64), "x".repeat(65), "y".repeat(63) + "é",
        "\uD800 lone surrogate"};
    for (String text : texts) {
      byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      DirectBatch batch = dirty();
      batch.oneText(text);
      byte[] fused = laidOut(batch);
      batch = dirty();
      batch.oneOffsets(utf8.length);
      batch.startBuffer();
      batch.put(utf8);
      batch.endBuffer();
      assertArrayEquals(laidOut(batch), fused, "oneText(" + text + ")");
    }
    for (int count = 0; count <= texts.length; count++) {
      Object[] values = new Object[count];
      for (int i = 0; i < count; i++) {
        values[i] = i % 3 == 2 ? null : i % 3 == 1 ? texts[i].getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : texts[i];
      }
      DirectBatch batch = dirty();
      batch.variableWidth(values, count);
      byte[] fused = laidOut(batch);
      batch = dirty();
      batch.startBuffer();
      int offset = 0;
      batch.put(0, 4);
      for (int i = 0; i < count; i++) {
        offset += values[i] == null ? 0 : texts[i].getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        batch.put(offset, 4);
      }
      batch.endBuffer();
      batch.startBuffer();
      for (int i = 0; i < count; i++) {
        if (values[i] != null) {
          batch.put(texts[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      batch.endBuffer();
      assertArrayEquals(laidOut(batch), fused, "variableWidth of " + count);
    }
    for (int width : new int[] {1, 2, 4, 8}) {
      for (int count = 0; count <= 20; count++) {
        DirectBatch batch = dirty();
        int bitmap = batch.fixedBuffers(count, width);
        int at = DirectBatch.valuesAfter(bitmap, count);
        boolean[] valid = new boolean[count];
        for (int i = 0; i < count; i++) {
          valid[i] = i % 3 != 1;
          if (valid[i]) {
            batch.setValid(bitmap, i);
            batch.setValue(at + i * width, -1L - i, width);
          }
        }
        byte[] fused = laidOut(batch);
        batch = dirty();
        if (count == 0) {
          batch.emptyBuffer();
        } else {
          batch.validity(valid, count);
        }
        batch.startBuffer();
        for (int i = 0; i < count; i++) {
          batch.put(valid[i] ? -1L - i : 0, width);
        }
        batch.endBuffer();
        assertArrayEquals(laidOut(batch), fused, "fixedBuffers(" + count + ", " + width + ")");
      }
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
