package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Clients of vgi-rpc services served over Arrow Flight: the same typed proxies as over pipes or
 * HTTP, every call one DoExchange.
 *
 * <pre>{@code
 * try (RpcClient client = FlightRpc.connect("grpc://localhost:8815")) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>Security: a {@code grpc+tls://} location speaks TLS, verifying the server against the system's
 * roots or {@link Builder#trustedCertificates}; {@link Builder#clientCertificate} presents a certificate
 * for mutual TLS; {@link Builder#bearerToken} sends a token with every call, and {@link
 * Builder#basicCredentials} runs the basic-token handshake once when the client is built and sends the
 * bearer token it returns.
 *
 * <p>Like a client over a byte channel, one call runs at a time and an open stream holds the
 * client until it is closed; make one client per thread for concurrent calls (they are cheap: a
 * gRPC channel each).
 */
public final class FlightRpc {
  private FlightRpc() {}

  /**
   * Connects with default settings.
   *
   * @param uri the server, such as {@code grpc://host:port} or {@code grpc+tls://host:port}
   * @return the client
   * @throws IllegalArgumentException when the URI is not a Flight location
   */
  public static RpcClient connect(String uri) {
    return builder(location(uri)).build();
  }

  /**
   * Starts configuring a client.
   *
   * @param location the server
   * @return a builder
   */
  public static Builder builder(Location location) {
    return new Builder(Objects.requireNonNull(location, "location"));
  }

  private static Location location(String uri) {
    try {
      return new Location(Objects.requireNonNull(uri, "uri"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Flight location: " + uri, e);
    }
  }

  private static void closeQuietly(FlightClient client) {
    try {
      client.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a Flight client. */
  public static final class Builder {
    private final Location location;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private Optional<BufferAllocator> allocator = Optional.empty();
    private Optional<Duration> callTimeout = Optional.empty();
    private Optional<Consumer<LogMessage>> onLog = Optional.empty();
    private Optional<byte[]> trusted = Optional.empty();
    private Optional<byte[]> clientCert = Optional.empty();
    private Optional<byte[]> clientKey = Optional.empty();
    private boolean verifyServer = true;
    private Optional<Map.Entry<String, String>> basic = Optional.empty();

    private Builder(Location location) {
      this.location = location;
    }

    /**
     * Uses the caller's allocator for results and for Flight's buffers (a child of it; the caller
     * closes it); by default the client makes its own.
     *
     * @param allocator the allocator
     * @return this builder
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Optional.of(Objects.requireNonNull(allocator, "allocator"));
      return this;
    }

    /**
     * Sends a header with every call.
     *
     * @param name the header's name (gRPC metadata keys are lower case)
     * @param value its value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.computeIfAbsent(Objects.requireNonNull(name, "name").toLowerCase(java.util.Locale.ROOT),
          k -> new ArrayList<>()).add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sends {@code authorization: Bearer <token>} with every call.
     *
     * @param token the token
     * @return this builder
     */
    public Builder bearerToken(String token) {
      headers.put("authorization", new ArrayList<>(List.of("Bearer " + Objects.requireNonNull(token, "token"))));
      return this;
    }

    /**
     * Runs Flight's basic-token handshake when the client is built ({@code authorization: Basic ...} on a
     * Handshake call, as pyarrow's {@code authenticate_basic_token} does) and sends the bearer token the
     * server answers with every call; the server's {@code FlightRpcServer.Builder#basicLogin} serves it.
     * The client then connects at {@link #build()}, not at the first call.
     *
     * @param username the user name
     * @param password the password
     * @return this builder
     */
    public Builder basicCredentials(String username, String password) {
      this.basic = Optional.of(Map.entry(Objects.requireNonNull(username, "username"),
          Objects.requireNonNull(password, "password")));
      return this;
    }

    /**
     * Verifies a {@code grpc+tls} server against these certificate authorities instead of the system's.
     *
     * @param pem the trusted root certificates, a PEM file (read now)
     * @return this builder
     * @throws UncheckedIOException when the file cannot be read
     */
    public Builder trustedCertificates(Path pem) {
      this.trusted = Optional.of(read(pem));
      return this;
    }

    /**
     * Presents a client certificate to a {@code grpc+tls} server that asks for one (mutual TLS).
     *
     * @param certChainPem the client's certificate chain, a PEM file (read now)
     * @param privateKeyPem its private key, an unencrypted PEM file (read now)
     * @return this builder
     * @throws UncheckedIOException when a file cannot be read
     */
    public Builder clientCertificate(Path certChainPem, Path privateKeyPem) {
      this.clientCert = Optional.of(read(certChainPem));
      this.clientKey = Optional.of(read(privateKeyPem));
      return this;
    }

    /**
     * Whether a {@code grpc+tls} server's certificate and host name are verified (the default). Off,
     * any server is accepted, and anyone on the path can read and change the traffic: for tests only.
     * Arrow Flight's client takes it only without {@link #trustedCertificates} and {@link
     * #clientCertificate}.
     *
     * @param verify false to skip the verification
     * @return this builder
     */
    public Builder verifyServer(boolean verify) {
      this.verifyServer = verify;
      return this;
    }

    private static byte[] read(Path file) {
      try {
        return Files.readAllBytes(Objects.requireNonNull(file, "file"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }

    /**
     * Bounds every call (a whole stream, for a stream method) with a gRPC deadline.
     *
     * @param timeout the longest a call may take
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the call timeout must be positive: " + timeout);
      }
      this.callTimeout = Optional.of(timeout);
      return this;
    }

    /**
     * Receives the server's log messages.
     *
     * @param onLog called with each log message, on the thread reading the answer
     * @return this builder
     */
    public Builder onLog(Consumer<LogMessage> onLog) {
      this.onLog = Optional.of(Objects.requireNonNull(onLog, "onLog"));
      return this;
    }

    /**
     * Builds the client; the gRPC channel connects lazily, on the first call (at once with {@link
     * #basicCredentials}).
     *
     * @return the client
     * @throws org.apache.arrow.flight.FlightRuntimeException when the basic-token handshake fails
     *     ({@code UNAUTHENTICATED} for refused credentials)
     * @throws IllegalStateException when TLS options are given for a location that is not {@code grpc+tls},
     *     or {@code verifyServer(false)} with certificates
     */
    public RpcClient build() {
      BufferAllocator flightMemory = allocator
          .map(parent -> parent.newChildAllocator("flight-client", 0, Long.MAX_VALUE))
          .orElseGet(() -> new RootAllocator(Long.MAX_VALUE));
      boolean tls = "grpc+tls".equals(location.getUri().getScheme());
      if (!tls && (trusted.isPresent() || clientCert.isPresent() || !verifyServer)) {
        flightMemory.close();
        throw new IllegalStateException("TLS options given for a location that is not grpc+tls: " + location);
      }
      if (!verifyServer && (trusted.isPresent() || clientCert.isPresent())) {
        flightMemory.close();
        throw new IllegalStateException("verifyServer(false) cannot go with trusted or client certificates "
            + "(Arrow Flight's client refuses the combination)");
      }
      FlightClient client;
      try {
        FlightClient.Builder flight = FlightClient.builder(flightMemory, location);
        trusted.ifPresent(pem -> flight.trustedCertificates(new ByteArrayInputStream(pem)));
        if (!verifyServer) {
          flight.verifyServer(false);
        }
        clientCert.ifPresent(pem -> flight.clientCertificate(new ByteArrayInputStream(pem),
            new ByteArrayInputStream(clientKey.orElseThrow())));
        client = flight.build();
      } catch (RuntimeException e) {
        flightMemory.close();
        throw e;
      }
      List<CallOption> options = new ArrayList<>();
      if (basic.isPresent()) {
        try {
          Optional<CredentialCallOption> bearer = client.authenticateBasicToken(basic.get().getKey(),
              basic.get().getValue());
          bearer.ifPresent(options::add);
        } catch (RuntimeException e) {
          closeQuietly(client);
          flightMemory.close();
          throw e;
        }
      }
      if (!headers.isEmpty()) {
        FlightCallHeaders callHeaders = new FlightCallHeaders();
        headers.forEach((name, values) -> values.forEach(value -> callHeaders.insert(name, value)));
        options.add(new HeaderCallOption(callHeaders));
      }
      callTimeout.ifPresent(t -> options.add(CallOptions.timeout(t.toNanos(), TimeUnit.NANOSECONDS)));
      FlightTransport transport = new FlightTransport(client, flightMemory, options.toArray(CallOption[]::new),
          flightMemory::close);
      RpcClient.Builder rpc = RpcClient.builder(transport);
      allocator.ifPresent(rpc::allocator);
      onLog.ifPresent(rpc::onLog);
      return rpc.build();
    }
  }
}
