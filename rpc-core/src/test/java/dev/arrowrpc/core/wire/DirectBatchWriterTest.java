package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.Roots;
import dev.arrowrpc.core.generated.Families;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.junit.jupiter.api.Test;

/**
 * The record-batch writer that writes straight onto the stream gives the bytes Arrow's serializer
 * gives, for flat and nested columns, nulls, empty and large batches, with and without metadata, and
 * through a stream that takes large buffers directly.
 */
class DirectBatchWriterTest {
  private static final Map<String, String> METADATA = Map.of("vgi_rpc.method", "m", "k", "é");

  @Test
  void flatBatchesOfEverySizeMatchTheSerializer() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int rows : new int[] {0, 1, 3, 97, 20_000}) {
        try (VectorSchemaRoot root = Roots.sample(allocator, rows)) {
          same(root, Map.of());
          same(root, METADATA);
        }
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void nestedAndDictionaryColumnsMatchTheSerializer() throws IOException {
    ServiceSpec spec = ServiceSpec.of(Families.class);
    Map<String, Object[]> rows = Map.of(
        "composite", new Object[] {Families.Color.GREEN, new Families.Point(3, null), List.of(1L, 2L),
            Map.of("a", "b"), Optional.of("n")},
        "strings", new Object[] {"p", null, "dict", "large"},
        "temporal", new Object[] {Instant.EPOCH, LocalDate.of(2026, 1, 1), Duration.ofSeconds(3),
            new BigDecimal("1.5000")},
        "primitives", new Object[] {1L, 2, (short) 3, (byte) 4, 5.0, 6f, true});
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Map.Entry<String, Object[]> row : rows.entrySet()) {
        MethodSpec method = spec.methods().get(row.getKey());
        try (Batch batch = method.params().encode(1, (r, c) -> row.getValue()[c], allocator)) {
          same(batch.root(), METADATA);
        }
      }
    }
  }

  private static void same(VectorSchemaRoot root, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream reference = new ByteArrayOutputStream();
    IpcStreamWriter.writeRecordBatch(new WriteChannel(Channels.newChannel(reference)), root, metadata);
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    IpcStreamWriter.writeRecordBatch(direct, root, metadata);
    assertArrayEquals(reference.toByteArray(), direct.toByteArray(), root.getRowCount() + " rows");
    assertEquals(0, direct.size() % 8);
    ByteArrayOutputStream channelled = new ByteArrayOutputStream();
    IpcStreamWriter.writeRecordBatch(new ChannelStream(channelled), root, metadata);
    assertArrayEquals(reference.toByteArray(), channelled.toByteArray(), "through a channel");
  }

  /** A stream that also takes direct buffers, as a socket connection's does. */
  private static final class ChannelStream extends OutputStream implements WritableByteChannel {
    private final ByteArrayOutputStream sink;

    ChannelStream(ByteArrayOutputStream sink) {
      this.sink = sink;
    }

    @Override
    public void write(int b) {
      sink.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      sink.write(b, off, len);
    }

    @Override
    public int write(ByteBuffer source) {
      int n = source.remaining();
      byte[] copy = new byte[n];
      source.get(copy);
      sink.write(copy, 0, n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
