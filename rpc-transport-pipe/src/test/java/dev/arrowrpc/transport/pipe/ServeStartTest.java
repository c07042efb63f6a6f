package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.ServeStart;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An implementation's one-time startup work runs once, with the transport that serves first. */
class ServeStartTest {
  /** A service with startup work. */
  @RpcService(name = "Started")
  public interface Started {
    /** {@return how many times startup ran} */
    int starts();
  }

  /** Records each start; fails the first {@code failures} of them. */
  public static final class Impl implements Started, ServeStart {
    final List<TransportKind> kinds = new CopyOnWriteArrayList<>();
    final AtomicInteger failures;

    Impl(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public void onServeStart(TransportKind kind) {
      if (failures.getAndDecrement() > 0) {
        throw new IllegalStateException("the cache is not warm yet");
      }
      kinds.add(kind);
    }

    @Override
    public int starts() {
      return kinds.size();
    }
  }

  @TempDir Path dir;

  @Test
  void startupRunsOnceWithTheFirstTransport() throws IOException {
    Impl impl = new Impl(0);
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator();
        RpcServer server = RpcServer.builder(Started.class, impl).allocator(serverMemory).build()) {
      try (UnixSocketServer unix = UnixSocketServer.start(server, dir.resolve("s.sock"))) {
        for (int i = 0; i < 2; i++) {
          try (RpcClient client = RpcClient.builder(UnixSocket.connect(unix.path())).allocator(clientMemory).build()) {
            assertEquals(1, client.proxy(Started.class).starts());
          }
        }
      }
      try (PipePair pair = PipePair.serve(server);
          RpcClient client = RpcClient.builder(pair.client()).allocator(clientMemory).build()) {
        assertEquals(1, client.proxy(Started.class).starts(), "later transports find it started");
      }
      assertEquals(List.of(TransportKind.UNIX), impl.kinds);
    }
  }

  @Test
  void aFailingStartRefusesTheConnectionAndTheNextOneTriesAgain() throws IOException {
    Impl impl = new Impl(1);
    try (BufferAllocator serverMemory = new RootAllocator(); BufferAllocator clientMemory = new RootAllocator();
        RpcServer server = RpcServer.builder(Started.class, impl).allocator(serverMemory).build();
        UnixSocketServer unix = UnixSocketServer.start(server, dir.resolve("f.sock"))) {
      try (RpcClient client = RpcClient.builder(UnixSocket.connect(unix.path())).allocator(clientMemory).build()) {
        assertThrows(RpcException.class, () -> client.proxy(Started.class).starts(), "the connection was not served");
      }
      try (RpcClient client = RpcClient.builder(UnixSocket.connect(unix.path())).allocator(clientMemory).build()) {
        assertEquals(1, client.proxy(Started.class).starts());
      }
      assertEquals(List.of(TransportKind.UNIX), impl.kinds);
    }
  }
}
