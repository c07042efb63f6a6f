package dev.arrowrpc.core;

import dev.arrowrpc.core.client.ClientCalls;
import dev.arrowrpc.core.client.ProxyHandler;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.RecyclingAllocations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A connection to one server, handing out typed proxies: over a {@link ByteTransport} (pipes,
 * sockets) or a {@link RequestTransport} (HTTP).
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.connect(transport)) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>Over a byte channel one call runs at a time and an open stream holds the connection until
 * closed. Over a request transport calls and streams may run concurrently, each stream turn being
 * a request of its own. Remote failures raise {@link RpcException}; a broken channel raises one
 * with type {@code TransportError}.
 */
public final class RpcClient implements AutoCloseable {
  private final ClientCalls calls;
  private final BufferAllocator ownedAllocator;
  private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();

  private RpcClient(ClientCalls calls, BufferAllocator ownedAllocator) {
    this.calls = calls;
    this.ownedAllocator = ownedAllocator;
  }

  /**
   * Connects over a transport with default settings.
   *
   * @param transport the channel to the server
   * @return the client
   */
  public static RpcClient connect(ByteTransport transport) {
    return builder(transport).build();
  }

  /**
   * Starts configuring a client.
   *
   * @param transport the channel to the server
   * @return a builder
   */
  public static Builder builder(ByteTransport transport) {
    return new Builder(Objects.requireNonNull(transport, "transport"), null);
  }

  /**
   * Connects over a request/response transport (such as HTTP) with default settings.
   *
   * @param transport the transport to the server
   * @return the client
   */
  public static RpcClient connect(RequestTransport transport) {
    return builder(transport).build();
  }

  /**
   * Starts configuring a client over a request/response transport.
   *
   * @param transport the transport to the server
   * @return a builder
   */
  public static Builder builder(RequestTransport transport) {
    return new Builder(null, Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Returns a typed proxy for a service; each method call becomes a remote call.
   *
   * @param service the {@code @RpcService} interface
   * @param <T> the service type
   * @return the proxy (cached per interface)
   * @throws IllegalArgumentException when the interface cannot be mapped, saying what to fix
   */
  public <T> T proxy(Class<T> service) {
    return service.cast(
        proxies.computeIfAbsent(
            service,
            type ->
                Proxy.newProxyInstance(
                    type.getClassLoader(),
                    new Class<?>[] {type},
                    new ProxyHandler(calls, ServiceSpec.of(type)))));
  }

  /**
   * Asks the server to describe its service ({@code __describe__}).
   *
   * @return the description
   */
  public ServiceDescription describe() {
    return calls.describe();
  }

  /** The allocator results that are Arrow data are allocated from (the caller closes them). */
  public BufferAllocator allocator() {
    return calls.allocator();
  }

  /**
   * Closes the channel or transport, then the allocator the client created (a leak shows as an
   * exception).
   */
  @Override
  public void close() {
    try {
      calls.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (ownedAllocator != null) {
        ownedAllocator.close();
      }
    }
  }

  /** Configures an {@link RpcClient}. */
  public static final class Builder {
    private final ByteTransport channel;
    private final RequestTransport requests;
    private BufferAllocator allocator;
    private Consumer<LogMessage> onLog;

    private Builder(ByteTransport channel, RequestTransport requests) {
      this.channel = channel;
      this.requests = requests;
    }

    /** Uses the caller's allocator (the caller closes it); by default the client makes its own. */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /** Receives the server's log messages (they also go to SLF4J logger {@code dev.arrowrpc.remote}). */
    public Builder onLog(Consumer<LogMessage> onLog) {
      this.onLog = Objects.requireNonNull(onLog, "onLog");
      return this;
    }

    /** Builds the client. */
    public RpcClient build() {
      BufferAllocator owned = allocator == null ? RecyclingAllocations.newRootAllocator() : null;
      BufferAllocator memory = allocator == null ? owned : allocator;
      ClientCalls calls = channel != null
          ? ClientCalls.overChannel(channel, memory, onLog)
          : ClientCalls.overRequests(requests, memory, onLog);
      return new RpcClient(calls, owned);
    }
  }
}
