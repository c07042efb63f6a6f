package dev.arrowrpc.core.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream tokens signed with HMAC-SHA256, so any server holding the key can resume any stream: no
 * session state lives on a server, and consecutive turns of one stream may land on different
 * replicas behind a load balancer.
 *
 * <p>A token is standard padded base64 of {@code version (1 byte, 1) | created_at (8 bytes,
 * big-endian epoch seconds) | payload | HMAC (32 bytes)}. The HMAC covers a domain-separation label,
 * the caller's identity (principal and authentication domain, or anonymous) and every byte before
 * it, so a token issued to one caller is refused for another. Opening checks, in order: base64,
 * length, the HMAC against every configured key in constant time (before anything in the token is
 * parsed), the version, then the age against the TTL: a token dated more than the clock-skew
 * allowance ({@link #DEFAULT_CLOCK_SKEW} unless configured) in the future is refused as well, so a
 * forged or corrupt date never passes for a fresh one. Tokens are signed with the current key and
 * verified against it and the previous keys, which is how a key is rotated without breaking open
 * streams: add the new key as current, keep the old one as previous for one TTL, then drop it.
 *
 * <p>Tokens are signed, not encrypted: the client can read the stream's state, and the payload is
 * not compressed. The servers' default is {@link SealedStreamTokens} (encrypted and compressed, as
 * the reference's tokens are), which opens these tokens too, so that streams opened before an
 * upgrade survive it; this class stays for deployments that want legible tokens, and as the key
 * configuration both share.
 */
public final class HmacStreamTokens implements StreamTokens {
  /** The environment variable a key is read from when none is configured: hex or base64. */
  public static final String KEY_ENVIRONMENT_VARIABLE = "ARROWRPC_SIGNING_KEY";
  /** How long a token stays valid unless configured otherwise. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** How far in the future a token's date may lie (replicas' clocks differ) unless configured otherwise. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 16;

  private static final Logger LOG = LoggerFactory.getLogger(HmacStreamTokens.class);
  private static final int VERSION = 1;
  private static final int MAC_BYTES = 32;
  private static final int HEADER_BYTES = 1 + 8;
  private static final byte[] LABEL = "arrowrpc.stream-token.v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");

  private final List<SecretKeySpec> keys;
  /** The keys' bytes, current first: {@link SealedStreamTokens} derives its own keys from them. */
  private final List<byte[]> rawKeys;
  private final Duration ttl;
  private final Duration clockSkew;
  private final Clock clock;

  private HmacStreamTokens(List<byte[]> rawKeys, Duration ttl, Duration clockSkew, Clock clock) {
    List<SecretKeySpec> specs = new ArrayList<>();
    for (byte[] key : rawKeys) {
      specs.add(new SecretKeySpec(key, "HmacSHA256"));
    }
    this.keys = List.copyOf(specs);
    this.rawKeys = rawKeys;
    this.ttl = ttl;
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  /**
   * Starts configuring tokens.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Tokens signed with the key in {@value #KEY_ENVIRONMENT_VARIABLE}, or, when it is unset, with a
   * random key made for this process (logged as a warning: such tokens do not survive a restart
   * and are refused by other replicas).
   *
   * @return the tokens, with the default TTL
   * @throws IllegalArgumentException when the variable holds no valid key
   */
  public static HmacStreamTokens fromEnvironment() {
    return builder().build();
  }

  /**
   * Parses a key written as hex (an even number of hex digits) or, failing that, base64 (standard
   * or URL-safe, padding optional).
   *
   * @param text the key's text; null or blank when none was given (for example an unset
   *     environment variable), which is refused with a message saying how to provide one
   * @return the key's bytes
   * @throws IllegalArgumentException when the text is missing, is neither hex nor base64, or the
   *     key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static byte[] parseKey(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no signing key given: set " + KEY_ENVIRONMENT_VARIABLE
          + " to 32 random bytes in hex or base64 (for example the output of `openssl rand -hex 32`), which"
          + " the HTTP server's builder reads when no key is configured, or pass the key's bytes to"
          + " signingKey(...)");
    }
    String trimmed = text.strip();
    byte[] key;
    if (HEX.matcher(trimmed).matches()) {
      key = HexFormat.of().parseHex(trimmed);
    } else {
      try {
        String standard = trimmed.replace('-', '+').replace('_', '/');
        key = Base64.getDecoder().decode(standard);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a signing key must be hex or base64");
      }
    }
    return checkedKey(key);
  }

  private static byte[] checkedKey(byte[] key) {
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("a signing key needs at least " + MIN_KEY_BYTES + " bytes (32 recommended), got "
          + key.length);
    }
    return key.clone();
  }

  /** {@return how long a token stays valid after it was issued ({@link Duration#ZERO}: forever)} */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public String seal(byte[] payload, Identity identity) {
    ByteBuffer token = ByteBuffer.allocate(HEADER_BYTES + payload.length + MAC_BYTES);
    token.put((byte) VERSION);
    token.putLong(clock.instant().getEpochSecond());
    token.put(payload);
    byte[] bytes = token.array();
    byte[] mac = mac(keys.get(0), binding(identity), bytes, bytes.length - MAC_BYTES);
    System.arraycopy(mac, 0, bytes, bytes.length - MAC_BYTES, MAC_BYTES);
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public byte[] open(String token, Identity identity) throws InvalidTokenException {
    byte[] bytes = decode(token);
    if (bytes.length < HEADER_BYTES + MAC_BYTES) {
      throw new InvalidTokenException("malformed token: too short");
    }
    int signed = bytes.length - MAC_BYTES;
    byte[] presented = new byte[MAC_BYTES];
    System.arraycopy(bytes, signed, presented, 0, MAC_BYTES);
    byte[] bound = binding(identity);
    boolean authentic = false;
    for (SecretKeySpec key : keys) {
      // every key is tried, so timing does not tell which one (if any) matched
      authentic |= MessageDigest.isEqual(mac(key, bound, bytes, signed), presented);
    }
    if (!authentic) {
      throw new InvalidTokenException("signature verification failed");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
    int version = header.get() & 0xff;
    if (version != VERSION) {
      throw new InvalidTokenException("unsupported token version " + version);
    }
    long createdAt = header.getLong();
    if (!ttl.isZero()) {
      checkAge(createdAt, clock.instant().getEpochSecond(), ttl, clockSkew);
    }
    byte[] payload = new byte[signed - HEADER_BYTES];
    System.arraycopy(bytes, HEADER_BYTES, payload, 0, payload.length);
    return payload;
  }

  /**
   * Checks a token's date against the clock: neither older than the TTL nor further in the future
   * than the skew allowance. The age is computed without overflow, so extreme dates (such as
   * {@code Long.MIN_VALUE}) are refused rather than wrapping around into valid ones.
   */
  static void checkAge(long createdAt, long now, Duration ttl, Duration clockSkew) throws InvalidTokenException {
    long age;
    try {
      age = Math.subtractExact(now, createdAt);
    } catch (ArithmeticException overflow) {
      throw new InvalidTokenException("token has an impossible creation time " + createdAt);
    }
    if (age < 0 && -age > clockSkew.toSeconds()) {
      throw new InvalidTokenException("token issued in the future: " + (-age) + " s ahead of this server's clock, "
          + clockSkew.toSeconds() + " s of clock skew allowed");
    }
    if (age > ttl.toSeconds()) {
      throw new InvalidTokenException("token expired: issued " + age + " s ago, valid for " + ttl.toSeconds() + " s");
    }
  }

  /** A token's bytes: standard padded base64, not empty. */
  static byte[] decode(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("malformed token: empty");
    }
    try {
      return Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("malformed token: not base64");
    }
  }

  /** The keys' bytes, current first. */
  List<byte[]> rawKeys() {
    return rawKeys;
  }

  /** {@return how far in the future a token's date may lie} */
  Duration clockSkew() {
    return clockSkew;
  }

  /** {@return the clock tokens are dated by} */
  Clock clock() {
    return clock;
  }

  /** The caller binding: who may present the token. */
  static byte[] binding(Identity identity) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Optional<String> principal = identity.principal();
    out.write(principal.isPresent() ? 1 : 0);
    if (principal.isEmpty() && identity.domain().isEmpty()) {
      out.writeBytes("anonymous".getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }
    lengthPrefixed(out, identity.domain());
    lengthPrefixed(out, principal.orElse(""));
    return out.toByteArray();
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  private static byte[] mac(SecretKeySpec key, byte[] binding, byte[] token, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(LABEL);
      mac.update(binding);
      mac.update(token, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Configures {@link HmacStreamTokens}. */
  public static final class Builder {
    private byte[] key;
    private final List<byte[]> previousKeys = new ArrayList<>();
    private Duration ttl = DEFAULT_TTL;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Signs (and verifies) with this key.
     *
     * @param key at least {@value #MIN_KEY_BYTES} bytes, 32 recommended
     * @return this builder
     */
    public Builder key(byte[] key) {
      this.key = checkedKey(Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * Signs (and verifies) with this key, written as hex or base64 (see {@link #parseKey}).
     *
     * @param key the key's text
     * @return this builder
     */
    public Builder key(String key) {
      this.key = parseKey(key);
      return this;
    }

    /**
     * Also accepts tokens signed with an earlier key (key rotation); never signs with it.
     *
     * @param key the previous key
     * @return this builder
     */
    public Builder previousKey(byte[] key) {
      previousKeys.add(checkedKey(Objects.requireNonNull(key, "key")));
      return this;
    }

    /**
     * Sets how long a token stays valid; {@link Duration#ZERO} disables the check.
     *
     * @param ttl the lifetime, whole seconds
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("a token TTL cannot be negative");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets how far in the future a token's date may lie and still be accepted (replicas whose
     * clocks differ); checked only when a TTL is set. Default {@link #DEFAULT_CLOCK_SKEW}.
     *
     * @param clockSkew the allowance, whole seconds, not negative
     * @return this builder
     */
    public Builder clockSkew(Duration clockSkew) {
      if (clockSkew.isNegative()) {
        throw new IllegalArgumentException("a clock-skew allowance cannot be negative");
      }
      this.clockSkew = clockSkew;
      return this;
    }

    /**
     * Sets the clock tokens are dated by (tests).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the tokens. Without a key, the key comes from {@value #KEY_ENVIRONMENT_VARIABLE}, or is
     * made at random for this process with a warning.
     *
     * @return the tokens
     */
    public HmacStreamTokens build() {
      byte[] current = key;
      if (current == null) {
        String fromEnvironment = System.getenv(KEY_ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
          try {
            current = parseKey(fromEnvironment);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
          }
        } else {
          current = new byte[32];
          new SecureRandom().nextBytes(current);
          LOG.warn("No stream-token signing key configured (set {} or configure one): using a random key for"
              + " this process. Open streams will not survive a restart, and replicas behind a load balancer"
              + " will refuse each other's tokens.", KEY_ENVIRONMENT_VARIABLE);
        }
      }
      List<byte[]> all = new ArrayList<>();
      all.add(current);
      all.addAll(previousKeys);
      return new HmacStreamTokens(List.copyOf(all), ttl, clockSkew, clock);
    }
  }
}
