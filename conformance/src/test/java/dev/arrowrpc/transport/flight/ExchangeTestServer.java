package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.RootAllocator;

/**
 * An {@link RpcServer} served over Flight DoExchange on loopback, for the conformance module's
 * client contract over Flight. It reaches the package-private {@link ExchangeCalls}; once the
 * module's {@code FlightRpcServer} serves DoExchange through it, the conformance lane can use that
 * server instead of this class.
 */
public final class ExchangeTestServer implements AutoCloseable {
  private final RootAllocator memory = new RootAllocator();
  private final FlightServer flight;

  private ExchangeTestServer(RpcServer server) throws IOException {
    ExchangeCalls calls = new ExchangeCalls(server, memory);
    flight = FlightServer.builder(memory, Location.forGrpcInsecure("127.0.0.1", 0), new NoOpFlightProducer() {
      @Override
      public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
        calls.handle(context, reader, writer);
      }
    }).build().start();
  }

  /**
   * Serves an engine on a free loopback port.
   *
   * @param server the engine
   * @return the running server
   * @throws IOException when it cannot listen
   */
  public static ExchangeTestServer start(RpcServer server) throws IOException {
    return new ExchangeTestServer(server);
  }

  /** {@return where a client reaches it} */
  public Location location() {
    return Location.forGrpcInsecure("127.0.0.1", flight.getPort());
  }

  /** {@return the bytes the Flight server's allocator holds} */
  public long allocatedBytes() {
    return memory.getAllocatedMemory();
  }

  /** Stops the server; fails when its allocator leaked. */
  @Override
  public void close() {
    try {
      flight.shutdown();
      flight.awaitTermination(5, TimeUnit.SECONDS);
      flight.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      memory.close();
    }
  }
}
