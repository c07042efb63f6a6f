package dev.arrowrpc.conformance;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.http.StickyConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The conformance worker's sticky-session flags, as the reference's HTTP conformance server takes
 * them: {@code --sticky} (sticky sessions on, with the reference's fixed echo header and the
 * test-only drain route), {@code --sticky-ttl SECONDS} (the default session lifetime) and {@code
 * --sticky-auth} (the caller is the principal named in {@value #PRINCIPAL_HEADER}, anonymous
 * without it). Sessions are off unless {@code --sticky} is given.
 *
 * @param enabled whether sticky sessions are served
 * @param ttl the default session lifetime
 * @param principalHeaderAuth whether callers authenticate by {@value #PRINCIPAL_HEADER}
 * @param tokenKey the shared token key's text ({@code --token-key}), which also signs session tokens
 */
record StickyFlags(boolean enabled, Duration ttl, boolean principalHeaderAuth, Optional<String> tokenKey) {
  /** The request header naming the caller under {@code --sticky-auth} (a fixture convention). */
  static final String PRINCIPAL_HEADER = "X-Conformance-Principal";
  /** The authentication domain of such callers. */
  static final String PRINCIPAL_DOMAIN = "conformance";
  /** The echo header the reference's conformance server advertises. */
  static final String ECHO_HEADER = "x-vgi-conformance-echo";
  /** Its value. */
  static final String ECHO_VALUE = "conformance-fixed-marker";

  /**
   * Reads the sticky flags among the HTTP flags (the others are skipped).
   *
   * @param args the HTTP flags
   * @return the flags
   * @throws IllegalArgumentException when {@code --sticky-ttl} is not a positive integer
   */
  static StickyFlags parse(List<String> args) {
    boolean enabled = false;
    Duration ttl = StickyConfig.DEFAULT_TTL;
    boolean auth = false;
    Optional<String> key = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--sticky" -> enabled = true;
        case "--sticky-auth" -> auth = true;
        case "--sticky-ttl" -> ttl = Duration.ofSeconds(seconds(i + 1 < args.size() ? args.get(++i) : ""));
        case "--token-key" -> key = i + 1 < args.size() ? Optional.of(args.get(++i)) : Optional.empty();
        default -> {
          // another flag
        }
      }
    }
    return new StickyFlags(enabled, ttl, auth, key);
  }

  private static long seconds(String text) {
    try {
      long value = Long.parseLong(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--sticky-ttl takes a positive number of seconds, got " + text);
  }

  /**
   * Configures a server with these flags.
   *
   * @param builder the server's builder
   * @return the same builder
   */
  HttpRpcServer.Builder apply(HttpRpcServer.Builder builder) {
    if (principalHeaderAuth) {
      builder.authenticator(request -> request.header(PRINCIPAL_HEADER).filter(name -> !name.isBlank())
          .map(name -> Identity.of(name.strip(), PRINCIPAL_DOMAIN)).orElse(Identity.ANONYMOUS));
    }
    if (enabled) {
      StickyConfig.Builder config = StickyConfig.builder().defaultTtl(ttl).echoHeader(ECHO_HEADER, ECHO_VALUE)
          .testDrainRoute(true);
      tokenKey.map(HmacStreamTokens::parseKey).ifPresent(config::key);
      builder.sticky(config.build());
    }
    return builder;
  }
}
