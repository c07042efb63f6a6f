package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketTest extends TransportContractTest {
  @TempDir Path directory;
  UnixSocketServer socketServer;

  @Override
  ByteTransport open() throws IOException {
    socketServer = UnixSocketServer.start(newServer(), directory.resolve("echo.sock"));
    return UnixSocket.connect(socketServer.path());
  }

  @Override
  void shutdown() {
    socketServer.close();
  }

  @Test
  void closingTheServerEndsLiveConnectionsAndDeletesTheSocketFile() {
    assertEquals(7L, echo.add(3, 4));
    assertTrue(Files.exists(socketServer.path()));
    socketServer.close();
    assertFalse(Files.exists(socketServer.path()));
    RpcException error = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(RpcException.class, () -> echo.add(1, 1)));
    assertEquals("TransportError", error.errorType());
    assertThrows(IOException.class, () -> UnixSocket.connect(socketServer.path()));
  }

  @Test
  void startingOnAnExistingPathFails() {
    IOException error = assertThrows(IOException.class,
        () -> UnixSocketServer.start(server, socketServer.path()));
    assertTrue(error.getMessage().contains(socketServer.path().toString()), error.getMessage());
    assertEquals("still served", echo.echo("still served"));
  }
}
