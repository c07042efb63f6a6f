package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.shm.SharedSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
