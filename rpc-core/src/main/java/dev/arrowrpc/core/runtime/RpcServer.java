package dev.arrowrpc.core.runtime;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.CallListener;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.identity.GrantKeys;
import dev.arrowrpc.core.identity.IdentityConfig;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.server.RequestHandler;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServerState;
import dev.arrowrpc.core.server.ServiceBinding;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.spi.ServiceOutline;
import dev.arrowrpc.core.wire.RecyclingAllocations;
import dev.arrowrpc.core.wire.WireInput;
import dev.arrowrpc.core.wire.WireOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Serves one or more protocols, each an {@link RpcService} interface with its implementation.
 * Transports hand it byte channels ({@link #serve(InputStream, OutputStream)}); it routes each
 * request by the protocol and method it names, validates it, and answers with results, streams,
 * logs and errors. A method that throws never ends a connection.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.create(Calculator.class, new CalculatorImpl());
 * server.serve(System.in, System.out);
 *
 * // several protocols: the set is fixed when the server is built, the first is the primary
 * RpcServer server = RpcServer.builder(Calculator.class, new CalculatorImpl())
 *     .protocol(Reports.class, new ReportsImpl())
 *     .build();
 * }</pre>
 *
 * <p>Every server also hosts the framework's reflection protocol, {@code vgi_rpc.Reflection.v1},
 * which lists the hosted protocols and describes each.
 */
public final class RpcServer implements AutoCloseable {
  private final ServerState server;
  private final BufferAllocator ownedAllocator;
  private final Optional<IdentityConfig> identity;

  private RpcServer(ServerState server, BufferAllocator ownedAllocator, Optional<IdentityConfig> identity) {
    this.server = server;
    this.ownedAllocator = ownedAllocator;
    this.identity = identity;
  }

  /**
   * Creates a server with its own allocator.
   *
   * @param service the {@code @RpcService} interface
   * @param implementation the object implementing it
   * @param <T> the service type
   * @return the server
   * @throws IllegalArgumentException when the interface cannot be served, saying what to fix
   * @throws IllegalStateException when the JVM lacks the flags Arrow needs (see README, "JVM flags")
   */
  public static <T> RpcServer create(Class<T> service, T implementation) {
    return builder(service, implementation).build();
  }

  /**
   * Starts configuring a server, with its primary protocol. The implementation need not implement
   * the interface: it needs a public method per interface method, optionally taking an extra {@link
   * CallContext}. Add more protocols with {@link Builder#protocol}.
   *
   * @param service the {@code @RpcService} interface
   * @param implementation the object serving it
   * @return a builder
   */
  public static Builder builder(Class<?> service, Object implementation) {
    return new Builder(service, implementation);
  }

  /**
   * Serves calls on a byte channel until the peer closes it. Blocks.
   *
   * @param in requests from the client
   * @param out responses to the client
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out) throws IOException {
    serve(in, out, "");
  }

  /**
   * Serves calls on a byte channel from a peer with a known address. Blocks. Streams that are also
   * channels receive large batch bodies as direct buffers (see {@link ByteTransport}).
   *
   * @param in requests from the client
   * @param out responses to the client
   * @param remoteAddress the peer's address, as access records report it
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out, String remoteAddress) throws IOException {
    serveConnection(in, out, remoteAddress, Optional.empty(), ConnectionAuth.none());
  }

  /**
   * Serves calls on a byte channel of a known transport kind, which each call's {@link
   * CallContext#transportKind()} reports. Blocks.
   *
   * @param in requests from the client
   * @param out responses to the client
   * @param remoteAddress the peer's address, as access records report it (empty for pipes)
   * @param kind the kind of transport the channel belongs to
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out, String remoteAddress, TransportKind kind)
      throws IOException {
    serveConnection(in, out, remoteAddress, Optional.of(Objects.requireNonNull(kind, "kind")),
        ConnectionAuth.none());
  }

  /**
   * Serves calls on a byte channel of a known transport kind, authenticating every request. Blocks.
   * A refused request is answered with an {@code AuthenticationError} and the connection goes on.
   *
   * @param in requests from the client
   * @param out responses to the client
   * @param remoteAddress the peer's address, as access records report it (empty for pipes)
   * @param kind the kind of transport the channel belongs to
   * @param auth decides who sent each request (made by the transport, which knows the peer)
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out, String remoteAddress, TransportKind kind, ConnectionAuth auth)
      throws IOException {
    serveConnection(in, out, remoteAddress, Optional.of(Objects.requireNonNull(kind, "kind")),
        Objects.requireNonNull(auth, "auth"));
  }

  private void serveConnection(InputStream in, OutputStream out, String remoteAddress,
      Optional<TransportKind> kind, ConnectionAuth auth)
      throws IOException {
    new ServerConnection(
            server, new WireInput(in, 1 << 16), new WireOutput(out, 1 << 16),
            remoteAddress, kind, auth)
        .run();
  }

  /**
   * The primary protocol's methods and schemas, for transports that show the service to people.
   *
   * @return the outline
   */
  public ServiceOutline outline() {
    ServiceBinding primary = server.protocols().primary();
    return outline(primary.name(), primary.spec());
  }

  /**
   * Every hosted protocol's methods and schemas, the framework's reflection protocol included, in the
   * order {@link #protocols()} lists them; for transports that map each method onto their own verbs
   * (Flight's flights and actions).
   *
   * @return one outline per hosted protocol
   */
  public List<ServiceOutline> outlines() {
    return server.protocols().all().stream().map(binding -> outline(binding.name(), binding.spec())).toList();
  }

  private static ServiceOutline outline(String name, ServiceSpec spec) {
    List<ServiceOutline.Method> methods = new ArrayList<>();
    for (MethodSpec method : spec.methods().values()) {
      ServiceOutline.Kind kind = switch (method.kind()) {
        case UNARY -> ServiceOutline.Kind.UNARY;
        case PRODUCER -> ServiceOutline.Kind.PRODUCER;
        case EXCHANGE -> ServiceOutline.Kind.EXCHANGE;
        case STREAM -> ServiceOutline.Kind.STREAM;
      };
      methods.add(new ServiceOutline.Method(method.name(), kind, method.params().schema(),
          kind == ServiceOutline.Kind.UNARY ? Optional.of(method.result().schema()) : Optional.empty(),
          method.output().map(RecordSchema::schema), method.input().map(RecordSchema::schema),
          method.header().map(RecordSchema::schema)));
    }
    return new ServiceOutline(name, spec.protocolVersion(), methods);
  }

  /**
   * The external locations calls are served with (large results uploaded and answered by reference,
   * pointer requests fetched); {@link ExternalLocations#none()} unless the builder or {@link
   * #external(ExternalLocations)} set them.
   *
   * @return the locations
   */
  public ExternalLocations external() {
    return server.external();
  }

  /**
   * Replaces the external locations, for calls that start afterwards (for example once storage that
   * needs this server's allocator exists, or to apply a transport's cap on externalized answers).
   *
   * @param locations the new locations
   */
  public void external(ExternalLocations locations) {
    server.external(Objects.requireNonNull(locations, "locations"));
  }

  /**
   * The engine's request/response seam over this server, for transports that carry one call or one
   * stream turn per request (see {@link RequestEngine}); the tokens seal and open the state of streams
   * between requests.
   *
   * @param tokens seals and opens stream state tokens
   * @return an engine that answers requests for this server's protocols
   */
  public RequestEngine requestEngine(StreamTokens tokens) {
    return new RequestHandler(server, Objects.requireNonNull(tokens, "tokens"));
  }

  /**
   * The engine's request/response seam (see {@link #requestEngine(StreamTokens)}) for a transport other
   * than HTTP: every call's {@link dev.arrowrpc.core.CallContext#transportKind()} reports {@code kind}.
   *
   * @param tokens seals and opens stream state tokens
   * @param kind the transport kind the calls report (Flight's actions and DoGet streams: {@link
   *     TransportKind#FLIGHT})
   * @return an engine that answers requests for this server's protocols
   */
  public RequestEngine requestEngine(StreamTokens tokens, TransportKind kind) {
    return new RequestHandler(server, Objects.requireNonNull(tokens, "tokens"), kind);
  }

  /**
   * {@return the names of the hosted protocols: the application protocols in registration order, then the framework's}
   */
  public List<String> protocols() {
    return server.protocols().all().stream().map(ServiceBinding::name).toList();
  }

  /**
   * {@return the identity protocol's configuration, if the server was built with one; an HTTP transport
   * reads it to accept sealed grants and resolvable credentials as bearers}
   */
  public Optional<IdentityConfig> identity() {
    return identity;
  }

  /** {@return the server's id, as stamped on its log and error batches} */
  public String serverId() {
    return server.serverId();
  }

  /** {@return the allocator calls draw from} */
  public BufferAllocator allocator() {
    return server.allocator();
  }

  /** Closes the allocator the server created (a leak shows as an exception here). */
  @Override
  public void close() {
    if (ownedAllocator != null) {
      ownedAllocator.close();
    }
  }

  /** Configures an {@link RpcServer}. */
  public static final class Builder {
    private final List<Class<?>> services = new ArrayList<>();
    private final List<Object> implementations = new ArrayList<>();
    private BufferAllocator allocator;
    private String serverId;
    private CallListener listener;
    private boolean tracebacks = true;
    private IdentityConfig identity;
    private ExternalLocations external;
    private WireLimits wireLimits = WireLimits.DEFAULT;
    /** Where {@link GrantKeys#KEYS_ENV} is read; null: grant keys are never taken from the environment. */
    private Map<String, String> environment = System.getenv();
    private Optional<String> serverVersion = Optional.empty();
    private boolean reflection = true;

    private Builder(Class<?> service, Object implementation) {
      protocol(service, implementation);
    }

    /**
     * Hosts another protocol, after those added before. Its name (from {@link RpcService#name()},
     * else the interface's simple name) must be unique, match {@code [A-Za-z_][A-Za-z0-9_.]*}, and
     * not start with the reserved {@code vgi_rpc.}; {@link #build()} checks.
     *
     * @param service the {@code @RpcService} interface
     * @param implementation the object serving it
     * @return this builder
     */
    public Builder protocol(Class<?> service, Object implementation) {
      services.add(Objects.requireNonNull(service, "service"));
      implementations.add(Objects.requireNonNull(implementation, "implementation"));
      return this;
    }

    /**
     * Uses the caller's allocator (the caller closes it); by default the server makes its own.
     *
     * @param allocator the allocator the server's batches come from
     * @return this builder
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Sets the server id (default: 12 random hex digits).
     *
     * @param serverId the id the server reports in {@code __describe__} and access records
     * @return this builder
     */
    public Builder serverId(String serverId) {
      this.serverId = Objects.requireNonNull(serverId, "serverId");
      return this;
    }

    /**
     * Whether error batches carry the server-side stack trace ({@code log_extra.traceback}, {@code
     * frames}, {@code cause}); on by default, on every transport. The error's type, message, code,
     * kind and details are sent either way. Turn it off when stack traces must not leave the
     * process.
     *
     * @param include whether error batches carry the stack trace
     * @return this builder
     */
    public Builder tracebacks(boolean include) {
      this.tracebacks = include;
      return this;
    }

    /**
     * Externalizes large batches and resolves inbound pointer batches (WIRE_PROTOCOL.md section
     * 12), on every transport; off by default.
     *
     * @param locations the storage, the fetcher, the threshold and the per-response upload cap
     * @return this builder
     */
    public Builder external(ExternalLocations locations) {
      this.external = Objects.requireNonNull(locations, "locations");
      return this;
    }

    /**
     * Sets the bounds every request is read under, on every transport: message body and metadata
     * sizes, rows per batch, schema nesting and fields, implied validity bytes, and the total body
     * bytes of one request. A request that breaks one is refused with a {@code ProtocolError}
     * naming the setting and its value. Default {@link WireLimits#DEFAULT}.
     *
     * @param limits the bounds
     * @return this builder
     */
    public Builder wireLimits(WireLimits limits) {
      this.wireLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Receives a record of every completed call, such as a {@link JsonlAccessLog}.
     *
     * @param listener called once per completed call
     * @return this builder
     */
    public Builder listener(CallListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Hosts the framework's {@code vgi_rpc.Identity.v2} with these hooks and policy: only the methods
     * whose hooks are configured, after reflection. Not hosted unless configured, or unless {@value
     * GrantKeys#KEYS_ENV} is set (see {@link #ignoreEnvironmentGrantKeys()}).
     *
     * @param config the hooks and policy
     * @return this builder
     */
    public Builder identity(IdentityConfig config) {
      this.identity = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the build version reflection reports for this server ({@code server_version}), such as the
     * application's release; by default this framework's name and version.
     *
     * @param version the version text
     * @return this builder
     */
    public Builder serverVersion(String version) {
      this.serverVersion = Optional.of(Objects.requireNonNull(version, "version"));
      return this;
    }

    /**
     * Whether the server hosts {@code vgi_rpc.Reflection.v1} (default yes), through which clients, the
     * {@code arrow-rpc} command line and generators read its protocols, methods and schemas. Turn it
     * off to keep them to yourself; the reference's servers host it only when asked ({@code
     * enable_describe}).
     *
     * @param enabled whether to host it
     * @return this builder
     */
    public Builder reflection(boolean enabled) {
      this.reflection = enabled;
      return this;
    }

    /**
     * Does not take sealed-grant keys from {@value GrantKeys#KEYS_ENV}. By default, as the reference's
     * servers do, a server built where that variable is set mints and accepts sealed grants with its
     * keys ({@code vgi_rpc.Identity.v2}'s {@code issue_grant}; grants as bearer tokens on HTTP, Unix
     * and TCP), with {@value GrantKeys#AUDIENCE_ENV} and {@value GrantKeys#MAX_TTL_ENV} when set.
     *
     * @return this builder
     */
    public Builder ignoreEnvironmentGrantKeys() {
      this.environment = null;
      return this;
    }

    /** Reads grant keys from these variables instead of the process's (tests). */
    Builder environment(Map<String, String> variables) {
      this.environment = Map.copyOf(variables);
      return this;
    }

    /**
     * The identity configuration to host: the one given, or sealed grants from the environment when its
     * keys are set and none was given.
     */
    private Optional<IdentityConfig> identityToHost() {
      Optional<GrantKeys> fromEnvironment;
      try {
        fromEnvironment = environment == null ? Optional.empty() : GrantKeys.fromEnvironment(environment);
      } catch (IllegalArgumentException e) {
        // refuse to start rather than run with keys misread
        throw new IllegalArgumentException(GrantKeys.KEYS_ENV + ": " + e.getMessage()
            + " (or build with ignoreEnvironmentGrantKeys())", e);
      }
      if (fromEnvironment.isEmpty()) {
        return Optional.ofNullable(identity);
      }
      if (identity == null) {
        return Optional.of(IdentityConfig.builder().grantKeys(fromEnvironment.get()).build());
      }
      if (identity.grantKeys().isEmpty()) {
        throw new IllegalArgumentException("grant keys are set in " + GrantKeys.KEYS_ENV + " and identity(...) was"
            + " given a configuration without them: pass IdentityConfig.builder().grantKeys(...) so the minter and"
            + " the verifier use the same keys, or build with ignoreEnvironmentGrantKeys()");
      }
      return Optional.of(identity); // its own keys win
    }

    /**
     * Builds the server; the protocols are validated and bound here, and fixed for its lifetime.
     *
     * @return the server, ready to be served on any transport
     * @throws IllegalArgumentException when a protocol cannot be served, saying what to fix
     * @throws IllegalStateException when the server makes its own allocator and the JVM lacks the
     *     flags Arrow needs (the message names them)
     */
    public RpcServer build() {
      List<ServiceBinding> bindings = new ArrayList<>();
      for (int i = 0; i < services.size(); i++) {
        bindings.add(ServiceBinding.bind(services.get(i), implementations.get(i)));
      }
      BufferAllocator owned = allocator == null ? RecyclingAllocations.newRootAllocator() : null;
      BufferAllocator memory = allocator == null ? owned : allocator;
      String id = serverId == null ? ServerState.newServerId() : serverId;
      try {
        Optional<IdentityConfig> hosted = identityToHost();
        ServerState server = new ServerState(bindings, memory, id, listener, hosted, serverVersion, reflection);
        server.tracebacks(tracebacks);
        server.wireLimits(wireLimits);
        if (external != null) {
          server.external(external);
        }
        return new RpcServer(server, owned, hosted);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
    }
  }
}
