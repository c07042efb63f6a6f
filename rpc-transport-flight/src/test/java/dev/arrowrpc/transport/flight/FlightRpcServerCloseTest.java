package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.runtime.RpcServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Closing a {@link FlightRpcServer}: calls in flight drain, then open streams stop; memory returns. */
class FlightRpcServerCloseTest {
  @Test
  void closeStopsAnOpenStreamAfterTheDrainTimeout() throws Exception {
    RpcServer rpc = RpcServer.create(FlightTestService.class, new FlightTestService.Impl());
    FlightRpcServer server = FlightRpcServer.builder(rpc).drainTimeout(Duration.ofMillis(200)).start();
    try (BufferAllocator clientMemory = new RootAllocator()) {
      try (FlightClient client = FlightClient.builder(clientMemory, server.location()).build();
          FlightStream stream = client.getStream(new Ticket("{\"method\": \"endless\"}".getBytes(StandardCharsets.UTF_8)))) {
        assertTrue(stream.next());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        assertThrows(FlightRuntimeException.class, () -> {
          while (stream.next()) {
            // the server keeps producing until the drain timeout, then stops the stream
          }
        });
        closing.get(30, TimeUnit.SECONDS);
      }
      assertEquals(0, clientMemory.getAllocatedMemory());
    }
    server.awaitTermination();
    assertEquals(0, rpc.allocator().getAllocatedMemory());
    rpc.close();
  }

  @Test
  void closeIsIdempotentAndStartFailsCleanlyOnATakenPort() throws Exception {
    try (RpcServer rpc = RpcServer.create(FlightTestService.class, new FlightTestService.Impl())) {
      FlightRpcServer first = FlightRpcServer.builder(rpc).start();
      try {
        assertThrows(java.io.UncheckedIOException.class, () -> FlightRpcServer.builder(rpc).port(first.port()).start());
      } finally {
        first.close();
        first.close();
      }
      assertEquals(0, rpc.allocator().getAllocatedMemory());
    }
  }
}
