package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallListener;
import dev.arrowrpc.core.ServeStart;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.identity.IdentityConfig;
import dev.arrowrpc.core.identity.IdentityService;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The state a server shares across its connections: the hosted protocols, its id, and the allocator
 * calls draw their memory from.
 */
public final class ServerState {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The build version reflection reports: this framework's name and version. */
  private static final String SERVER_VERSION = "arrow-rpc " + Optional.ofNullable(
      ServerState.class.getPackage().getImplementationVersion()).orElse("0.1.0");

  private final HostedProtocols protocols;
  private final BufferAllocator allocator;
  private final String serverId;
  private final CallListener listener;
  /** Whether the implementations' serve-start hooks have run (see {@link #serveStarted}). */
  private volatile boolean serveStarted;
  private volatile boolean tracebacks = true;
  private volatile ExternalLocations external = ExternalLocations.none();
  private volatile WireLimits wireLimits = WireLimits.DEFAULT;

  /**
   * Creates the state of a server hosting one protocol.
   *
   * @param binding the service and its implementation
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   */
  public ServerState(ServiceBinding binding, BufferAllocator allocator, String serverId) {
    this(List.of(binding), allocator, serverId, null);
  }

  /**
   * Creates the state with a listener for completed calls.
   *
   * @param application the application protocols, primary first, in registration order
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   * @param listener receives a record of every completed call, or null
   * @throws IllegalArgumentException when a protocol name is invalid, reserved or repeated
   */
  public ServerState(List<ServiceBinding> application, BufferAllocator allocator, String serverId,
      CallListener listener) {
    this(application, allocator, serverId, listener, Optional.empty());
  }

  /**
   * Creates the server, hosting {@code vgi_rpc.Identity.v2} too when configured with a hook.
   *
   * @param application the application protocols, primary first, in registration order
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   * @param listener receives a record of every completed call, or null
   * @param identity the identity protocol's hooks and policy, if any; it is hosted (after
   *     reflection, with only the methods whose hooks are configured) when it has a hook
   * @throws IllegalArgumentException when a protocol name is invalid, reserved or repeated
   */
  public ServerState(List<ServiceBinding> application, BufferAllocator allocator, String serverId,
      CallListener listener, Optional<IdentityConfig> identity) {
    this(application, allocator, serverId, listener, identity, Optional.empty(), true);
  }

  /**
   * Creates the server, choosing whether it hosts reflection and the version it reports.
   *
   * @param application the application protocols, primary first, in registration order
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   * @param listener receives a record of every completed call, or null
   * @param identity the identity protocol's hooks and policy, if any
   * @param serverVersion the build version reflection reports; empty: this framework's name and version
   * @param reflection whether {@code vgi_rpc.Reflection.v1} is hosted
   * @throws IllegalArgumentException when a protocol name is invalid, reserved or repeated
   */
  public ServerState(List<ServiceBinding> application, BufferAllocator allocator, String serverId,
      CallListener listener, Optional<IdentityConfig> identity, Optional<String> serverVersion, boolean reflection) {
    HostedProtocols hosted = HostedProtocols.of(application);
    List<HostedProtocol> described = new ArrayList<>();
    hosted.all().forEach(binding -> described.add(binding.hosted()));
    if (reflection) {
      described.add(ReflectionService.hosted());
    }
    Optional<ServiceBinding> identityBinding = identity.filter(config -> !config.hostedMethods().isEmpty())
        .map(config -> ServiceBinding.framework(IdentityService.spec(config.hostedMethods()), new IdentityService(config)));
    identityBinding.ifPresent(binding -> described.add(binding.hosted()));
    HostedProtocols all = hosted;
    if (reflection) {
      ReflectionService service = new ReflectionService(described, serverId, serverVersion.orElse(SERVER_VERSION),
          allocator);
      all = hosted.withFramework(ServiceBinding.framework(ReflectionService.spec(), service));
    }
    this.protocols = identityBinding.map(all::withFramework).orElse(all);
    this.allocator = allocator;
    this.serverId = serverId;
    this.listener = listener;
  }

