package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A test's server and client allocators and what it opened over them: closing closes the opened
 * things last first, then requires both allocators empty (the server's given two seconds to finish
 * giving back what its last requests held).
 */
final class ClientServerMemory implements AutoCloseable {
  final BufferAllocator server = new RootAllocator();
  final BufferAllocator client = new RootAllocator();
  /** What the test opened, closed in reverse order before the allocators are checked. */
  final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    assertEquals(0, client.getAllocatedMemory(), "client memory released");
    client.close();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (server.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, server.getAllocatedMemory(), "server memory released");
    server.close();
  }
}
