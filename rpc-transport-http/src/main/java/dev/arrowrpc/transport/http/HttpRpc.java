package dev.arrowrpc.transport.http;

import com.github.luben.zstd.Zstd;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Connects to a vgi-rpc service over HTTP: to an {@link HttpRpcServer}, or to any implementation
 * of the protocol's HTTP transport (such as the reference's).
 *
 * <pre>{@code
 * try (RpcClient client = HttpRpc.connect("http://localhost:8080")) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>Calls may run concurrently from several threads; each stream turn is a request of its own.
 * A refusal that is not an Arrow stream surfaces as an {@link dev.arrowrpc.core.RpcException} of
 * type {@code AuthenticationError} (401), {@code PayloadTooLarge} (413) or {@code TransportError}
 * (anything else), quoting the status and body.
 *
 * <p>Each response body is held to a budget, 256 MiB by default as in the reference's client ({@link
 * Builder#acceptMaxResponseBytes(long)}, {@link Builder#unboundedResponses()}): it is sent to the
 * server in {@code VGI-Accept-Max-Response-Bytes}, and a body past it fails with a {@code
 * ResponseTooLargeError}; a server that does not advertise support for the header is refused with a
 * {@code ProtocolError} before the first call (see {@link HttpTransport}).
 */
public final class HttpRpc {
  private HttpRpc() {}

  /**
   * Connects with default settings.
   *
   * @param url the service's base URL, prefix included, such as {@code http://host:8080/vgi}
   * @return the client
   */
  public static RpcClient connect(String url) {
    return builder(url).build();
  }

  /**
   * Starts configuring a client.
   *
   * @param url the service's base URL, prefix included
   * @return a builder
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** Configures an HTTP client. */
  public static final class Builder {
    private final HttpUrl base;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofMinutes(5);
    private Duration writeTimeout = Duration.ofMinutes(5);
    private Duration callTimeout = Duration.ZERO;
    private Optional<Integer> compressionLevel = Optional.of(1);
    private OptionalLong responseBudget = OptionalLong.of(ResponseCap.DEFAULT);
    private int maxIdleConnections = 5;
    private Duration keepAlive = Duration.ofMinutes(5);
    private OkHttpClient client;
    private BufferAllocator allocator;
    private Consumer<LogMessage> onLog;

    private Builder(String url) {
      HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "url"));
      if (parsed == null) {
        throw new IllegalArgumentException("not an http(s) URL: " + url);
      }
      HttpUrl.Builder trimmed = parsed.newBuilder();
      // drop a trailing slash: routes are appended as path segments
      String path = parsed.encodedPath();
      if (path.endsWith("/") && parsed.pathSize() > 0 && parsed.pathSegments().get(parsed.pathSize() - 1).isEmpty()) {
        trimmed.removePathSegment(parsed.pathSize() - 1);
      }
      this.base = trimmed.build();
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with every request.
     *
     * @param token the token
     * @return this builder
     */
    public Builder bearerToken(String token) {
      return header("Authorization", "Bearer " + Objects.requireNonNull(token, "token"));
    }

    /**
     * Sends a header with every request.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the connect timeout (default 10 s).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the read timeout: the longest wait for response bytes, and so for a call's result
     * (default 5 min).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the write timeout (default 5 min).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Bounds each whole request, from connect to the end of the response (default: none).
     *
     * @param timeout the timeout, {@link Duration#ZERO} for none
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Whether request bodies are compressed (default on, zstd at level 1, as the reference's {@code
     * http_connect}; off sends every body as it is, which can pay on a fast network with large
     * bodies that do not compress). Only a body of 1 KiB or more is compressed, whether on by
     * default, here or with a level: a smaller one (a typical call's request) is sent as it is,
     * since encoding it would cost more than the bytes it saves (the reference compresses every
     * body). A body is encoded with the first of zstd and gzip that the server's {@code
     * VGI-Supported-Encodings} lists, else zstd; a 415 refusal that names other codings (or none) is
     * answered by sending the body again with one of them (or uncompressed). {@code true} keeps a
     * level {@link #compressRequests(int)} set. See {@link HttpTransport}.
     *
     * @param enabled whether to compress
     * @return this builder
     */
    public Builder compressRequests(boolean enabled) {
      this.compressionLevel = enabled ? Optional.of(compressionLevel.orElse(1)) : Optional.empty();
      return this;
    }

    /**
     * Compresses request bodies as {@link #compressRequests(boolean)} does, zstd at the given level
     * (gzip, when the server takes only that, at its default), as the reference's {@code
     * compression_level}; bodies under 1 KiB still go as they are.
     *
     * @param zstdLevel the zstd level, from {@code Zstd.minCompressionLevel()} (negative: faster)
     *     through {@code Zstd.maxCompressionLevel()} (22)
     * @return this builder
     * @throws IllegalArgumentException when the level is out of that range
     */
    public Builder compressRequests(int zstdLevel) {
      if (zstdLevel < Zstd.minCompressionLevel() || zstdLevel > Zstd.maxCompressionLevel()) {
        throw new IllegalArgumentException("the zstd level must be from " + Zstd.minCompressionLevel() + " through "
            + Zstd.maxCompressionLevel() + ", got " + zstdLevel);
      }
      this.compressionLevel = Optional.of(zstdLevel);
      return this;
    }

    /**
     * Sets the response budget: the most bytes one decoded response body may hold (default 256 MiB,
     * the reference's client's default). It is sent as {@code VGI-Accept-Max-Response-Bytes} on
     * every request and checked on every body this client reads; the server must advertise support
     * for it.
     *
     * @param bytes the limit, from 65536 through 2^53-1 (9007199254740991), the portable range
     * @return this builder
     * @throws IllegalArgumentException when the limit is outside that range
     */
    public Builder acceptMaxResponseBytes(long bytes) {
      this.responseBudget = OptionalLong.of(ResponseCap.check(bytes));
      return this;
    }

    /**
     * Drops the response budget: no {@code VGI-Accept-Max-Response-Bytes} header, no capability
     * discovery before the first call, no limit on response bodies (the reference's {@code
     * accepted_max_response_bytes=None}, for servers that predate the header).
     *
     * @return this builder
     */
    public Builder unboundedResponses() {
      this.responseBudget = OptionalLong.empty();
      return this;
    }

    /**
     * Configures the connection pool (default: 5 idle connections kept 5 minutes).
     *
     * @param maxIdle the most idle connections kept
     * @param keepAlive how long an idle connection is kept
     * @return this builder
     */
    public Builder connectionPool(int maxIdle, Duration keepAlive) {
      if (maxIdle < 0) {
        throw new IllegalArgumentException("maxIdle cannot be negative");
      }
      this.maxIdleConnections = maxIdle;
      this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
      return this;
    }

    /**
     * Uses a caller-configured OkHttp client (TLS, proxies, interceptors) instead of building one;
     * the timeouts and pool set here are then ignored, and closing the client leaves it open.
     *
     * @param client the client
     * @return this builder
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Uses the caller's allocator for results (the caller closes it); by default the client makes
     * its own.
     *
     * @param allocator the allocator
     * @return this builder
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Receives the server's log messages.
     *
     * @param onLog the callback
     * @return this builder
     */
    public Builder onLog(Consumer<LogMessage> onLog) {
      this.onLog = Objects.requireNonNull(onLog, "onLog");
      return this;
    }

    /**
     * Builds just the transport, for an {@link RpcClient} configured by hand or for several
     * clients.
     *
     * @return the transport
     */
    public HttpTransport transport() {
      if (client != null) {
        return new HttpTransport(client, base, headers, compressionLevel, responseBudget, false);
      }
      OkHttpClient built = new OkHttpClient.Builder()
          .socketFactory(new ClientSocketFactory())
          .connectionPool(new ConnectionPool(maxIdleConnections, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
          .connectTimeout(connectTimeout)
          .readTimeout(readTimeout)
          .writeTimeout(writeTimeout)
          .callTimeout(callTimeout)
          .build();
      return new HttpTransport(built, base, headers, compressionLevel, responseBudget, true);
    }

    /**
     * Builds the client.
     *
     * @return the client; closing it closes the transport
     */
    public RpcClient build() {
      RpcClient.Builder builder = RpcClient.builder(transport());
      if (allocator != null) {
        builder.allocator(allocator);
      }
      if (onLog != null) {
        builder.onLog(onLog);
      }
      return builder.build();
    }
  }
}
