package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.WireLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * A batch whose header this thread checked before is checked again by its offsets alone: the same
 * header over a body whose offsets went wrong is still refused, with the full walk's message, and a
 * good one is still accepted, however often it comes.
 */
class CheckedHeadersTest {
  private static final Schema SCHEMA = new Schema(List.of(
      new Field("text", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
      new Field("items", FieldType.notNullable(ArrowType.List.INSTANCE),
          List.of(new Field("item", FieldType.nullable(new ArrowType.Int(64, true)), null)))));

  /** A stream of one row: text "abcd", items [10, 20, 30], written as the small-batch lane writes it. */
  private static byte[] stream() throws IOException {
    DirectBatch batch = DirectBatch.take(1);
    batch.node(1, 0);
    batch.allValid(1);
    batch.startBuffer();
    batch.put(0, 4);
    batch.put(4, 4);
    batch.endBuffer();
    batch.startBuffer();
    batch.put("abcd".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    batch.endBuffer();
    batch.node(1, 0);
    batch.allValid(1);
    batch.startBuffer();
    batch.put(0, 4);
    batch.put(3, 4);
    batch.endBuffer();
    batch.node(3, 0);
    batch.allValid(3);
    batch.startBuffer();
    for (long v = 10; v <= 30; v += 10) {
      batch.put(v, 8);
    }
    batch.endBuffer();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, SCHEMA)) {
      writer.append(batch, Map.of());
    }
    return out.toByteArray();
  }

  private static void read(byte[] stream, BufferAllocator allocator) throws IOException {
    try (IpcStreamReader reader = IpcStreamReader.openOnThisThread(new ByteArrayInputStream(stream), allocator,
        WireLimits.DEFAULT).orElseThrow()) {
      assertTrue(reader.next());
      assertEquals(1, reader.rowCount());
    }
  }

  /** The offset of the little-endian int {@code value} that follows a zero int, from the end. */
  private static int offsetAt(byte[] stream, int first, int second) {
    for (int i = stream.length - 16; i >= 0; i--) {
      if (stream[i] == first && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 0
          && stream[i + 4] == second && stream[i + 5] == 0 && stream[i + 6] == 0 && stream[i + 7] == 0) {
        return i + 4;
      }
    }
    throw new AssertionError("offsets not found");
  }

  @Test
  void theSameHeaderOverBadOffsetsIsStillRefused() throws IOException {
    byte[] good = stream();
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int i = 0; i < 3; i++) {
        read(good, allocator); // checked fully once, then by its offsets
      }
      byte[] pastData = good.clone();
      pastData[offsetAt(pastData, 0, 4)] = 9; // the text's end offset past its 4 data bytes
      WireFormatException past = assertThrows(WireFormatException.class, () -> read(pastData, allocator));
      assertTrue(past.getMessage().contains("past the end of its data buffer"), past.getMessage());

      byte[] pastChild = good.clone();
      pastChild[offsetAt(pastChild, 0, 3)] = 5; // the list's end offset past its child's 3 values
      WireFormatException child = assertThrows(WireFormatException.class, () -> read(pastChild, allocator));
      assertTrue(child.getMessage().contains("fewer than"), child.getMessage());

      read(good, allocator);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
