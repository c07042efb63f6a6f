package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The client's builder and its failures before any answer. */
class FlightRpcTest {
  @Test
  void connectTakesAUriAndCallsOverIt() throws Exception {
    try (FlightHarness harness = new FlightHarness(FlightCalc.class, new FlightCalc.Impl())) {
      try (RpcClient client = FlightRpc.connect("grpc://127.0.0.1:" + harness.port())) {
        assertEquals(3.0, client.proxy(FlightCalc.class).add(1, 2));
      }
      assertEquals(0, harness.awaitServerBytes());
    }
  }

  @Test
  void anUnreachableServerIsATransportError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (RootAllocator memory = new RootAllocator()) {
      try (RpcClient client = FlightRpc.builder(org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", port))
          .allocator(memory).callTimeout(Duration.ofSeconds(5)).bearerToken("t").header("x-test", "1").build()) {
        RpcException e = assertThrows(RpcException.class, () -> client.proxy(FlightCalc.class).add(1, 2));
        assertEquals("TransportError", e.errorType());
        assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  @Test
  void aCallWhoseExchangeFailedSparesTheNextCall() throws Exception {
    try (FlightHarness harness = new FlightHarness(FlightCalc.class, new FlightCalc.Impl());
        RootAllocator memory = new RootAllocator()) {
      try (RpcClient client = FlightRpc.builder(org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", harness.port()))
          .allocator(memory).callTimeout(Duration.ofMillis(700)).build()) {
        FlightCalc calc = client.proxy(FlightCalc.class);
        RpcException e = assertThrows(RpcException.class, () -> {
          try (dev.arrowrpc.core.Producer<FlightCalc.Tick> ticks = calc.ticks(1_000)) {
            java.util.Iterator<FlightCalc.Tick> it = ticks.iterator();
            assertEquals(0, it.next().index());
            Thread.sleep(1_500); // past the call's deadline: gRPC ends the DoExchange
            while (it.hasNext()) {
              it.next();
            }
          }
        });
        assertEquals("TransportError", e.errorType());
        assertTrue(e.getMessage().contains("TIMED_OUT"), e.getMessage());
        // the failed call took only its own DoExchange: the client goes on with a fresh one
        assertEquals(3.0, calc.add(1, 2));
        assertEquals(7.0, calc.add(3, 4));
      }
      assertEquals(0, memory.getAllocatedMemory());
      assertEquals(0, harness.awaitServerBytes());
    }
  }

  @Test
  void aUriThatIsNoLocationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> FlightRpc.connect("not a uri at all"));
    assertThrows(IllegalArgumentException.class,
        () -> FlightRpc.builder(org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", 1)).callTimeout(Duration.ZERO));
  }
}
