package dev.arrowrpc.core;

import dev.arrowrpc.core.client.ClientSession;
import dev.arrowrpc.core.client.DescribeCall;
import dev.arrowrpc.core.client.ProxyHandler;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A connection to one server over a {@link ByteTransport}, handing out typed proxies.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.connect(transport)) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>One call runs at a time; an open stream holds the connection until closed. Remote failures
 * raise {@link RpcException}; a broken channel raises one with type {@code TransportError}.
 */
public final class RpcClient implements AutoCloseable {
  private final ClientSession session;
  private final BufferAllocator ownedAllocator;
  private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();

  private RpcClient(ClientSession session, BufferAllocator ownedAllocator) {
    this.session = session;
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
    return new Builder(transport);
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
                    new ProxyHandler(session, ServiceSpec.of(type)))));
  }

  /**
   * Asks the server to describe its service ({@code __describe__}).
   *
   * @return the description
   */
  public ServiceDescription describe() {
    return DescribeCall.call(session);
  }

  /** The allocator results that are Arrow data are allocated from (the caller closes them). */
  public BufferAllocator allocator() {
    return session.allocator();
  }

  /** Closes the channel, then the allocator the client created (a leak shows as an exception). */
  @Override
  public void close() {
    try {
      session.close();
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
    private final ByteTransport transport;
    private BufferAllocator allocator;
    private Consumer<LogMessage> onLog;

    private Builder(ByteTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
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
      BufferAllocator owned = allocator == null ? new RootAllocator() : null;
      return new RpcClient(new ClientSession(transport, allocator == null ? owned : allocator, onLog), owned);
    }
  }
}
