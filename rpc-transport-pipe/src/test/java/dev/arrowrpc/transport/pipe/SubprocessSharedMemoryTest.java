package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's shared-memory negotiation at launch: a worker that confirms keeps the segment for the
 * connection (removed on close), one that declines or dies leaves nothing behind.
 */
@Timeout(120)
class SubprocessSharedMemoryTest {
  @AfterEach
  void noSegmentLeftBehind() throws IOException {
    assertEquals(0, ShmTesting.ourSegments(), "segments left in /dev/shm");
  }

  @Test
  void aWorkerThatConfirmsKeepsTheSegmentForTheConnection() throws Exception {
    Path file;
    try (BufferAllocator memory = new RootAllocator()) {
      Subprocess worker = Subprocess.builder(Subprocess.javaCommand(WorkerMain.class.getName()))
          .sharedMemory(1 << 20).launch();
      try (RpcClient client = RpcClient.builder(worker).allocator(memory).build()) {
        SharedSegment segment = worker.sharedSegment().orElseThrow(() -> new AssertionError("not confirmed"));
        file = Path.of("/dev/shm", segment.name());
        assertTrue(Files.exists(file));
        assertEquals("after the handshake", client.proxy(Echo.class).echo("after the handshake"));
      } finally {
        worker.close();
      }
      assertFalse(worker.sharedSegment().isPresent());
      assertFalse(Files.exists(file), "removed when the worker is closed");
    }
  }

  @Test
  void anEchoedBatchComesBackInItsOwnRegionAndEveryRegionIsFreedAtTheEnd() throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      Subprocess worker = Subprocess.builder(Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
          ShmEcho.class.getName(), ShmEchoImpl.class.getName())).sharedMemory(4 << 20).launch();
      try (RpcClient client = RpcClient.builder(worker).allocator(memory).build();
          VectorSchemaRoot input = VectorSchemaRoot.create(ShmEcho.LONGS, memory)) {
        ShmSegment segment = (ShmSegment) worker.sharedSegment().orElseThrow(() -> new AssertionError("declined"));
        ShmEcho echo = client.proxy(ShmEcho.class);
        try (BatchStream echoes = echo.echo_batches()) {
          for (int turn = 1; turn <= 3; turn++) {
            fill(input, turn);
            VectorSchemaRoot output = echoes.exchange(input);
            assertEquals(segment.name(), echoes.lastMetadata().get(MetadataKeys.SHM_SOURCE));
            assertEquals(1, segment.allocations(), "turn " + turn + ": the answer is the request's own region"
                + " (the previous answer freed once released)");
            BigIntVector n = (BigIntVector) output.getVector("n");
            assertEquals(ROWS, output.getRowCount());
            for (int i = 0; i < ROWS; i += 1_001) {
              assertEquals((long) turn * i, n.get(i), "turn " + turn + ", row " + i);
            }
          }
        }
        assertEquals(0, segment.allocations(), "the last answer freed when the stream ended");
        try (BatchStream negations = echo.negate_batches()) {
          for (int turn = 1; turn <= 3; turn++) {
            fill(input, turn);
            VectorSchemaRoot output = negations.exchange(input);
            assertEquals(2, segment.allocations(), "turn " + turn + ": a new batch is copied into a region of"
                + " its own; the request's is freed by the worker at its next turn");
            assertEquals(-(long) turn * (ROWS - 1), ((BigIntVector) output.getVector("n")).get(ROWS - 1));
          }
        }
        assertEquals(0, segment.allocations(), "the worker freed the last request before ending its answer");
      } finally {
        worker.close();
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  private static final int ROWS = 20_000; // 160 KB: above the 128 KiB threshold

  private static void fill(VectorSchemaRoot root, int factor) {
    BigIntVector n = (BigIntVector) root.getVector("n");
    n.allocateNew(ROWS);
    for (int i = 0; i < ROWS; i++) {
      n.set(i, (long) factor * i);
    }
    root.setRowCount(ROWS);
  }

  @Test
  void aWorkerThatDeclinesGetsEverythingInline() throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      Subprocess worker = Subprocess.builder(Subprocess.javaCommand(PlainWorkerMain.class.getName()))
          .sharedMemory(1 << 20).launch();
      try (RpcClient client = RpcClient.builder(worker).allocator(memory).build()) {
        assertFalse(worker.sharedSegment().isPresent(), "the worker said vgi_rpc.transport.shm = false");
        assertEquals(0, ShmTesting.ourSegments(), "the declined segment is removed at once");
        assertEquals("inline", client.proxy(Echo.class).echo("inline"));
      } finally {
        worker.close();
      }
    }
  }

  @Test
  void aWorkerThatDiesDuringTheHandshakeFailsTheLaunch() {
    IOException failed = assertThrows(IOException.class,
        () -> Subprocess.builder(List.of("sh", "-c", "exit 3")).sharedMemory(1 << 20).launch());
    assertTrue(failed.getMessage().startsWith("shared-memory negotiation with the worker failed"),
        failed.getMessage());
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> Subprocess.builder(List.of("true")).sharedMemory(65536));
    assertEquals("shared-memory size must be more than 65536 and at most 2147483647 bytes, got 65536",
        small.getMessage());
  }
}
