package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies between the ticks of a producer stream: the client's next step is a
 * TransportError on every byte-channel transport, never a stream that silently ends early.
 */
class WorkerKilledMidStreamTest {
  /** One row of the stream. */
  public record Tick(long n) {}

  /** A producer that would run for a long time. */
  @RpcService
  public interface Ticker {
    Producer<Tick> ticks(long count);
  }

  /** Emits {@code count} ticks, one per client tick. */
  public static final class TickerImpl implements Ticker {
    /** For {@link ServiceWorkerMain}. */
    public TickerImpl() {}

    @Override
    public Producer<Tick> ticks(long count) {
      long[] next = {0};
      return Producer.of((out, context) -> {
        if (next[0] == count) {
          out.finish();
        } else {
          out.emitRow(new Tick(next[0]++));
        }
      });
    }
  }

  @TempDir Path directory;

  /** Opens a long stream, reads one row, kills the server side, then expects a TransportError. */
  private static void assertKillIsAnError(RpcClient client, Runnable kill) {
    try (Producer<Tick> ticks = client.proxy(Ticker.class).ticks(1_000_000)) {
      Iterator<Tick> rows = ticks.iterator();
      assertEquals(new Tick(0), rows.next());
      kill.run();
      RpcException error = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(RpcException.class, () -> {
        // at most a few rows may already be in flight; the stream must never just end
        for (int i = 0; i < 10_000; i++) {
          if (!rows.hasNext()) {
            throw new AssertionError("the stream ended silently after the server side died");
          }
          rows.next();
        }
        throw new AssertionError("the stream went on after the server side died");
      }));
      assertEquals("TransportError", error.errorType(), error.getMessage());
    }
  }

  @Test
  void subprocessPipe() throws Exception {
    List<String> stderr = new CopyOnWriteArrayList<>();
    Subprocess worker = Subprocess.builder(Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
            Ticker.class.getName(), TickerImpl.class.getName()))
        .stderr(stderr::add)
        .shutdownTimeout(Duration.ofSeconds(5))
        .launch();
    try (BufferAllocator memory = new RootAllocator();
        RpcClient client = RpcClient.builder(worker).allocator(memory).build()) {
      assertKillIsAnError(client, () -> {
        worker.processHandle().destroyForcibly();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> worker.processHandle().onExit().get());
      });
    } finally {
      worker.close();
    }
    assertTrue(worker.exitStatus().isPresent());
  }

  /** An in-process server whose live connections are cut by {@code close}. */
  private interface Listening extends AutoCloseable {
    ByteTransport connect() throws Exception;

    @Override
    void close();
  }

  private static void overSocket(java.util.function.Function<RpcServer, Listening> start) throws Exception {
    try (BufferAllocator serverMemory = new RootAllocator();
        RpcServer server = RpcServer.builder(Ticker.class, new TickerImpl()).allocator(serverMemory).build()) {
      Listening listening = start.apply(server);
      try (BufferAllocator memory = new RootAllocator();
          RpcClient client = RpcClient.builder(listening.connect()).allocator(memory).build()) {
        assertKillIsAnError(client, listening::close);
      } finally {
        listening.close();
      }
      assertEquals(0, serverMemory.getAllocatedMemory());
    }
  }

  @Test
  void tcp() throws Exception {
    overSocket(server -> {
      try {
        TcpServer tcp = TcpServer.start(server);
        return new Listening() {
          @Override
          public ByteTransport connect() throws Exception {
            return Tcp.connect("127.0.0.1", tcp.port());
          }

          @Override
          public void close() {
            tcp.close();
          }
        };
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /**
   * The peer's end of input arrives as a clean close (a FIN) at a message boundary, before any
   * reset: what a client sees when a worker dies after reading its tick. Made deterministic by
   * cutting the client's view of the input while its writes still go through.
   */
  @Test
  void aCleanEndOfInputWithoutTheEndOfStreamMarkerIsAnError() throws Exception {
    try (BufferAllocator serverMemory = new RootAllocator();
        RpcServer server = RpcServer.builder(Ticker.class, new TickerImpl()).allocator(serverMemory).build();
        TcpServer tcp = TcpServer.start(server)) {
      ByteTransport real = Tcp.connect("127.0.0.1", tcp.port());
      java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
      java.io.InputStream realInput = real.input();
      java.io.InputStream cuttable = new java.io.FilterInputStream(realInput) {
        @Override
        public int read() throws java.io.IOException {
          return cut.get() ? -1 : super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
          return cut.get() ? -1 : super.read(b, off, len);
        }
      };
      ByteTransport cutting = new ByteTransport() {
        @Override
        public java.io.InputStream input() {
          return cuttable;
        }

        @Override
        public java.io.OutputStream output() {
          return real.output();
        }

        @Override
        public void close() throws java.io.IOException {
          real.close();
        }
      };
      try (BufferAllocator memory = new RootAllocator();
          RpcClient client = RpcClient.builder(cutting).allocator(memory).build()) {
        assertKillIsAnError(client, () -> cut.set(true));
      }
    }
  }

  @Test
  void unixSocket() throws Exception {
    overSocket(server -> {
      try {
        UnixSocketServer unix = UnixSocketServer.start(server, directory.resolve("ticks.sock"));
        return new Listening() {
          @Override
          public ByteTransport connect() throws Exception {
            return UnixSocket.connect(unix.path());
          }

          @Override
          public void close() {
            unix.close();
          }
        };
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
