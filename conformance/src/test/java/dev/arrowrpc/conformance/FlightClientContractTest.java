package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpc;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import java.io.IOException;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Nested;

/**
 * The Java client over Arrow Flight (issue 15): the client contract (every {@link
 * ConformanceService} method) and the {@link SecondaryService} tests through the typed proxy, the
 * calls riding DoExchange to the Java conformance service in this JVM. {@link FlightClientLane} runs
 * it and prints the acceptance line.
 */
class FlightClientContractTest {
  /** {@code ConformanceService} over Flight. */
  @Nested
  class OverFlight extends ConformanceClientContract {
    @Override
    protected Target openTarget() throws IOException {
      return new OverExchange();
    }
  }

  /** {@code conformance.Secondary.v1} over Flight. */
  @Nested
  class SecondaryOverFlight extends SecondaryServiceTest {
    private FlightRpcServer flight;

    @Override
    RpcClient connect(RpcServer server) {
      flight = FlightRpcServer.builder(server).start();
      return FlightRpc.builder(flight.location()).build();
    }

    @Override
    void disconnected() {
      flight.close(); // fails when the Flight server's memory leaked
    }
  }

  /** The Java conformance service behind a Flight server in this JVM. */
  private static final class OverExchange implements ConformanceClientContract.Target {
    private final RootAllocator serverMemory = new RootAllocator();
    private final RpcServer server;
    private final FlightRpcServer flight;

    OverExchange() throws IOException {
      server = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl())
          .allocator(serverMemory).build();
      flight = FlightRpcServer.builder(server).start();
    }

    @Override
    public RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) {
      return FlightRpc.builder(flight.location()).allocator(allocator).onLog(onLog).build();
    }

    @Override
    public String transport() {
      return "flight";
    }

    @Override
    public void close() {
      try {
        flight.close(); // fails when the Flight server's memory leaked
      } finally {
        server.close();
        assertEquals(0, serverMemory.getAllocatedMemory(), "server memory leaked");
        serverMemory.close();
      }
    }
  }
}
