package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** How the message reader takes a message's prefix and metadata from its input, and whose reading state it uses. */
class MessageReaderTest {
  /** Serves bytes at most {@code piece} at a time; reading past {@code end} fails the test. */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final int piece;
    private final int end;
    private int at;

    Trickle(byte[] bytes, int piece, int end) {
      this.bytes = bytes;
      this.piece = piece;
      this.end = end;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
      if (at >= end) {
        if (end < bytes.length) {
          throw new AssertionError("read past byte " + end + ": the reader waited for bytes it must not need");
        }
        return -1;
      }
      int n = Math.min(Math.min(piece, length), end - at);
      System.arraycopy(bytes, at, target, offset, n);
      at += n;
      return n;
    }
  }

  private static byte[] stream(BufferAllocator allocator) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.of(new BigIntVector("v", allocator))) {
      BigIntVector v = (BigIntVector) root.getVector(0);
      v.allocateNew(3);
      for (int i = 0; i < 3; i++) {
        v.set(i, 10L + i);
      }
      root.setRowCount(3);
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, root.getSchema())) {
        writer.append(root, Map.of("vgi_rpc.method", "m", "k", "v"));
      }
    }
    return out.toByteArray();
  }

  @Test
  void aStreamArrivingAByteAtATimeReadsAsAWholeOne() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] bytes = stream(allocator);
      for (int piece : new int[] {1, 3, 5, 7, bytes.length}) {
        try (IpcStreamReader reader = IpcStreamReader.openOnThisThread(
            new Trickle(bytes, piece, bytes.length), allocator, null).orElseThrow()) {
          assertTrue(reader.next());
          assertEquals(Map.of("vgi_rpc.method", "m", "k", "v"), reader.metadata());
          assertEquals(12L, ((BigIntVector) reader.root().getVector(0)).get(2));
          assertFalse(reader.next());
          assertTrue(reader.ended(), "piece " + piece);
        }
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void strayTextFailsOnItsFirstFourBytesWithoutWaitingForMore() {
    byte[] text = "hello, world\n".getBytes(StandardCharsets.US_ASCII);
    // only four bytes have arrived: the reader must not wait for the length behind them
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> IpcStreamReader.open(new Trickle(text, 4, 4), null));
    assertEquals("expected an Arrow IPC message (continuation marker ff ff ff ff), got bytes 68 65 6c 6c"
        + " (\"hell\"): the channel carries something other than an Arrow IPC stream (for a subprocess worker,"
        + " is something printing to its stdout?)", e.getMessage());
  }

  @Test
  void aPrefixCutShortIsReportedAsBefore() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] bytes = stream(allocator);
      assertEquals(0, IpcStreamReader.open(new ByteArrayInputStream(new byte[0]), allocator).stream().count(),
          "no bytes: a clean end of input");
      for (int cut = 1; cut < 8; cut++) {
        byte[] prefix = Arrays.copyOf(bytes, cut);
        WireFormatException e = assertThrows(WireFormatException.class,
            () -> IpcStreamReader.open(new Trickle(prefix, 1, prefix.length), allocator));
        int of = cut < 4 ? cut : cut - 4;
        assertEquals("IPC stream truncated: " + of + " of 4 bytes of a message prefix", e.getMessage());
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void eachThreadReadsWithItsOwnStateKeptOnTheConnectionsInput() throws Exception {
    WireInput in = new WireInput(new ByteArrayInputStream(new byte[0]), 64);
    MessageReader.PerThread mine = MessageReader.PerThread.current();
    assertSame(mine, in.readState());
    assertSame(mine, MessageReader.PerThread.of(in));
    InputStream over = new java.io.FilterInputStream(in) {};
    assertSame(mine, MessageReader.PerThread.of(over), "another input: this thread's own");
    AtomicReference<MessageReader.PerThread> theirs = new AtomicReference<>();
    AtomicReference<MessageReader.PerThread> theirsKept = new AtomicReference<>();
    Thread other = new Thread(() -> {
      theirs.set(MessageReader.PerThread.current());
      theirsKept.set(in.readState());
    });
    other.start();
    other.join();
    assertNotSame(mine, theirs.get());
    assertSame(theirs.get(), theirsKept.get(), "the other thread reads with its own state");
    assertSame(mine, in.readState(), "and this thread with its own again");
  }
}
