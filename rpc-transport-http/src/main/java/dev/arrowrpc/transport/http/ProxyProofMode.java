package dev.arrowrpc.transport.http;

import java.util.Locale;

/** How a worker treats the {@code VGI-Proxy-Proof} header (docs/proxy-proof-spec.md §7). */
public enum ProxyProofMode {
  /** No gate is installed: the header is neither read nor advertised. */
  OFF,
  /** Proofs are verified and recorded, but a request without a valid one is still served. */
  ALLOW,
  /** A request without a valid proof is refused with 401 {@code proxy_required}. */
  REQUIRE;

  /**
   * Reads a mode from its command-line spelling.
   *
   * @param text {@code off}, {@code allow} or {@code require}
   * @return the mode
   * @throws IllegalArgumentException for any other text
   */
  public static ProxyProofMode parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "off" -> OFF;
      case "allow" -> ALLOW;
      case "require" -> REQUIRE;
      default -> throw new IllegalArgumentException("proxy-proof mode must be off, allow or require, got " + text);
    };
  }
}
