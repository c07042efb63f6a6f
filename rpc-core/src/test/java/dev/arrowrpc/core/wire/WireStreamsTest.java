package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** The buffered connection streams: byte order, and the direct path for large direct buffers. */
class WireStreamsTest {

  /** A sink that records how many bytes arrived through each path. */
  static final class RecordingSink extends OutputStream implements WritableByteChannel {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long viaStream;
    long viaChannel;

    @Override
    public void write(int b) {
      bytes.write(b);
      viaStream++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      viaStream += len;
    }

    @Override
    public int write(ByteBuffer source) {
      int n = source.remaining();
      byte[] copy = new byte[n];
      source.get(copy);
      bytes.write(copy, 0, n);
      viaChannel += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /** A source that serves a byte array through either path, counting each. */
  static final class RecordingSource extends InputStream implements ReadableByteChannel {
    final ByteArrayInputStream bytes;
    long viaStream;
    long viaChannel;

    RecordingSource(byte[] data) {
      this.bytes = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
      int b = bytes.read();
      if (b >= 0) {
        viaStream++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = bytes.read(b, off, len);
      viaStream += Math.max(n, 0);
      return n;
    }

    @Override
    public int read(ByteBuffer target) {
      byte[] piece = new byte[Math.min(target.remaining(), 7000)];
      int n = bytes.read(piece, 0, piece.length);
      if (n > 0) {
        target.put(piece, 0, n);
        viaChannel += n;
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void largeDirectWritesBypassTheBufferAfterTheBytesGatheredBeforeThem() throws IOException {
    RecordingSink sink = new RecordingSink();
    WireOutput out = new WireOutput(sink, 1024);
    byte[] head = random(100);
    byte[] body = random(100_000);
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length);
    direct.put(body).flip();
    out.write(head);
    out.write(direct);
    out.write(7);
    out.flush();

    byte[] expected = new byte[head.length + body.length + 1];
    System.arraycopy(head, 0, expected, 0, head.length);
    System.arraycopy(body, 0, expected, head.length, body.length);
    expected[expected.length - 1] = 7;
    assertArrayEquals(expected, sink.bytes.toByteArray());
    assertEquals(body.length, sink.viaChannel);
    assertEquals(head.length + 1, sink.viaStream);
    assertTrue(out.writesDirect());
  }

  @Test
  void smallDirectWritesAndPlainSinksGoThroughTheBuffer() throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    WireOutput out = new WireOutput(plain, 1024);
    byte[] body = random(50_000);
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length);
    direct.put(body).flip();
    out.write(direct);
    out.flush();
    assertArrayEquals(body, plain.toByteArray());
    assertFalse(out.writesDirect());

    RecordingSink sink = new RecordingSink();
    WireOutput small = new WireOutput(sink, 1024);
    ByteBuffer few = ByteBuffer.allocateDirect(100);
    few.put(random(100)).flip();
    small.write(few);
    small.flush();
    assertEquals(0, sink.viaChannel);
    assertEquals(100, sink.viaStream);
  }

  @Test
  void largeDirectReadsServeBufferedBytesFirstThenReadTheChannel() throws IOException {
    byte[] data = random(200_000);
    RecordingSource source = new RecordingSource(data);
    WireInput in = new WireInput(source, 4096);
    byte[] head = new byte[10];
    assertEquals(10, in.read(head, 0, 10));
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length - 10);
    while (direct.hasRemaining()) {
      assertTrue(in.read(direct) > 0);
    }
    assertEquals(-1, in.read());
    direct.flip();
    byte[] rest = new byte[direct.remaining()];
    direct.get(rest);
    byte[] all = new byte[data.length];
    System.arraycopy(head, 0, all, 0, 10);
    System.arraycopy(rest, 0, all, 10, rest.length);
    assertArrayEquals(data, all);
    // the first fill, and the tail once less than the direct threshold is left, use the stream
    assertTrue(source.viaStream <= 4096 + WireInput.DIRECT_THRESHOLD + 4096, "stream bytes " + source.viaStream);
    assertEquals(data.length, source.viaStream + source.viaChannel);
    assertTrue(source.viaChannel >= data.length - 4096 - WireInput.DIRECT_THRESHOLD - 4096);
  }

  @Test
  void anIpcStreamRoundTripsThroughBothPathsAndLeavesNothingAllocated() throws IOException {
    RecordingSink sink = new RecordingSink();
    try (BufferAllocator allocator = new RootAllocator()) {
      try (VectorSchemaRoot root = VectorSchemaRoot.of(new BigIntVector("v", allocator))) {
        BigIntVector v = (BigIntVector) root.getVector(0);
        int rows = 50_000;
        v.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          v.set(i, i * 3L);
        }
        root.setRowCount(rows);
        WireOutput out = new WireOutput(sink, 1 << 16);
        try (IpcStreamWriter writer = IpcStreamWriter.start(out, root.getSchema())) {
          writer.write(root, Map.of("k", "v"));
        }
        out.flush();
      }
      assertTrue(sink.viaChannel >= 8 * 50_000, "the batch body went through the channel");
      RecordingSource source = new RecordingSource(sink.bytes.toByteArray());
      WireInput in = new WireInput(source, 1 << 16);
      try (IpcStreamReader reader = IpcStreamReader.open(in, allocator).orElseThrow()) {
        assertTrue(reader.next());
        BigIntVector v = (BigIntVector) reader.root().getVector(0);
        assertEquals(50_000, reader.root().getRowCount());
        assertEquals(3L * 49_999, v.get(49_999));
        assertEquals("v", reader.metadata().get("k"));
        assertFalse(reader.next());
      }
      assertTrue(source.viaChannel > 0, "the batch body was read through the channel");
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
