package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool starts its workers where and how it is told: directory, environment, shared memory. */
class WorkerPoolLaunchTest {
  private static final List<String> COMMAND = Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
      Surroundings.class.getName(), Surroundings.Impl.class.getName());

  @TempDir Path dir;

  @Test
  void workersStartInTheDirectoryWithTheEnvironmentGiven() throws Exception {
    try (BufferAllocator memory = new RootAllocator();
        WorkerPool pool = WorkerPool.builder().command(COMMAND).allocator(memory).directory(dir)
            .environment("ARROWRPC_POOL_TEST", "one").environment(Map.of("ARROWRPC_POOL_OTHER", "two")).build()) {
      Surroundings worker = pool.proxy(Surroundings.class);
      assertEquals("one", worker.variable("ARROWRPC_POOL_TEST"));
      assertEquals("two", worker.variable("ARROWRPC_POOL_OTHER"));
      assertEquals(dir.toRealPath().toString(), Path.of(worker.directory()).toRealPath().toString());
    }
  }

  @Test
  void eachWorkerGetsASharedMemorySegmentForItsLife() throws Exception {
    Path maps;
    try (BufferAllocator memory = new RootAllocator();
        WorkerPool pool = WorkerPool.builder().command(COMMAND).allocator(memory).sharedMemory(8 << 20).build();
        WorkerLease lease = pool.borrow()) {
      Surroundings worker = lease.proxy(Surroundings.class);
      assertEquals(2 << 20, worker.size(new byte[2 << 20]));
      maps = Path.of("/proc/" + lease.processHandle().pid() + "/maps");
      if (Files.isReadable(maps)) {
        assertTrue(Files.readString(maps).contains("/dev/shm/"), "the worker maps its segment");
      }
    }
    assertFalse(Files.exists(maps) && Files.readString(maps).contains("/dev/shm/"), "gone with the worker");
  }

  @Test
  void aSegmentSizeOutOfRangeIsRefusedAtOnce() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> WorkerPool.builder().sharedMemory(16));
    assertTrue(error.getMessage().startsWith("shared-memory size must be more than"), error.getMessage());
  }
}
