package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.testing.Harness;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A service served over Flight DoExchange in this JVM ({@link ExchangeOnlyProducer}) and a {@link
 * FlightRpc} client connected to it, with separate allocators for the engine, the Flight server and
 * the client.
 */
public final class FlightHarness implements Harness {
  private final BufferAllocator serverMemory = new RootAllocator();
  private final BufferAllocator flightServerMemory = new RootAllocator();
  private final BufferAllocator clientMemory = new RootAllocator();
  private final RpcServer server;
  private final FlightServer flight;
  private final ExchangeOnlyProducer producer;
  private final RpcClient client;
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();

  /** Serves the implementation and connects a client. */
  public <T> FlightHarness(Class<T> service, T implementation) {
    this(service, implementation, c -> c);
  }

  /** Serves the implementation; the client is configured further by the caller. */
  public FlightHarness(Class<?> service, Object implementation, UnaryOperator<FlightRpc.Builder> configureClient) {
    server = RpcServer.builder(service, implementation).allocator(serverMemory).build();
    try {
      producer = new ExchangeOnlyProducer(new ExchangeCalls(server, flightServerMemory));
      flight = FlightServer.builder(flightServerMemory, Location.forGrpcInsecure("127.0.0.1", 0), producer)
          .build().start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    client = configureClient.apply(FlightRpc.builder(Location.forGrpcInsecure("127.0.0.1", flight.getPort()))
        .allocator(clientMemory).onLog(logs::add)).build();
  }

  /** The Flight server's port. */
  public int port() {
    return flight.getPort();
  }

  /** How many DoExchange calls the server received. */
  public long exchanges() {
    return producer.exchanges();
  }

  /** How many DoExchange calls the server is serving now. */
  public long openExchanges() {
    return producer.open();
  }

  /** Waits (up to five seconds) until no DoExchange is being served; returns how many still are. */
  public long awaitNoOpenExchange() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (producer.open() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return producer.open();
  }

  /** The engine. */
  public RpcServer server() {
    return server;
  }

  @Override
  public <T> T proxy(Class<T> service) {
    return client.proxy(service);
  }

  @Override
  public RpcClient client() {
    return client;
  }

  @Override
  public List<LogMessage> logs() {
    return logs;
  }

  @Override
  public long clientBytes() {
    return clientMemory.getAllocatedMemory();
  }

  @Override
  public long serverBytes() {
    return serverMemory.getAllocatedMemory() + flightServerMemory.getAllocatedMemory();
  }

  @Override
  public BufferAllocator clientAllocator() {
    return clientMemory;
  }

  @Override
  public Throwable serverFailure() {
    return null;
  }

  /** Waits (up to five seconds) for the server's allocators to empty, as calls end asynchronously. */
  public long awaitServerBytes() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (serverBytes() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return serverBytes();
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
      flight.shutdown();
      flight.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      flight.close();
      server.close();
    } finally {
      clientMemory.close();
      flightServerMemory.close();
      serverMemory.close();
    }
  }
}
