package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.StreamTokens;
import dev.arrowrpc.core.identity.IdentityBearerAuthenticator;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link RpcServer} over HTTP (Undertow), byte-compatible with the reference's HTTP
 * transport:
 *
 * <ul>
 *   <li>{@code POST {prefix}/{method}}: a unary call; {@code POST {prefix}/{method}/init} opens a
 *       stream and {@code POST {prefix}/{method}/exchange} runs each later turn or cancels it. The
 *       stream's state travels in encrypted, compressed tokens ({@link SealedStreamTokens}), so no
 *       session lives on the server and any replica holding the key can serve any turn.
 *   <li>{@code GET/HEAD/OPTIONS {prefix}/health}: JSON health and capability discovery, never
 *       behind authentication; {@code GET {prefix}} and {@code GET {prefix}/describe}: HTML landing
 *       and API reference pages.
 *   <li>Request bodies may be zstd- or gzip-encoded and are bounded ({@code maxRequestBytes}, 413)
 *       as they are read and decoded. Responses are streamed as produced; they are compressed only
 *       when enabled and the client asks.
 * </ul>
 *
 * <pre>{@code
 * try (HttpRpcServer http = HttpRpcServer.builder(rpcServer).port(8080).start()) {
 *   http.awaitTermination();
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops taking requests, lets those in flight finish (up to the drain timeout)
 * and stops the listener; it does not close the {@link RpcServer}.
 */
public final class HttpRpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRpcServer.class);

  private final Undertow undertow;
  private final GracefulShutdownHandler shutdown;
  private final InetSocketAddress address;
  private final String prefix;
  private final Duration drainTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Optional<StickySessions> sticky;
  private final ZstdDecoders decoders;

  private HttpRpcServer(Undertow undertow, GracefulShutdownHandler shutdown, InetSocketAddress address,
      String prefix, Duration drainTimeout, Optional<StickySessions> sticky, ZstdDecoders decoders) {
    this.sticky = sticky;
    this.decoders = decoders;
    this.undertow = undertow;
    this.shutdown = shutdown;
    this.address = address;
    this.prefix = prefix;
    this.drainTimeout = drainTimeout;
  }

  /**
   * Starts configuring a server for an {@link RpcServer}.
   *
   * @param server the server whose service is exposed
   * @return a builder
   */
  public static Builder builder(RpcServer server) {
    return new Builder(server);
  }

  /** {@return the port the server listens on (the bound one when configured with port 0)} */
  public int port() {
    return address.getPort();
  }

  /** {@return the address the server listens on} */
  public InetSocketAddress address() {
    return address;
  }

  /** {@return the base URL of the service, prefix included, for {@link HttpRpc#connect(String)}} */
  public String url() {
    String host = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
        ? "127.0.0.1" : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + address.getPort() + prefix;
  }

  /**
   * {@return the server's sticky sessions, when configured ({@link Builder#sticky}): the operator's handle
   * to drain them ({@link StickySessions#drain()}) and end them ({@link StickySessions#closeAll()})}
   */
  public Optional<StickySessions> stickySessions() {
    return sticky;
  }

  /**
   * Refuses new sticky sessions from now on (open ones keep serving until they end); a no-op
   * without sticky sessions. Call it ahead of {@link #close()} to retire a replica gracefully.
   */
  public void drainSessions() {
    sticky.ifPresent(StickySessions::drain);
  }

  /**
   * Blocks until the server has been closed (by {@link #close()}, possibly from a shutdown hook).
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Stops accepting requests, waits for those in flight (up to the drain timeout) and stops the
   * listener. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      shutdown.shutdown();
      if (!shutdown.awaitShutdown(drainTimeout.toMillis())) {
        LOG.warn("requests still in flight after {}; stopping anyway", drainTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      undertow.stop();
      sticky.ifPresent(StickySessions::shutdown);
      decoders.close();
      terminated.countDown();
    }
  }

  /**
   * Cross-origin access for browsers.
   *
   * @param origins the allowed origins, or {@code *} for any
   * @param maxAge how long a browser may cache a preflight answer
   */
  record Cors(Set<String> origins, Duration maxAge) {
    boolean anyOrigin() {
      return origins.contains("*");
    }

    boolean allows(String origin) {
      return anyOrigin() || origins.contains(origin);
    }
  }

  /** The configuration the request handler reads. */
  record Settings(String prefix, long maxRequestBytes, OptionalLong maxResponseBytes,
      OptionalLong preferredResponseBytes, boolean responseCompression, Optional<Authenticator> authenticator,
      Optional<Cors> cors, boolean landingPage, boolean describePage, ProxyAuth proxyAuth,
      Optional<ServeStartHook> serveStart, Uploads uploads, Duration bodyTimeout, int streamedBodies,
      Optional<OAuthResourceMetadata> oauth) {}

  /**
   * Client-side externalization: the provider behind {@code __upload_url__/init}, if any, and the
   * advertised upload-size limit.
   */
  record Uploads(Optional<UploadUrlProvider> provider, OptionalLong maxUploadBytes) {}

  /** Configures and starts an {@link HttpRpcServer}. */
  public static final class Builder {
    /** The request-size limit unless configured otherwise: 256 MiB, received and decoded alike. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 256L << 20;
    /** The default {@link #readTimeout(Duration)}, in seconds. */
    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 30;
    /** The default {@link #idleTimeout(Duration)}, in seconds. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** The default {@link #bodyTimeout(Duration)}, in seconds. */
    public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 60;
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS);
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);

    private final RpcServer server;
    private String host = "127.0.0.1";
    private int port;
    private String prefix = "";
    private StreamTokens tokens;
    private byte[] signingKey;
    private Duration tokenTtl = HmacStreamTokens.DEFAULT_TTL;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private OptionalLong maxResponseBytes = OptionalLong.empty();
    private OptionalLong preferredResponseBytes = OptionalLong.empty();
    private boolean responseCompression;
    private Authenticator authenticator;
    private Cors cors;
    private boolean landingPage = true;
    private boolean describePage = true;
    private OAuthResourceMetadata oauth;
    private int workerThreads;
    private int maxStreamedBodies;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration bodyTimeout = Duration.ofSeconds(DEFAULT_BODY_TIMEOUT_SECONDS);
    private ProxyProofConfig proxyProof;
    private List<String> proxyAuthHeaders = List.of();
    private ServeStartHook serveStart;
    private StickyConfig sticky;
    private UploadUrlProvider uploadUrls;
    private OptionalLong maxUploadBytes = OptionalLong.empty();
    private OptionalLong maxExternalizedResponseBytes = OptionalLong.empty();

    private Builder(RpcServer server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /**
     * Sets the address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface).
     *
     * @param host the host name or address
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the port (default 0: any free port, see {@link HttpRpcServer#port()}).
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the URL prefix the service is mounted at (default {@code ""}: the root, as the
     * reference and {@code vgi-rpc-test --prefix} default to).
     *
     * @param prefix a path such as {@code /vgi}, or empty
     * @return this builder
     */
    public Builder prefix(String prefix) {
      String p = Objects.requireNonNull(prefix, "prefix").strip();
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !p.startsWith("/")) {
        p = "/" + p;
      }
      this.prefix = p;
      return this;
    }

    /**
     * Sets the key stream tokens are sealed with ({@link SealedStreamTokens}). Replicas behind one load
     * balancer must share it.
     * Without a key (and without {@link #tokens}), the key comes from {@value
     * HmacStreamTokens#KEY_ENVIRONMENT_VARIABLE}, or is made at random with a warning.
     *
     * @param key at least 16 bytes, 32 recommended
     * @return this builder
     */
    public Builder signingKey(byte[] key) {
      this.signingKey = Objects.requireNonNull(key, "key").clone();
      return this;
    }

    /**
     * Sets how long a stream token stays valid (default one hour; {@link Duration#ZERO}: no limit).
     * A stream idle for longer cannot be resumed.
     *
     * @param ttl the lifetime
     * @return this builder
     */
    public Builder tokenTtl(Duration ttl) {
      this.tokenTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Uses fully configured stream tokens (key rotation, clock), replacing {@link #signingKey} and
     * {@link #tokenTtl}.
     *
     * @param tokens the tokens
     * @return this builder
     */
    public Builder tokens(StreamTokens tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * Caps every response body (decoded Arrow IPC bytes, before content coding) and advertises the
     * cap in {@code VGI-Max-Response-Bytes}; a response over it is replaced by a {@code
     * ResponseTooLargeError}. Clients may ask for a lower cap per request with {@code
     * VGI-Accept-Max-Response-Bytes}; the lower of the two applies, and a stream's turns never get
     * more than its init had. Methods see it in {@link dev.arrowrpc.core.CallContext#responseBudget()}.
     * Unset by default.
     *
     * @param bytes the cap, from 65,536 (64 KiB) through 2^53-1, the portable range of the reference
     * @return this builder
     * @throws IllegalArgumentException when the cap lies outside that range
     */
    public Builder maxResponseBytes(long bytes) {
      this.maxResponseBytes = OptionalLong.of(portable("maxResponseBytes", bytes));
      return this;
    }

    /**
     * Sets the size the server prefers responses to stay under: not a limit, a target that methods
     * read from {@link dev.arrowrpc.core.CallContext#responseBudget()} (for example a producer sizing
     * its batches), never above the response's hard limit there. Not sent on the wire. Unset by default.
     *
     * @param bytes the target, from 65,536 (64 KiB) through 2^53-1
     * @return this builder
     * @throws IllegalArgumentException when the target lies outside that range
     */
    public Builder preferredResponseBytes(long bytes) {
      this.preferredResponseBytes = OptionalLong.of(portable("preferredResponseBytes", bytes));
      return this;
    }

    /** Checks a response size lies in the range every vgi-rpc client can hold and honour. */
    private static long portable(String name, long bytes) {
      if (bytes < ResponseCap.MIN || bytes > ResponseCap.MAX) {
        throw new IllegalArgumentException(name + " must be from " + ResponseCap.MIN + " through "
            + ResponseCap.MAX + " (2^53-1), got " + bytes);
      }
      return bytes;
    }

    /**
     * Sets the largest request body accepted, as received and as decoded from its content encoding
     * (default {@value #DEFAULT_MAX_REQUEST_BYTES}); larger ones are refused with 413. Advertised
     * in {@code VGI-Max-Request-Bytes}.
     *
     * @param bytes the limit
     * @return this builder
     */
    public Builder maxRequestBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /**
     * Compresses responses (zstd or gzip) for clients that ask for it (default off, advertised as an
     * empty {@code VGI-Supported-Encodings}). Compressed request bodies are decoded either way.
     *
     * @param enabled whether to compress
     * @return this builder
     */
    public Builder responseCompression(boolean enabled) {
      this.responseCompression = enabled;
      return this;
    }

    /**
     * Authenticates every request except {@code /health} and {@code OPTIONS} (default: everyone is
     * anonymous).
     *
     * @param authenticator decides who is calling, or refuses with 401
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Lets browsers on these origins call the service (default: no CORS headers at all).
     *
     * @param origins the allowed origins, such as {@code https://app.example}, or {@code *}
     * @return this builder
     */
    public Builder cors(String... origins) {
      if (origins.length == 0) {
        throw new IllegalArgumentException("give at least one origin, or *");
      }
      this.cors = new Cors(Set.copyOf(List.of(origins)), cors == null ? Duration.ofHours(2) : cors.maxAge());
      return this;
    }

    /**
     * Sets how long browsers may cache a CORS preflight answer (default two hours).
     *
     * @param maxAge the lifetime
     * @return this builder
     */
    public Builder corsMaxAge(Duration maxAge) {
      if (cors == null) {
        throw new IllegalStateException("configure cors(...) first");
      }
      this.cors = new Cors(cors.origins(), Objects.requireNonNull(maxAge, "maxAge"));
      return this;
    }

    /**
     * Serves OAuth protected-resource metadata (RFC 9728) at {@code GET
     * /.well-known/oauth-protected-resource} and at that path followed by the prefix, without
     * authentication, and points every 401's {@code WWW-Authenticate} challenge at it (instead of the
     * authenticator's own challenge), so OAuth-aware clients find where to log in. Off by default.
     *
     * @param metadata the document
     * @return this builder
     */
    public Builder oauthResourceMetadata(OAuthResourceMetadata metadata) {
      this.oauth = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    /**
     * Serves the HTML landing page at {@code GET {prefix}} (default on).
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder landingPage(boolean enabled) {
      this.landingPage = enabled;
      return this;
    }

    /**
     * Serves the HTML API reference at {@code GET {prefix}/describe} (default on).
     *
     * @param enabled whether to serve it
     * @return this builder
     */
    public Builder describePage(boolean enabled) {
      this.describePage = enabled;
      return this;
    }

    /**
     * Gates every request on a {@value ProxyProof#HEADER} proof minted by a trusted proxy
     * (docs/proxy-proof-spec.md). {@code off} installs nothing; {@code allow} verifies and records
     * but never refuses; {@code require} refuses a request without a valid proof with 401 {@code
     * proxy_required}, before the {@link #authenticator} runs (the two are ANDed), and advertises
     * {@value ProxyProof#REQUIRED_HEADER}{@code : true} on every response. {@code OPTIONS}, {@code
     * {prefix}/health} and {@code /.well-known/} paths are exempt.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder proxyProof(ProxyProofConfig config) {
      this.proxyProof = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Declares the headers a reverse proxy must add for the {@link #authenticator} to succeed (for
     * example a forwarded client certificate): every 401 then says that the service depends on a
     * proxy ({@code VGI-Auth-Proxy-Required: true} and a {@code proxy_hint} naming them). A
     * require-mode {@link #proxyProof} declares its own header.
     *
     * @param headers the header names
     * @return this builder
     */
    public Builder proxyAuthHeaders(String... headers) {
      this.proxyAuthHeaders = List.of(headers);
      return this;
    }

    /**
     * Runs a hook once, on the first request this server handles (the transport's serve-start
     * notification, fired lazily so that it runs in the serving process). When the hook throws,
     * that request is answered with 500 and the next request runs the hook again, until it
     * succeeds once.
     *
     * @param hook the hook
     * @return this builder
     */
    public Builder onServeStart(ServeStartHook hook) {
      this.serveStart = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Sets the number of threads that run calls (default: Undertow's, eight per I/O thread).
     *
     * @param threads the thread count
     * @return this builder
     */
    public Builder workerThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("workerThreads must be positive");
      }
      this.workerThreads = threads;
      return this;
    }

    /**
     * Sets how long a connection may wait for more bytes of a request it has started to send: its
     * headers, which must all arrive within it (Undertow's {@code REQUEST_PARSE_TIMEOUT}, a total),
     * or the next bytes of its body (XNIO's {@code READ_TIMEOUT}, per wait; see {@link
     * #bodyTimeout(Duration)} for the total).
     * When it passes, the server closes the connection, so a client trickling a request cannot hold a
     * worker thread. Default {@value #DEFAULT_READ_TIMEOUT_SECONDS} s; {@link Duration#ZERO} disables.
     *
     * @param timeout the read timeout
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = nonNegative(timeout, "readTimeout");
      return this;
    }

    /**
     * Sets how long a connection may stay open without a request (Undertow's {@code
     * NO_REQUEST_TIMEOUT}): a keep-alive connection that sends nothing for this long is closed. It
     * does not run while a request is being served, however long the call computes. Default {@value
     * #DEFAULT_IDLE_TIMEOUT_SECONDS} s; {@link Duration#ZERO} disables. The {@link #readTimeout} runs
     * while a kept-alive connection waits for its next request too, so an idle connection is closed after
     * the smaller of the two.
     *
     * @param timeout the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * Sets how long a request body may take to arrive whole, from when its headers are read. The
     * read timeout bounds each wait for more bytes; this bounds their sum, so a client that sends a
     * {@code Content-Length} and then a byte every few seconds cannot hold a worker thread. A body
     * still arriving when it passes is answered {@code 408} with a JSON body ({@code title}, {@code
     * description}) and the connection is closed; the check runs as bytes arrive, so the answer comes
     * at the first byte after the deadline (or when the read timeout ends the wait); a body of at
     * most 16 MiB, received without a worker thread, is answered by a timer at the deadline. Default {@value
     * #DEFAULT_BODY_TIMEOUT_SECONDS} s; {@link Duration#ZERO} disables.
     *
     * @param timeout the body timeout
     * @return this builder
     */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = nonNegative(timeout, "bodyTimeout");
      return this;
    }

    /**
     * Sets how many request bodies may be read as they arrive at once, each holding a worker thread:
     * bodies of unknown length ({@code Transfer-Encoding: chunked}) and those over 16 MiB. Bodies
     * with a smaller {@code Content-Length} are received without holding a thread and are not
     * counted. A call that finds no place within a quarter second is answered {@code 503} with a
     * JSON body and {@code Retry-After: 1}, and its connection is closed. Default: half the worker
     * threads, at least one.
     *
     * @param bodies the bound, at least 1
     * @return this builder
     */
    public Builder maxStreamedBodies(int bodies) {
      if (bodies <= 0) {
        throw new IllegalArgumentException("maxStreamedBodies must be positive");
      }
      this.maxStreamedBodies = bodies;
      return this;
    }

    /** The worker threads the server runs with: the configured count, or Undertow's default. */
    private int effectiveWorkerThreads() {
      return workerThreads > 0 ? workerThreads : Math.max(Runtime.getRuntime().availableProcessors(), 2) * 8;
    }

    private static Duration nonNegative(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return timeout;
    }

    /**
     * Sets how long {@link HttpRpcServer#close()} waits for requests in flight (default 30 s; zero:
     * not at all; negative is refused).
     *
     * @param timeout the drain timeout
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = nonNegative(timeout, "drainTimeout");
      return this;
    }

    /**
     * Serves sticky sessions ({@link dev.arrowrpc.core.Sessions}) as configured (default: none, and
     * the wire carries no sticky header).
     *
     * @param config the sessions' configuration
     * @return this builder
     */
    public Builder sticky(StickyConfig config) {
      this.sticky = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Serves {@code POST {prefix}/__upload_url__/init} with pairs from this provider and advertises
     * {@code VGI-Upload-URL-Support}, so clients can externalize requests larger than {@code
     * maxRequestBytes}; the server resolves the pointer batches they send with the fetcher of its
     * {@link dev.arrowrpc.core.external.ExternalLocations}.
     *
     * @param provider vends the pairs
     * @param maxUploadBytes the upload limit advertised as {@code VGI-Max-Upload-Bytes}
     * @return this builder
     */
    public Builder uploadUrls(UploadUrlProvider provider, long maxUploadBytes) {
      if (maxUploadBytes < 1) {
        throw new IllegalArgumentException("maxUploadBytes must be positive");
      }
      this.uploadUrls = Objects.requireNonNull(provider, "provider");
      this.maxUploadBytes = OptionalLong.of(maxUploadBytes);
      return this;
    }

    /**
     * Caps the bytes one response may upload to external storage, a hard cap on every method kind
     * (the upload that would pass it fails the call instead); advertised as {@code
     * VGI-Max-Externalized-Response-Bytes} when the server externalizes. Sets the cap of the RPC
     * server's {@link dev.arrowrpc.core.external.ExternalLocations} when this server starts.
     *
     * @param bytes the cap
     * @return this builder
     */
    public Builder maxExternalizedResponseBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxExternalizedResponseBytes must be positive");
      }
      this.maxExternalizedResponseBytes = OptionalLong.of(bytes);
      return this;
    }

    /**
     * Binds the listener and starts serving.
     *
     * @return the running server
     * @throws IllegalStateException when the address cannot be bound
     */
    public HttpRpcServer start() {
      StreamTokens sealed = tokens;
      if (sealed == null) {
        HmacStreamTokens.Builder hmac = HmacStreamTokens.builder().ttl(tokenTtl);
        if (signingKey != null) {
          hmac.key(signingKey);
        }
        sealed = SealedStreamTokens.of(hmac.build());
      }
      maxExternalizedResponseBytes.ifPresent(cap -> server.external(
          server.external().withMaxExternalizedResponseBytes(cap)));
      Settings settings = new Settings(prefix, maxRequestBytes, maxResponseBytes, preferredResponseBytes,
          responseCompression,
          IdentityBearerAuthenticator.wrap(server.identity(), Optional.ofNullable(authenticator)),
          Optional.ofNullable(cors), landingPage, describePage,
          ProxyAuth.of(proxyProof == null || !proxyProof.enabled()
              ? Optional.empty() : Optional.of(new ProxyProofGate(proxyProof)), proxyAuthHeaders),
          Optional.ofNullable(serveStart), new Uploads(Optional.ofNullable(uploadUrls), maxUploadBytes), bodyTimeout,
          maxStreamedBodies > 0 ? maxStreamedBodies : Math.max(1, effectiveWorkerThreads() / 2),
          Optional.ofNullable(oauth));
      Optional<StickySessions> sessions = Optional.ofNullable(sticky).map(config -> new StickySessions(config,
          config.key().orElseGet(this::sessionKey), server.serverId(), server.allocator(), java.time.Clock.systemUTC()));
      ZstdDecoders decoders = ZstdDecoders.forMachine();
      RpcHttpHandler handler = new RpcHttpHandler(server, server.requestEngine(sealed), settings,
          sessions, decoders);
      // a client that sent "Expect: 100-continue" (curl, for bodies over 1 MiB) is told to go on when
      // the handler first reads the body; a request refused before that gets its final answer only
      GracefulShutdownHandler graceful = Handlers.gracefulShutdown(Handlers.httpContinueRead(handler));
      // request bodies are bounded by RequestBody (413), not by Undertow's default 2 MiB cut-off
      Undertow.Builder undertow = Undertow.builder().addHttpListener(port, host).setHandler(graceful)
          .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE);
      // slow or silent clients: no request within idleTimeout, or a request stalled for readTimeout,
      // closes the connection. Undertow's IDLE_TIMEOUT is left off: it would also cut a call that
      // computes longer than it without I/O.
      if (!readTimeout.isZero()) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, readTimeout.toMillis()));
        undertow.setSocketOption(org.xnio.Options.READ_TIMEOUT, millis)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis);
      }
      if (!idleTimeout.isZero()) {
        undertow.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT,
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, idleTimeout.toMillis())));
      }
      if (workerThreads > 0) {
        undertow.setWorkerThreads(workerThreads);
      }
      Undertow started = undertow.build();
      try {
        started.start();
      } catch (RuntimeException e) {
        sessions.ifPresent(StickySessions::shutdown);
        decoders.close();
        throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
      InetSocketAddress bound = (InetSocketAddress) started.getListenerInfo().get(0).getAddress();
      LOG.info("serving {} over HTTP at {}:{}{}", server.protocols(), bound.getHostString(),
          bound.getPort(), prefix.isEmpty() ? "/" : prefix);
      return new HttpRpcServer(started, graceful, bound, prefix, drainTimeout, sessions, decoders);
    }

    /** The session-token key when none is configured: the signing key, the environment's, or random. */
    private byte[] sessionKey() {
      if (signingKey != null) {
        return signingKey.clone();
      }
      String fromEnvironment = System.getenv(HmacStreamTokens.KEY_ENVIRONMENT_VARIABLE);
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return HmacStreamTokens.parseKey(fromEnvironment);
      }
      byte[] random = new byte[32];
      new java.security.SecureRandom().nextBytes(random);
      return random;
    }
  }
}
