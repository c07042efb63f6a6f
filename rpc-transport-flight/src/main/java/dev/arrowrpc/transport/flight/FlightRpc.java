package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import java.net.URISyntaxException;
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

  /** Configures a Flight client. */
  public static final class Builder {
    private final Location location;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private Optional<BufferAllocator> allocator = Optional.empty();
    private Optional<Duration> callTimeout = Optional.empty();
    private Optional<Consumer<LogMessage>> onLog = Optional.empty();

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
     * Builds the client; the gRPC channel connects lazily, on the first call.
     *
     * @return the client
     */
    public RpcClient build() {
      BufferAllocator flightMemory = allocator
          .map(parent -> parent.newChildAllocator("flight-client", 0, Long.MAX_VALUE))
          .orElseGet(() -> new RootAllocator(Long.MAX_VALUE));
      FlightClient client;
      try {
        client = FlightClient.builder(flightMemory, location).build();
      } catch (RuntimeException e) {
        flightMemory.close();
        throw e;
      }
      List<CallOption> options = new ArrayList<>();
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
