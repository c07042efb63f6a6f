package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 *   <li>{@code DoExchange}: with the command {@code arrowrpc.exchange.v1}, the whole vgi-rpc conversation of
 *       one call (what {@link FlightRpc} clients use); with any other descriptor (a ticket as command, or a
 *       path {@code [protocol, method]}), an exchange stream: one answer batch per batch written;
 *   <li>{@code DoPut}: an exchange stream whose answers come back as acknowledgements, one {@code
 *       PutResult} per batch put, its app metadata the turn's output as an Arrow IPC stream;
 *   <li>{@code Handshake}: the basic-token handshake when {@link Builder#basicLogin} is set.
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
 * <p>Security: {@link Builder#tls} serves TLS (and {@link Builder#mutualTls} asks clients for a
 * certificate); {@link Builder#authenticator} authenticates every call's headers with the core
 * {@link Authenticator} (the one HTTP takes; a refusal is Flight {@code UNAUTHENTICATED}); {@link
 * Builder#basicLogin} serves the basic-token handshake Flight clients use ({@link BasicLogin}). The
 * identity reaches the method's {@link dev.arrowrpc.core.CallContext}, and every call reports {@link
 * TransportKind#FLIGHT}.
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
  private final boolean tls;
  private final Duration drainTimeout;
  private final AtomicBoolean stopping;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private FlightRpcServer(FlightServer flight, RpcFlightProducer producer, ExecutorService executor,
      BufferAllocator allocator, String host, boolean tls, Duration drainTimeout,
      AtomicBoolean stopping) {
    this.flight = flight;
    this.producer = producer;
    this.executor = executor;
    this.allocator = allocator;
    this.host = host;
    this.tls = tls;
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

  /** {@return where clients connect: {@code grpc+tcp://host:port}, or {@code grpc+tls://host:port} with TLS} */
  public Location location() {
    return tls ? Location.forGrpcTls(host, port()) : Location.forGrpcInsecure(host, port());
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
    private Optional<Authenticator> authenticator = Optional.empty();
    private Optional<BasicLogin> login = Optional.empty();
    private Duration tokenLifetime = Duration.ofHours(1);
    private Optional<Path> certChain = Optional.empty();
    private Optional<Path> privateKey = Optional.empty();
    private Optional<Path> clientCa = Optional.empty();

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
     * Authenticates every call (discovery, actions, DoGet, DoExchange, Handshake) with the core
     * authenticator, the one {@code HttpRpcServer} takes: it sees the call's headers ({@code
     * authorization} among them; binary {@code -bin} headers left out) with transport {@link
     * TransportKind#FLIGHT} and no peer address (Flight decides before the peer is known; the method's
     * call still learns it). A refusal ({@code AuthenticationException}) is Flight {@code UNAUTHENTICATED}
     * with its reason; the identity reaches the method's {@link dev.arrowrpc.core.CallContext}. Default:
     * none, every call anonymous.
     *
     * @param authenticator decides who is calling
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Optional.of(Objects.requireNonNull(authenticator, "authenticator"));
      return this;
    }

    /**
     * Serves the basic-token handshake with tokens valid for one hour; see {@link #basicLogin(BasicLogin,
     * Duration)}.
     *
     * @param login checks user names and passwords
     * @return this builder
     */
    public Builder basicLogin(BasicLogin login) {
      return basicLogin(login, Duration.ofHours(1));
    }

    /**
     * Serves the basic-token handshake of Flight clients (pyarrow's {@code authenticate_basic_token},
     * Java's {@code authenticateBasicToken}): a call with {@code authorization: Basic <user:password>}
     * that the login accepts runs as the login's identity and answers a new bearer token in the
     * {@code authorization: Bearer <token>} response header; later calls carrying that token run as
     * the same identity until the token's lifetime ends. The tokens are random, held in this server's
     * memory only (a restart or another replica does not know them). Calls with any other credential
     * go to the {@link #authenticator(Authenticator)}, or are refused when there is none.
     *
     * @param login checks user names and passwords
     * @param tokenLifetime how long a minted token is accepted
     * @return this builder
     */
    public Builder basicLogin(BasicLogin login, Duration tokenLifetime) {
      if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
        throw new IllegalArgumentException("the token lifetime must be positive: " + tokenLifetime);
      }
      this.login = Optional.of(Objects.requireNonNull(login, "login"));
      this.tokenLifetime = tokenLifetime;
      return this;
    }

    /**
     * Serves TLS ({@code grpc+tls}) with a certificate chain and its private key, both PEM files (the
     * key unencrypted, PKCS#8 or PKCS#1 as Netty reads it).
     *
     * @param certChainPem the server's certificate chain, a PEM file
     * @param privateKeyPem the certificate's private key, a PEM file
     * @return this builder
     */
    public Builder tls(Path certChainPem, Path privateKeyPem) {
      this.certChain = Optional.of(Objects.requireNonNull(certChainPem, "certChainPem"));
      this.privateKey = Optional.of(Objects.requireNonNull(privateKeyPem, "privateKeyPem"));
      return this;
    }

    /**
     * Requires every client to present a certificate signed by one of these authorities (mutual TLS);
     * needs {@link #tls}.
     *
     * @param clientCaPem the trusted client certificate authorities, a PEM file
     * @return this builder
     */
    public Builder mutualTls(Path clientCaPem) {
      this.clientCa = Optional.of(Objects.requireNonNull(clientCaPem, "clientCaPem"));
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound or a TLS file cannot be read
     * @throws IllegalStateException when mutual TLS is asked for without TLS
     */
    public FlightRpcServer start() {
      if (clientCa.isPresent() && certChain.isEmpty()) {
        throw new IllegalStateException("mutualTls needs tls(certChainPem, privateKeyPem)");
      }
      for (Path file : List.of(certChain, privateKey, clientCa).stream().flatMap(Optional::stream).toList()) {
        if (!Files.isReadable(file)) {
          throw new UncheckedIOException(new java.io.FileNotFoundException("cannot read the TLS file " + file));
        }
      }
      StreamTokens sealer = tokens.orElseGet(() -> {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return SealedStreamTokens.of(HmacStreamTokens.builder().key(key).build());
      });
      BufferAllocator allocator = server.allocator().newChildAllocator("flight", 0, Long.MAX_VALUE);
      AtomicBoolean stopping = new AtomicBoolean();
      RpcFlightProducer producer = new RpcFlightProducer(server.requestEngine(sealer, TransportKind.FLIGHT),
          server.outlines(),
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
      boolean secure = certChain.isPresent();
      FlightAuth auth = new FlightAuth(authenticator, login, tokenLifetime, Clock.systemUTC());
      Consumer<io.grpc.ServerBuilder<?>> grpc = builder -> builder.intercept(new PeerAddresses());
      FlightServer flight;
      try {
        FlightServer.Builder flightBuilder = FlightServer.builder(allocator,
                secure ? Location.forGrpcTls(host, port) : Location.forGrpcInsecure(host, port), producer)
            .executor(executor)
            .middleware(FlightAuth.KEY, auth)
            // Flight hands this consumer its Netty server builder before adding its own middleware
            // adapter, so the interceptor runs inside the adapter and finds the call's session
            .transportHint("grpc.builderConsumer", grpc);
        if (secure) {
          flightBuilder.useTls(certChain.get().toFile(), privateKey.orElseThrow().toFile());
          if (clientCa.isPresent()) {
            flightBuilder.useMTlsClientVerification(clientCa.get().toFile());
          }
        }
        flight = flightBuilder.build();
      } catch (IOException | RuntimeException e) {
        executor.shutdownNow();
        allocator.close();
        throw e instanceof IOException io ? new UncheckedIOException("cannot set up TLS for Flight", io)
            : (RuntimeException) e;
      }
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
      return new FlightRpcServer(flight, producer, executor, allocator, host, secure, drainTimeout, stopping);
    }
  }
}
