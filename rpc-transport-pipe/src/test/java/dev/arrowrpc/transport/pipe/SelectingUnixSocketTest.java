package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Unix socket transport's contract with both ends on {@link SelectingChannel}s, whatever Java
 * runs the tests (Java 17 chooses them by itself on a machine with more CPUs than one; later ones do
 * not), and the server's read timeouts over them.
 */
@Timeout(60)
class SelectingUnixSocketTest extends UnixSocketTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  private ByteTransport transport;

  @Override
  ByteTransport open() throws IOException {
    ChannelStreams.forceSelecting = true;
    transport = super.open();
    return transport;
  }

  @AfterEach
  void chooseByItselfAgain() {
    ChannelStreams.forceSelecting = false;
  }

  @Test
  void theClientReadsAndWritesThroughASelectingChannel() {
    assertTrue(ChannelStreams.polls(transport.input()));
    assertEquals("selected", echo.echo("selected"));
  }

  @Test
  void aLongCallOutlastsNoTimeoutAndTheClientStaysConnected() {
    echo.sleep(400); // the client waits in its selector, past any polling
    assertEquals(7L, echo.add(3, 4));
  }

  @Test
  void theServerClosesASilentConnectionAndAStalledOneAndStillServes() throws Exception {
    Path path = directory.resolve("timed.sock");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
    try (UnixSocketServer timed = UnixSocketServer.builder(server, path).idleTimeout(SHORT).readTimeout(SHORT).start();
        SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX);
        SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(address);
      stalled.connect(address);
      stalled.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
      long start = System.nanoTime();
      assertClosedSoon(silent);
      assertClosedSoon(stalled);
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "closed before the timeout");
      try (BufferAllocator memory = new RootAllocator();
          RpcClient fresh = RpcClient.builder(UnixSocket.connect(path)).allocator(memory).build()) {
        assertEquals("fresh", fresh.proxy(Echo.class).echo("fresh"));
      }
    }
  }

  @Test
  void closingTheServerEndsTheThreadOfAConnectionWaitingForItsNextRequest() {
    assertEquals(7L, echo.add(3, 4));
    assertEquals(-1, socketServer.acceptor().idleNanos(System.nanoTime()), "a connection is open");
    socketServer.close(); // the connection's thread waits for the next request in its selector
    assertTrue(socketServer.acceptor().idleNanos(System.nanoTime()) >= 0, "the connection's thread still runs");
    RpcException error = assertThrows(RpcException.class, () -> echo.add(1, 1));
    assertEquals("TransportError", error.errorType());
  }

  /** Waits for the server to close a raw connection; fails when it is still open after 5 s. */
  private static void assertClosedSoon(SocketChannel channel) {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      ByteBuffer sink = ByteBuffer.allocate(64);
      try {
        while (channel.read(sink.clear()) >= 0) {
          // anything before the close is fine
        }
      } catch (IOException reset) {
        // a reset is a close too
      }
    }, "the server left the connection open");
  }
}
