package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpTest extends TransportContractTest {
  private TcpServer tcpServer;

  @Override
  ByteTransport open() throws IOException {
    tcpServer = TcpServer.start(newServer());
    return Tcp.connect("127.0.0.1", tcpServer.port());
  }

  @Override
  void shutdown() {
    tcpServer.close();
  }

  @Test
  void listensOnLoopbackOnAChosenPort() {
    assertTrue(tcpServer.port() > 0);
    assertTrue(tcpServer.address().getAddress().isLoopbackAddress(), tcpServer.address().toString());
  }

  @Test
  void twoConcurrentClientsAreServedIndependently() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (RpcClient second = RpcClient.builder(Tcp.connect(tcpServer.address()))
        .allocator(clientAllocator).build()) {
      Future<?> blocked = caller.submit(() -> echo.sleep(30_000));
      assertTrue(impl.awaitSleeping(10, TimeUnit.SECONDS), "first client's call never started");
      Echo other = second.proxy(Echo.class);
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        assertEquals("independent", other.echo("independent"));
        assertEquals(9L, other.add(4, 5));
      });
      assertFalse(blocked.isDone(), "the first client's call should still be running");
      impl.wakeUp();
      blocked.get(5, TimeUnit.SECONDS);
      assertEquals("first again", echo.echo("first again"));
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void closingTheServerEndsLiveConnections() {
    assertEquals(2L, echo.add(1, 1));
    tcpServer.close();
    RpcException error = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(RpcException.class, () -> echo.add(1, 1)));
    assertEquals("TransportError", error.errorType());
  }
}
