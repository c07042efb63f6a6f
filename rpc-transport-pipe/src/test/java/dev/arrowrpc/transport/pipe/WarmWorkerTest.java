package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker side of the launcher contract, in process. */
class WarmWorkerTest {
  @TempDir Path dir;
  private RpcServer server;
  private Path socket;

  @BeforeEach
  void setUp() {
    server = RpcServer.create(Echo.class, new EchoImpl());
    socket = dir.resolve("w.sock");
  }

  @AfterEach
  void tearDown() {
    server.close(); // its allocator refuses to close with Arrow memory still held
  }

  /** A stream the {@code UNIX:} line lands in, readable while the worker runs. */
  private static final class Line extends ByteArrayOutputStream {
    synchronized String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void announcesItsSocketServesThenIdlesOutAndDeletesIt() throws Exception {
    Line line = new Line();
    CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> {
      try {
        WarmWorker.serve(server, socket, Duration.ofMillis(300), 4, line);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (line.text().isEmpty()) {
        Thread.sleep(5);
      }
    });
    assertEquals("UNIX:" + socket.toAbsolutePath() + "\n", line.text());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(socket)));
    try (RpcClient client = RpcClient.connect(UnixSocket.connect(socket))) {
      assertEquals(5L, client.proxy(Echo.class).add(2, 3));
    }
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> worker.get());
    assertFalse(Files.exists(socket), "the idle worker deleted its socket");
  }

  @Test
  void aStaleSocketIsReplacedALiveOneAndOtherFilesAreNot() throws IOException {
    ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    stale.bind(UnixDomainSocketAddress.of(socket));
    assertEquals("another process is already listening on " + socket,
        assertThrows(IOException.class, () -> WarmWorker.replaceStale(socket)).getMessage());
    stale.close(); // leaves the file, with nothing listening
    assertTrue(WarmWorker.isSocket(socket));
    WarmWorker.replaceStale(socket);
    assertFalse(Files.exists(socket));

    Files.writeString(socket, "data");
    assertEquals("refusing to replace pre-existing non-socket path: " + socket,
        assertThrows(IOException.class, () -> WarmWorker.replaceStale(socket)).getMessage());
    assertEquals("data", Files.readString(socket));
    assertFalse(WarmWorker.isSocket(socket));
  }

  @Test
  void aClosingServerLeavesASocketThatReplacedItsOwn() throws IOException {
    UnixSocketServer first = UnixSocketServer.start(server, socket);
    first.unlink();
    UnixSocketServer second = UnixSocketServer.start(server, socket);
    first.close();
    assertTrue(WarmWorker.isSocket(socket), "the newer server's socket is still there");
    try (RpcClient client = RpcClient.connect(UnixSocket.connect(socket))) {
      assertEquals("served", client.proxy(Echo.class).echo("served"));
    }
    second.close();
    assertFalse(Files.exists(socket));
  }
}
