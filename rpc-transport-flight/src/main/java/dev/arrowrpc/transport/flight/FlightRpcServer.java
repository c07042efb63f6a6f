package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Serves an {@link RpcServer} over Arrow Flight (gRPC), so stock Flight clients in any language reach
 * every hosted protocol, the reflection protocol included:
 *
 * <ul>
 *   <li>{@code ListFlights}, {@code GetFlightInfo}, {@code GetSchema}: one flight per method, descriptor
 *       path {@code [protocol, method]}; its schema is a unary method's result or a stream's output rows,
 *       and its app metadata a JSON document with the parameters and every schema;
 *   <li>{@code ListActions}, {@code DoAction}: one action per unary method, type {@code protocol/method};
 *       the body is the request as an Arrow IPC stream or a JSON object of parameters; the one result is
 *       the response IPC stream; an error is a Flight status mapped from its {@code error_code};
 *   <li>{@code DoGet}: producer streams; the ticket is JSON {@code {"protocol", "method", "params"}} or a
 *       request IPC stream, and {@code GetFlightInfo} on a command descriptor holding either mints it.
 * </ul>
 *
 * <p>The README's "Serving over Flight" documents the mapping. Calls go through the server's one call
 * engine ({@code RpcServer.requestEngine}); a stream's state is sealed between its turns and never
 * leaves the server.
 *
 * <pre>{@code
 * try (FlightRpcServer flight = FlightRpcServer.builder(rpcServer).port(8815).start()) {
 *   flight.awaitTermination();
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops taking calls, lets those in flight finish (up to the drain timeout, then
 * stops open producer streams) and releases the Flight memory; it does not close the {@link RpcServer}.
 */
public final class FlightRpcServer implements AutoCloseable {
  /** How long stopped streams get to end before the listener is torn down. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final FlightServer flight;
  private final RpcFlightProducer producer;
  private final ExecutorService executor;
  private final BufferAllocator allocator;
  private final String host;
  private final Duration drainTimeout;
  private final AtomicBoolean stopping;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private FlightRpcServer(FlightServer flight, RpcFlightProducer producer, ExecutorService executor,
      BufferAllocator allocator, String host, Duration drainTimeout,
      AtomicBoolean stopping) {
    this.flight = flight;
    this.producer = producer;
    this.executor = executor;
    this.allocator = allocator;
    this.host = host;
    this.drainTimeout = drainTimeout;
    this.stopping = stopping;
  }

  /**
   * Starts configuring a server for an {@link RpcServer}.
   *
   * @param server the server whose protocols are exposed
   * @return a builder
   */
  public static Builder builder(RpcServer server) {
    return new Builder(server);
  }

  /** {@return the port the server listens on} */
  public int port() {
    return flight.getPort();
  }

  /** {@return where clients connect: {@code grpc+tcp://host:port}} */
  public Location location() {
    return Location.forGrpcInsecure(host, port());
  }

  /**
   * Blocks until the server is closed.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Stops taking calls, drains those in flight (up to the drain timeout; open producer streams are then
   * stopped), stops the listener and releases the Flight memory (a leak shows as an exception here).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      flight.shutdown();
      if (!flight.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stopping.set(true); // open producer streams end at their next turn, with CANCELLED
        flight.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      flight.close();
      producer.awaitIdle(STOP_GRACE);
      // gRPC may still hand the executor a call's last callbacks after termination: it stops last
      executor.shutdown();
      executor.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        allocator.close();
      } finally {
        terminated.countDown();
      }
    }
  }

  /** Configures a {@link FlightRpcServer}. */
  public static final class Builder {
    private final RpcServer server;
    private String host = "localhost";
    private int port = 0;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Optional<StreamTokens> tokens = Optional.empty();

    private Builder(RpcServer server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /**
     * The interface to listen on (default {@code localhost}).
     *
     * @param host a host name or address
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The port to listen on (default 0: any free port, see {@link FlightRpcServer#port()}).
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long {@link FlightRpcServer#close()} lets calls in flight finish (default 30 s).
     *
     * @param timeout the drain timeout
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("negative drain timeout");
      }
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Seals a producer stream's state between its turns. The state never leaves the server, so the
     * default, HMAC with a random key made at start, suffices; set one to share it with other transports.
     *
     * @param tokens the token sealer
     * @return this builder
     */
    public Builder streamTokens(StreamTokens tokens) {
      this.tokens = Optional.of(tokens);
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public FlightRpcServer start() {
      StreamTokens sealer = tokens.orElseGet(() -> {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HmacStreamTokens.builder().key(key).build();
      });
      BufferAllocator allocator = server.allocator().newChildAllocator("flight", 0, Long.MAX_VALUE);
      AtomicBoolean stopping = new AtomicBoolean();
      RpcFlightProducer producer = new RpcFlightProducer(server.requestEngine(sealer), server.outlines(),
          allocator, stopping::get, new ExchangeCalls(server, allocator));
      ExecutorService executor = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
          Thread thread = new Thread(task, "flight-rpc-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }
      });
      FlightServer flight = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), producer)
          .executor(executor).build();
      try {
        flight.start();
      } catch (IOException e) {
        try {
          flight.close();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        allocator.close();
        throw new UncheckedIOException("cannot serve Flight on " + host + ":" + port, e);
      }
      return new FlightRpcServer(flight, producer, executor, allocator, host, drainTimeout, stopping);
    }
  }
}
