package dev.arrowrpc.core.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A deployment's sealed-grant configuration (IDENTITY_V2_SPEC.md §9.1): 32-byte keys, the first of
 * which mints while every one verifies (rotation: add the new key first, drop the old one once its
 * grants have expired), the audience bound into every grant, the lifetime ceiling and the clock skew
 * tolerated when verifying.
 */
public final class GrantKeys {
  /** Comma-separated standard-base64 keys, minting key first. */
  public static final String KEYS_ENV = "VGI_RPC_GRANT_KEYS";
  /** The audience (default empty). */
  public static final String AUDIENCE_ENV = "VGI_RPC_GRANT_AUDIENCE";
  /** The lifetime ceiling in seconds (default {@value #DEFAULT_MAX_TTL_SECONDS}). */
  public static final String MAX_TTL_ENV = "VGI_RPC_GRANT_MAX_TTL_SECONDS";
  /** Seven days. */
  public static final long DEFAULT_MAX_TTL_SECONDS = 7L * 24 * 3600;
  /** Sixty seconds. */
  public static final long DEFAULT_CLOCK_SKEW_SECONDS = 60;

  static final int KEY_BYTES = 32;
  static final int KID_BYTES = 8;
  private static final byte[] KID_DOMAIN = "vgi_rpc.grant.kid.v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AAD_DOMAIN = "vgi_rpc.grant.v1\0".getBytes(StandardCharsets.US_ASCII);

  private final List<byte[]> keys;
  private final List<byte[]> kids;
  private final String audience;
  private final long maxTtlSeconds;
  private final long clockSkewSeconds;

  /**
   * Checks and fixes a configuration.
   *
   * @param keys 32-byte keys, minting key first
   * @param audience bound into every grant's associated data
   * @param maxTtlSeconds the lifetime ceiling, positive
   * @param clockSkewSeconds the tolerance on both ends of a lifetime, not negative
   * @throws IllegalArgumentException for no key, a key not of 32 bytes, a repeated key, or a bad
   *     number
   */
  public GrantKeys(List<byte[]> keys, String audience, long maxTtlSeconds, long clockSkewSeconds) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("grant configuration needs at least one key");
    }
    List<byte[]> copies = new ArrayList<>();
    List<byte[]> ids = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (byte[] key : keys) {
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException("every grant key must be exactly " + KEY_BYTES + " bytes");
      }
      byte[] kid = keyId(key);
      if (!seen.add(Arrays.toString(kid))) {
        throw new IllegalArgumentException("grant keys must be distinct");
      }
      copies.add(key.clone());
      ids.add(kid);
    }
    if (maxTtlSeconds <= 0) {
      throw new IllegalArgumentException("the grant lifetime ceiling must be positive");
    }
    if (clockSkewSeconds < 0) {
      throw new IllegalArgumentException("the clock skew must not be negative");
    }
    if (audience.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
      throw new IllegalArgumentException("the grant audience is too long");
    }
    this.keys = List.copyOf(copies);
    this.kids = List.copyOf(ids);
    this.audience = audience;
    this.maxTtlSeconds = maxTtlSeconds;
    this.clockSkewSeconds = clockSkewSeconds;
  }

  /**
   * Keys from their standard-base64 text (padding optional), minting key first.
   *
   * @param encoded the keys
   * @param audience the audience
   * @param maxTtlSeconds the lifetime ceiling
   * @return the configuration
   * @throws IllegalArgumentException when a key is not base64 of exactly 32 bytes
   */
  public static GrantKeys parse(List<String> encoded, String audience, long maxTtlSeconds) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < encoded.size(); i++) {
      String text = encoded.get(i).strip();
      byte[] key;
      try {
        key = Base64.getDecoder().decode(text + "=".repeat((4 - text.length() % 4) % 4));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("grant key #" + (i + 1) + " is not valid base64");
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException("grant key #" + (i + 1) + " decodes to " + key.length
            + " bytes; exactly " + KEY_BYTES + " are required");
      }
      keys.add(key);
    }
    return new GrantKeys(keys, audience, maxTtlSeconds, DEFAULT_CLOCK_SKEW_SECONDS);
  }

  /**
   * The configuration in {@value #KEYS_ENV}, {@value #AUDIENCE_ENV} and {@value #MAX_TTL_ENV}, or
   * empty when no key is set (grants off).
   *
   * @param environment the variables, such as {@link System#getenv()}
   * @return the configuration, if any
   * @throws IllegalArgumentException when a key or the lifetime is malformed
   */
  public static Optional<GrantKeys> fromEnvironment(Map<String, String> environment) {
    String raw = environment.getOrDefault(KEYS_ENV, "").strip();
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    String ttl = environment.getOrDefault(MAX_TTL_ENV, "").strip();
    long maxTtl;
    try {
      maxTtl = ttl.isEmpty() ? DEFAULT_MAX_TTL_SECONDS : Long.parseLong(ttl);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_TTL_ENV + " is not an integer");
    }
    List<String> parts = Arrays.stream(raw.split(",")).filter(p -> !p.isBlank()).toList();
    return Optional.of(parse(parts, environment.getOrDefault(AUDIENCE_ENV, ""), maxTtl));
  }

  /**
   * {@return the 8-byte id a token names its key by: {@code SHA-256("vgi_rpc.grant.kid.v1" 0x00 || key)[0:8]}}
   *
   * @param key the key
   */
  public static byte[] keyId(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(KID_DOMAIN);
      return Arrays.copyOf(sha.digest(key), KID_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** {@return the audience} */
  public String audience() {
    return audience;
  }

  /** {@return the lifetime ceiling, in seconds} */
  public long maxTtlSeconds() {
    return maxTtlSeconds;
  }

  /** {@return the clock skew tolerated, in seconds} */
  public long clockSkewSeconds() {
    return clockSkewSeconds;
  }

  /** The minting key. */
  byte[] mintingKey() {
    return keys.get(0);
  }

  /** The minting key's id. */
  byte[] mintingKeyId() {
    return kids.get(0);
  }

  /** The key with this id, if configured. */
  Optional<byte[]> keyFor(byte[] kid) {
    for (int i = 0; i < kids.size(); i++) {
      if (MessageDigest.isEqual(kids.get(i), kid)) {
        return Optional.of(keys.get(i));
      }
    }
    return Optional.empty();
  }

  /** The associated data a grant under this key id is sealed with. */
  byte[] aad(byte[] kid) {
    byte[] aud = audience.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[AAD_DOMAIN.length + kid.length + aud.length];
    System.arraycopy(AAD_DOMAIN, 0, out, 0, AAD_DOMAIN.length);
    System.arraycopy(kid, 0, out, AAD_DOMAIN.length, kid.length);
    System.arraycopy(aud, 0, out, AAD_DOMAIN.length + kid.length, aud.length);
    return out;
  }
}
