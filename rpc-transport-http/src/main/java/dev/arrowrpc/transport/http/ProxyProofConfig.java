package dev.arrowrpc.transport.http;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A worker's proxy-proof configuration (docs/proxy-proof-spec.md §5, §7, §10). Validated strictly
 * on construction: a secret that is not exactly 32 bytes, or {@code allow}/{@code require} without
 * an origin id or without secrets, is refused rather than served as something weaker than
 * configured.
 *
 * @param mode off, allow or require
 * @param originId this worker's id, folded into every MAC ({@code [A-Za-z0-9._:/-]{1,255}}); may be
 *     empty only when off
 * @param keys the accepted key ids and their secrets
 * @param skew the half-width of the accepted timestamp window (default 30 s)
 * @param replayCache whether accepted nonces are remembered, so a replay is refused
 * @param replayCapacity the most nonces remembered at once
 */
public record ProxyProofConfig(ProxyProofMode mode, String originId, Map<String, Key> keys, Duration skew,
    boolean replayCache, int replayCapacity) {

  /** The skew unless configured otherwise. */
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

  /**
   * One accepted key.
   *
   * @param secret the 32-byte secret shared with the proxy
   * @param label the operator's name for the proxy holding it (attribution, after verification)
   */
  public record Key(byte[] secret, String label) {
    /**
     * Copies the secret and checks its length.
     *
     * @param secret the 32-byte secret shared with the proxy
     * @param label the operator's name for the proxy holding it (attribution, after verification)
     */
    public Key {
      secret = Objects.requireNonNull(secret, "secret").clone();
      Objects.requireNonNull(label, "label");
      if (secret.length != ProxyProof.SECRET_LENGTH) {
        throw new IllegalArgumentException("a proxy-proof secret must be " + ProxyProof.SECRET_LENGTH
            + " bytes, got " + secret.length);
      }
    }

    /** {@return a copy of the secret} */
    @Override
    public byte[] secret() {
      return secret.clone();
    }

    /** The secret itself, for the verifier. */
    byte[] secretBytes() {
      return secret;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && java.util.Arrays.equals(secret, key.secret) && label.equals(key.label);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(secret) + label.hashCode();
    }

    @Override
    public String toString() {
      return "Key[label=" + label + ", secret=<redacted>]";
    }
  }

  /**
   * Validates the configuration.
   *
   * @param mode off, allow or require
   * @param originId this worker's id, folded into every MAC ({@code [A-Za-z0-9._:/-]{1,255}}); may be empty
   *     only when off
   * @param keys the accepted key ids and their secrets
   * @param skew the half-width of the accepted timestamp window (default 30 s)
   * @param replayCache whether accepted nonces are remembered, so a replay is refused
   * @param replayCapacity the most nonces remembered at once
   */
  public ProxyProofConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(originId, "originId");
    keys = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(keys, "keys")));
    Objects.requireNonNull(skew, "skew");
    if (replayCapacity <= 0) {
      throw new IllegalArgumentException("the replay-cache capacity must be positive");
    }
    if (mode != ProxyProofMode.OFF) {
      if (!ProxyProof.ORIGIN.matcher(originId).matches()) {
        throw new IllegalArgumentException("proxy-proof mode " + mode.name().toLowerCase(java.util.Locale.ROOT)
            + " needs an origin id matching " + ProxyProof.ORIGIN.pattern() + ", got '" + originId + "'");
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("proxy-proof mode " + mode.name().toLowerCase(java.util.Locale.ROOT)
            + " needs at least one secret");
      }
      for (String kid : keys.keySet()) {
        ProxyProof.require(ProxyProof.KID, kid, "key id");
      }
      if (skew.isNegative() || skew.isZero() || skew.getNano() != 0) {
        throw new IllegalArgumentException("the proxy-proof skew must be a positive whole number of seconds");
      }
    }
  }

  /**
   * A configuration with the default skew and replay cache.
   *
   * @param mode off, allow or require
   * @param originId this worker's id
   * @param keys the accepted keys
   * @return the configuration
   */
  public static ProxyProofConfig of(ProxyProofMode mode, String originId, Map<String, Key> keys) {
    return new ProxyProofConfig(mode, originId, keys, DEFAULT_SKEW, true, NonceCache.DEFAULT_CAPACITY);
  }

  /**
   * Parses {@code kid:hex[,kid:hex...]}: each key id with its secret as exactly 64 hex digits. The
   * key id doubles as the proxy's label. Any malformed entry fails the whole parse, so a typo never
   * silently drops a proxy's access.
   *
   * @param spec the specification
   * @return the keys, in the order given
   * @throws IllegalArgumentException on any malformed entry, or when there is none
   */
  public static Map<String, Key> parseSecrets(String spec) {
    Map<String, Key> keys = new LinkedHashMap<>();
    for (String chunk : spec.split(",", -1)) {
      String item = chunk.strip();
      if (item.isEmpty()) {
        continue;
      }
      int colon = item.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected kid:hex in the proxy-proof secrets");
      }
      String kid = item.substring(0, colon);
      String hex = item.substring(colon + 1);
      ProxyProof.require(ProxyProof.KID, kid, "key id");
      if (!hex.matches("[0-9A-Fa-f]{" + (2 * ProxyProof.SECRET_LENGTH) + "}")) {
        throw new IllegalArgumentException("the secret for key id " + kid + " must be exactly "
            + (2 * ProxyProof.SECRET_LENGTH) + " hex digits");
      }
      if (keys.put(kid, new Key(HexFormat.of().parseHex(hex), kid)) != null) {
        throw new IllegalArgumentException("key id " + kid + " is given twice");
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no proxy-proof secrets given");
    }
    return keys;
  }

  /** {@return whether a gate is installed at all} */
  public boolean enabled() {
    return mode != ProxyProofMode.OFF;
  }
}