  /**
   * Runs the implementations' {@link ServeStart} hooks once, with the transport that serves first;
   * later calls return at once. A failing hook is logged and leaves the server unstarted, so the next
   * call runs the hooks again.
   *
   * @param kind the transport about to dispatch its first request
   * @throws IOException saying a hook failed (its failure as the cause): nothing is to be served
   */
  public void serveStarted(TransportKind kind) throws IOException {
    if (serveStarted) {
      return;
    }
    synchronized (this) {
      if (serveStarted) {
        return;
      }
      try {
        for (ServiceBinding binding : protocols.all()) {
          if (!binding.isFramework() && binding.implementation() instanceof ServeStart hook) {
            hook.onServeStart(kind);
          }
        }
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(ServerState.class).error("a serve-start hook failed: nothing is served"
            + " until one succeeds", e);
        throw new IOException("a serve-start hook failed: " + e.getMessage(), e);
      }
      serveStarted = true;
    }
  }

  /** {@return the hosted protocols} */
  public HostedProtocols protocols() {
    return protocols;
  }

  /**
   * {@return whether error batches carry the traceback ({@code log_extra.traceback}, {@code frames}, {@code
   * cause}); on unless turned off}
   */
  public boolean tracebacks() {
    return tracebacks;
  }

  /**
   * Turns the tracebacks of error batches on or off, for every transport the server answers on.
   * The error type, message, code, kind and details are sent either way.
   *
   * @param include whether error batches carry tracebacks
   */
  public void tracebacks(boolean include) {
    this.tracebacks = include;
  }

  /** {@return how this server externalizes large batches and resolves inbound pointer batches} */
  public ExternalLocations external() {
    return external;
  }

  /**
   * Sets how this server externalizes large batches and resolves inbound pointer batches, on every
   * transport.
   *
   * @param locations the configuration ({@link ExternalLocations#none()} turns both off)
   */
  public void external(ExternalLocations locations) {
    this.external = java.util.Objects.requireNonNull(locations, "locations");
  }

  /** {@return the bounds requests are read under} */
  public WireLimits wireLimits() {
    return wireLimits;
  }

  /**
   * Sets the bounds requests are read under, on every transport.
   *
   * @param limits the bounds ({@link WireLimits#DEFAULT} unless set)
   */
  public void wireLimits(WireLimits limits) {
    this.wireLimits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** {@return whether completed calls are reported (a listener is set): else nothing gathers a report} */
  boolean reports() {
    return listener != null;
  }

  /** {@return the listener of completed calls, if any} */
  public Optional<CallListener> listener() {
    return Optional.ofNullable(listener);
  }

  /** {@return a fresh random server id: 12 lowercase hex digits, as the reference mints them} */
  public static String newServerId() {
    return randomHex(6);
  }

  /**
   * A fresh request id: 16 lowercase hex digits. Request ids label logs and errors and need not be
   * unguessable, so they come from the thread's fast generator rather than the secure one (which
   * serialises every call on one lock).
   */
  static String newRequestId() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** A fresh stream id: 32 lowercase hex digits. */
  static String newStreamId() {
    return randomHex(16);
  }

  private static String randomHex(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  /**
   * The protocol a record of a refused request names: the one it asked for when that is hosted,
   * else the primary (a request-supplied name that is not hosted never reaches a record).
   */
  ServiceBinding protocolOf(Map<String, String> requested) {
    String name = requested.get(dev.arrowrpc.core.wire.MetadataKeys.PROTOCOL);
    return (name == null ? Optional.<ServiceBinding>empty() : protocols.find(name)).orElse(protocols.primary());
  }

  /** {@return the allocator calls draw from} */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** {@return the server id} */
  public String serverId() {
    return serverId;
  }

  /**
   * Reports a completed call to the listener, if there is one. A listener that fails is logged, never
   * passed on to the call.
   *
   * @param report what the transport knows about the call, including the protocol it addressed
   */
  void report(CallReport report) {
    if (listener == null) {
      return;
    }
    try {
      listener.onCall(report.toRecord(serverId));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ServerState.class).warn("call listener failed", e);
    }
  }
}
