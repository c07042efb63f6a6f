package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Idle and stalled connections are closed, and a full server closes new connections at once. */
@Timeout(30)
class ConnectionHygieneTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  @TempDir Path directory;
  private BufferAllocator serverMemory;
  private BufferAllocator clientMemory;
  private RpcServer server;

  @BeforeEach
  void setUp() {
    serverMemory = new RootAllocator();
    clientMemory = new RootAllocator();
    server = RpcServer.builder(Echo.class, new EchoImpl()).allocator(serverMemory).build();
  }

  @AfterEach
  void tearDown() {
    server.close();
    assertEquals(0, clientMemory.getAllocatedMemory());
    clientMemory.close();
    serverMemory.close();
  }

  private String echo(ByteTransport transport, String text) {
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build()) {
      return client.proxy(Echo.class).echo(text);
    }
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

  @Test
  void tcpClosesASilentConnectionAndStillServesNewClients() throws Exception {
    try (TcpServer tcp = TcpServer.builder(server).idleTimeout(SHORT).readTimeout(SHORT).start();
        SocketChannel silent = SocketChannel.open(tcp.address())) {
      long start = System.nanoTime();
      assertClosedSoon(silent);
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "closed before the timeout");
      assertEquals("fresh", echo(Tcp.connect(tcp.address()), "fresh"));
    }
  }

  @Test
  void tcpClosesAConnectionStalledMidRequestButNotOneWaitingOnALongCall() throws Exception {
    try (TcpServer tcp = TcpServer.builder(server).idleTimeout(Duration.ofMinutes(1)).readTimeout(SHORT).start();
        SocketChannel stalled = SocketChannel.open(tcp.address());
        RpcClient client = RpcClient.builder(Tcp.connect(tcp.address())).allocator(clientMemory).build()) {
      stalled.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
      assertClosedSoon(stalled);
      Echo echo = client.proxy(Echo.class);
      echo.sleep(800); // the server computes longer than the read timeout
      Thread.sleep(500); // and the client pauses between calls, within the idle timeout
      assertEquals("same connection", echo.echo("same connection"));
    }
  }

  @Test
  void unixClosesASilentConnectionAndStillServesNewClients() throws Exception {
    Path path = directory.resolve("s.sock");
    try (UnixSocketServer uds = UnixSocketServer.builder(server, path).idleTimeout(SHORT).start();
        SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(UnixDomainSocketAddress.of(path));
      assertClosedSoon(silent);
      assertEquals("fresh", echo(UnixSocket.connect(path), "fresh"));
    }
  }

  @Test
  void aFullServerAnswersANewConnectionWithARetryableErrorInsteadOfLeavingItWaiting() throws Exception {
    try (TcpServer tcp = TcpServer.builder(server).maxConnections(2).idleTimeout(Duration.ZERO).start()) {
      InetSocketAddress address = tcp.address();
      try (RpcClient first = RpcClient.builder(Tcp.connect(address)).allocator(clientMemory).build();
          SocketChannel second = SocketChannel.open(address)) {
        assertEquals("one", first.proxy(Echo.class).echo("one"));
        Thread.sleep(100);
        try (SocketChannel third = SocketChannel.open(address)) {
          assertClosedSoon(third);
        }
        RpcException shed = assertTimeoutPreemptively(Duration.ofSeconds(5),
            () -> assertThrows(RpcException.class, () -> echo(Tcp.connect(address), "shed")));
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, shed.errorCode(), shed.getMessage());
        assertTrue(shed.isRetryable(), "a shed call may be retried");
        assertTrue(shed.errorMessage().contains("maximum of 2 connections"), shed.errorMessage());
        assertEquals("still served", first.proxy(Echo.class).echo("still served"));
      }
      // once the connections go, there is room again
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (true) {
        try {
          assertEquals("room", echo(Tcp.connect(address), "room"));
          break;
        } catch (RuntimeException refused) {
          if (System.nanoTime() > deadline) {
            throw refused;
          }
          Thread.sleep(20);
        }
      }
    }
  }

  @Test
  void limitsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> TcpServer.builder(server).maxConnections(0));
    assertThrows(IllegalArgumentException.class, () -> TcpServer.builder(server).idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> UnixSocketServer.builder(server, directory.resolve("x")).readTimeout(Duration.ofSeconds(-1)));
  }
}
