package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link HttpRpcServer} serves sticky sessions ({@link dev.arrowrpc.core.Sessions}): the
 * default session lifetime, the echo headers a session-opening response asks the client to replay
 * (client-driven routing, such as {@code fly-force-instance-id}), and the key session tokens are
 * signed with. Give it to {@link HttpRpcServer.Builder#sticky}; without it a server has no sticky
 * sessions and its wire is unchanged.
 */
public final class StickyConfig {
  /** The default session lifetime unless configured otherwise: five minutes. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(300);

  private final Duration defaultTtl;
  private final Map<String, String> echoHeaders;
  private final Optional<byte[]> key;
  private final boolean testDrainRoute;

  private StickyConfig(Builder builder) {
    this.defaultTtl = builder.defaultTtl;
    this.echoHeaders = Map.copyOf(builder.echoHeaders);
    this.key = Optional.ofNullable(builder.key).map(byte[]::clone);
    this.testDrainRoute = builder.testDrainRoute;
  }

  /**
   * Starts a configuration.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the lifetime of a session opened without one (whole seconds, advertised)} */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /** {@return the echo headers, name to value, in the order configured} */
  public Map<String, String> echoHeaders() {
    return echoHeaders;
  }

  /** The key session tokens are signed with, if configured (else the server's signing key). */
  Optional<byte[]> key() {
    return key.map(byte[]::clone);
  }

  /** Whether {@code POST/DELETE {prefix}/__test_drain__} toggles draining (tests only). */
  boolean testDrainRoute() {
    return testDrainRoute;
  }

  /** Builds a {@link StickyConfig}. */
  public static final class Builder {
    private Duration defaultTtl = DEFAULT_TTL;
    private final Map<String, String> echoHeaders = new LinkedHashMap<>();
    private byte[] key;
    private boolean testDrainRoute;

    private Builder() {}

    /**
     * Sets the lifetime of a session opened without one (default {@link #DEFAULT_TTL}).
     *
     * @param ttl at least one second, whole seconds
     * @return this builder
     */
    public Builder defaultTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toSeconds() < 1 || ttl.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException("the default session TTL is a positive number of whole seconds");
      }
      this.defaultTtl = ttl;
      return this;
    }

    /**
     * Adds an echo header: every session-opening response carries {@code VGI-Echo-<name>: value},
     * which a client replays as {@code <name>: value} on the session's later requests.
     *
     * @param name a header name (token characters)
     * @param value its value (visible ASCII)
     * @return this builder
     */
    public Builder echoHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("not a header name: " + name);
      }
      if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("a header value must be visible ASCII");
      }
      echoHeaders.put(name.toLowerCase(Locale.ROOT), value);
      return this;
    }

    /**
     * Signs session tokens with this key (default: the server's stream-token signing key, else
     * {@value HmacStreamTokens#KEY_ENVIRONMENT_VARIABLE}, else a random key for the process).
     * Replicas need not share it (a session lives in one process), but a shared one is how a
     * replica tells another's token from a forged one.
     *
     * @param key at least {@value HmacStreamTokens#MIN_KEY_BYTES} bytes
     * @return this builder
     */
    public Builder key(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < HmacStreamTokens.MIN_KEY_BYTES) {
        throw new IllegalArgumentException("a session key needs at least " + HmacStreamTokens.MIN_KEY_BYTES + " bytes");
      }
      this.key = key.clone();
      return this;
    }

    /**
     * Serves {@code POST {prefix}/__test_drain__} (start draining) and {@code DELETE
     * {prefix}/__test_drain__} (stop), as conformance workers do so a test can drain a server
     * over the wire. Never enable it in production: anyone who can reach it can refuse new sessions.
     *
     * @param enabled whether to serve it (default off)
     * @return this builder
     */
    public Builder testDrainRoute(boolean enabled) {
      this.testDrainRoute = enabled;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     */
    public StickyConfig build() {
      return new StickyConfig(this);
    }
  }
}
