package dev.arrowrpc.core.runtime;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.client.BatchRelay;
import dev.arrowrpc.core.client.ClientCalls;
import dev.arrowrpc.core.client.ProxyHandler;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.server.Reflection;
import dev.arrowrpc.core.server.ReflectionPayloads;
import dev.arrowrpc.core.spi.BatchCalls;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.wire.RecyclingAllocations;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
  /** The typed client of each interface asked for, with its generated calls. */
  private final Map<Class<?>, ProxyHandler.Bound<?>> clients = new ConcurrentHashMap<>();

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
   * Returns a typed client for a service; each method call becomes a remote call. It is the client
   * rpc-codegen's annotation processor generated for the interface when there is one (no reflection
   * per call), else a {@code java.lang.reflect.Proxy}; both behave alike.
   *
   * @param service the {@code @RpcService} interface
   * @param <T> the service type
   * @return the proxy (cached per interface)
   * @throws IllegalArgumentException when the interface cannot be mapped, saying what to fix
   */
  public <T> T proxy(Class<T> service) {
    return service.cast(bound(service).client());
  }

  /**
   * The calls {@link #proxy}'s client makes when it is the generated one, by method position ({@link
   * GeneratedInvoker#clientMethods}). For a runtime that routes each call of one generated client
   * ({@link #generatedClient}) to one of several connections, as a worker pool does; applications
   * call {@link #proxy}.
   *
   * @param service the {@code @RpcService} interface
   * @return the calls, or empty when {@link #proxy} gives a {@code java.lang.reflect.Proxy}
   * @throws IllegalArgumentException when the interface cannot be mapped, saying what to fix
   */
  public Optional<GeneratedInvoker.Remote> remote(Class<?> service) {
    return bound(service).remote();
  }

  /**
   * The generated client of a service whose calls go to {@code remote}: the client {@link #proxy}
   * gives, over calls of the caller's (which may route each call to the {@link #remote} of a
   * client it picks). Applications call {@link #proxy}.
   *
   * @param service the {@code @RpcService} interface
   * @param remote where its calls go, by method position ({@link GeneratedInvoker#clientMethods})
   * @param <T> the service type
   * @return the client, or empty when {@link #proxy} gives a {@code java.lang.reflect.Proxy} for
   *     the interface (it has no generated client, or one that names other methods)
   * @throws IllegalArgumentException when the interface has a generated class but cannot be mapped
   */
  public static <T> Optional<T> generatedClient(Class<T> service, GeneratedInvoker.Remote remote) {
    return ProxyHandler.generatedClient(Objects.requireNonNull(service, "service"),
        Objects.requireNonNull(remote, "remote"));
  }

  /** The client of an interface and its calls, made once. */
  private ProxyHandler.Bound<?> bound(Class<?> service) {
    ProxyHandler.Bound<?> bound = clients.get(service);
    return bound != null ? bound : clients.computeIfAbsent(service, type -> ProxyHandler.bind(calls, type));
  }

  /**
   * Calls made with whole Arrow batches built elsewhere, over this client's transport, for tools that
   * relay batches without knowing their Java types (see {@link BatchCalls}).
   *
   * @return the batch calls of this client
   */
  public BatchCalls batches() {
    return new BatchRelay(calls);
  }

  /**
   * Asks the server what it hosts ({@code vgi_rpc.Reflection.v1/list_protocols}): its id and
   * version, and every protocol with its version and hash, application protocols first in the
   * order the server registered them.
   *
   * @return the listing
   * @throws RpcException when the server does not answer reflection (a server of the protocol
   *     before 0.50 answers {@code protocol_not_supported} or {@code method_not_implemented})
   */
  public ProtocolList listProtocols() {
    byte[] payload = proxy(Reflection.class).list_protocols();
    try {
      return ReflectionPayloads.decodeProtocolList(payload, calls.allocator());
    } catch (WireFormatException e) {
      throw new RpcException("ProtocolError", "unreadable list_protocols reply: " + e.getMessage());
    }
  }

  /**
   * Asks the server to describe one protocol it hosts ({@code vgi_rpc.Reflection.v1/describe}):
   * its methods with their schemas, and its hash.
   *
   * @param protocol the protocol's name
   * @return the description
   * @throws RpcException when the protocol is not hosted ({@code protocol_not_supported})
   */
  public ServiceDescription describe(String protocol) {
    byte[] payload = proxy(Reflection.class).describe(Objects.requireNonNull(protocol, "protocol"));
    try {
      return ReflectionPayloads.decodeServiceDescription(payload, calls.allocator());
    } catch (WireFormatException e) {
      throw new RpcException("ProtocolError", "unreadable describe reply: " + e.getMessage());
    }
  }

  /**
   * Describes the server's primary protocol: the first it lists whose name is not the framework's.
   *
   * @return the description
   * @throws RpcException when the server hosts no application protocol or does not answer reflection
   */
  public ServiceDescription describe() {
    ProtocolSummary primary = listProtocols().primary()
        .orElseThrow(() -> new RpcException("ProtocolError", "the server lists no application protocol"));
    return describe(primary.protocol());
  }

  /** {@return the allocator results that are Arrow data are allocated from (the caller closes them)} */
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
    private java.util.Optional<dev.arrowrpc.core.external.ExternalFetcher> fetcher = java.util.Optional.empty();
    private java.util.Optional<String> authorization = java.util.Optional.empty();

    private Builder(ByteTransport channel, RequestTransport requests) {
      this.channel = channel;
      this.requests = requests;
    }

    /**
     * Uses the caller's allocator (the caller closes it); by default the client makes its own.
     *
     * @param allocator the allocator the client's batches come from
     * @return this builder
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Receives the server's log messages (they also go to SLF4J logger {@code dev.arrowrpc.remote}).
     *
     * @param onLog called with each log message, on the thread reading the answer
     * @return this builder
     */
    public Builder onLog(Consumer<LogMessage> onLog) {
      this.onLog = Objects.requireNonNull(onLog, "onLog");
      return this;
    }

    /**
     * Resolves the external-location pointer batches of responses (WIRE_PROTOCOL.md section 12)
     * with this fetcher, on any transport; without one a pointer in a response is an error.
     *
     * @param fetcher fetches the objects pointers name, under its own URL policy and caps
     * @return this builder
     */
    public Builder external(dev.arrowrpc.core.external.ExternalFetcher fetcher) {
      this.fetcher = java.util.Optional.of(Objects.requireNonNull(fetcher, "fetcher"));
      return this;
    }

    /**
     * Sends a credential with every request over a byte channel (pipe, Unix socket, TCP), for a
     * server that authenticates with an {@code Authenticator}: it travels in the request batch's
     * metadata as {@code arrowrpc.authorization} and the server's authenticator sees it as the
     * {@code authorization} header. Over HTTP the transport sends headers itself: set it there.
     *
     * @param value the credential, such as {@code Bearer <token>}
     * @return this builder
     * @throws IllegalStateException when the client is built on a request/response transport
     */
    public Builder authorization(String value) {
      if (channel == null) {
        throw new IllegalStateException("authorization(...) is for byte channels; an HTTP client sends its "
            + "Authorization header through its transport");
      }
      this.authorization = java.util.Optional.of(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client, calling over the transport given to the builder
     * @throws IllegalStateException when the client makes its own allocator and the JVM lacks the
     *     flags Arrow needs (the message names them)
     */
    public RpcClient build() {
      BufferAllocator owned = allocator == null ? RecyclingAllocations.newRootAllocator() : null;
      BufferAllocator memory = allocator == null ? owned : allocator;
      ClientCalls calls = channel != null
          ? ClientCalls.overChannel(channel, memory, onLog, fetcher, authorization)
          : ClientCalls.overRequests(requests, memory, onLog, fetcher);
      return new RpcClient(calls, owned);
    }
  }
}
