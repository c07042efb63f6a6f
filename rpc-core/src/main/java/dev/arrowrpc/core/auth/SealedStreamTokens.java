package dev.arrowrpc.core.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stream tokens sealed with ChaCha20-Poly1305, an AEAD, as the reference seals its tokens
 * (WIRE_PROTOCOL.md section 10, "State token binary format"): confidential (nothing between client
 * and server can read a stream's state) and authenticated (any change to a token, or presenting it
 * as another caller, fails). The payload is compressed inside the seal whenever that makes it
 * smaller, behind a codec tag, since compression after sealing finds nothing to take out. Any server
 * holding the key opens any token, so a stream's turns may land on any replica behind a load
 * balancer; this is the HTTP and Flight servers' default.
 *
 * <p>A token is standard padded base64 of {@code version (1 byte, 2) | salt (24 random bytes) |
 * ciphertext and 16-byte tag}. Each token has a key of its own, HMAC-SHA256 of the salt under a key
 * derived from the configured one, so random salts never repeat a key and nonce pair however many
 * tokens a key seals. The associated data is the version and the caller's identity (principal and
 * authentication domain, or anonymous). The plaintext is {@code created_at (8 bytes, big-endian
 * epoch seconds) | codec (1 byte: 0 raw, 1 deflate) | payload}. Opening checks, in order: base64,
 * length, the version, the tag against every configured key, then the age against the TTL (a date
 * further in the future than the clock-skew allowance is refused too), then the codec, inflating at
 * most {@value #MAX_PAYLOAD_BYTES} bytes. Every refusal is an {@link InvalidTokenException}, which
 * the transports answer with the same 400.
 *
 * <p>Keys, rotation and the environment variable are {@link HmacStreamTokens}'s: seal with the
 * current key, open with it and the previous ones. A version-1 token (signed by {@link
 * HmacStreamTokens} with the same key, as servers minted them before) is opened too, so streams
 * survive the upgrade to sealed tokens.
 */
public final class SealedStreamTokens implements StreamTokens {
  /** The most a token's payload may inflate to: 64 MiB, the reference's cap. */
  public static final int MAX_PAYLOAD_BYTES = 64 << 20;
  /** Payloads shorter than this are sealed raw: deflate's framing would outweigh what it saves. */
  static final int COMPRESS_FROM_BYTES = 64;
  private static final int VERSION = 2;
  private static final int SIGNED_VERSION = 1;
  private static final int SALT_BYTES = 24;
  private static final int TAG_BYTES = 16;
  /** The codec tag of a payload sealed as it is. */
  static final int RAW = 0;
  /** The codec tag of a payload sealed deflated (raw deflate, no zlib header). */
  static final int DEFLATE = 1;
  private static final byte[] KEY_LABEL = "arrowrpc.stream-token.v2 key\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONCE = new byte[12]; // each token's key is used once
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Each thread's MAC and codecs, made once (a deflater's native state is larger than most tokens). */
  private static final ThreadLocal<Tools> TOOLS = ThreadLocal.withInitial(Tools::new);

  private final HmacStreamTokens signed;
  private final List<SecretKeySpec> keys;

  private SealedStreamTokens(HmacStreamTokens signed) {
    this.signed = signed;
    List<SecretKeySpec> derived = new ArrayList<>();
    for (byte[] key : signed.rawKeys()) {
      derived.add(new SecretKeySpec(hmac(new SecretKeySpec(key, "HmacSHA256"), KEY_LABEL), "HmacSHA256"));
    }
    this.keys = List.copyOf(derived);
  }

  /**
   * Tokens sealed with a key and opened with it and the previous keys, at the TTL and clock-skew
   * allowance configured there.
   *
   * @param keys the keys and limits ({@link HmacStreamTokens#builder()})
   * @return the tokens
   */
  public static SealedStreamTokens of(HmacStreamTokens keys) {
    return new SealedStreamTokens(Objects.requireNonNull(keys, "keys"));
  }

  /**
   * Tokens sealed with the key in {@value HmacStreamTokens#KEY_ENVIRONMENT_VARIABLE}, or, when it is
   * unset, with a random key made for this process (logged as a warning).
   *
   * @return the tokens, with the default TTL
   * @throws IllegalArgumentException when the variable holds no valid key
   */
  public static SealedStreamTokens fromEnvironment() {
    return of(HmacStreamTokens.fromEnvironment());
  }

  /** {@return how long a token stays valid after it was issued ({@link Duration#ZERO}: forever)} */
  public Duration ttl() {
    return signed.ttl();
  }

  @Override
  public String seal(byte[] payload, Identity identity) {
    byte[] body = payload;
    int codec = RAW;
    if (payload.length >= COMPRESS_FROM_BYTES) {
      byte[] deflated = deflate(payload);
      if (deflated.length < payload.length) {
        body = deflated;
        codec = DEFLATE;
      }
    }
    return seal(codec, body, signed.clock().instant().getEpochSecond(), identity);
  }

  /** Seals a body already in the codec's form, dated {@code createdAt}. */
  String seal(int codec, byte[] body, long createdAt, Identity identity) {
    ByteBuffer plain = ByteBuffer.allocate(9 + body.length);
    plain.putLong(createdAt);
    plain.put((byte) codec);
    plain.put(body);
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] sealed;
    try {
      sealed = cipher(Cipher.ENCRYPT_MODE, keys.get(0), salt, identity).doFinal(plain.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is unavailable", e);
    }
    byte[] token = new byte[1 + SALT_BYTES + sealed.length];
    token[0] = VERSION;
    System.arraycopy(salt, 0, token, 1, SALT_BYTES);
    System.arraycopy(sealed, 0, token, 1 + SALT_BYTES, sealed.length);
    return Base64.getEncoder().encodeToString(token);
  }

  @Override
  public byte[] open(String token, Identity identity) throws InvalidTokenException {
    byte[] bytes = HmacStreamTokens.decode(token);
    if (bytes.length > 0 && bytes[0] == SIGNED_VERSION) {
      return signed.open(token, identity);
    }
    if (bytes.length < 1 + SALT_BYTES + TAG_BYTES + 9) {
      throw new InvalidTokenException("malformed token: too short");
    }
    if (bytes[0] != VERSION) {
      throw new InvalidTokenException("unsupported token version " + (bytes[0] & 0xff));
    }
    byte[] salt = new byte[SALT_BYTES];
    System.arraycopy(bytes, 1, salt, 0, SALT_BYTES);
    byte[] plain = null;
    for (SecretKeySpec key : keys) {
      try {
        plain = cipher(Cipher.DECRYPT_MODE, key, salt, identity).doFinal(bytes, 1 + SALT_BYTES,
            bytes.length - 1 - SALT_BYTES);
        break;
      } catch (AEADBadTagException wrongKeyOrForged) {
        // the next key, if any
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("ChaCha20-Poly1305 is unavailable", e);
      }
    }
    if (plain == null) {
      throw new InvalidTokenException("signature verification failed");
    }
    ByteBuffer fields = ByteBuffer.wrap(plain);
    long createdAt = fields.getLong();
    if (!signed.ttl().isZero()) {
      HmacStreamTokens.checkAge(createdAt, signed.clock().instant().getEpochSecond(), signed.ttl(),
          signed.clockSkew());
    }
    int codec = fields.get() & 0xff;
    byte[] body = new byte[fields.remaining()];
    fields.get(body);
    return switch (codec) {
      case RAW -> body;
      case DEFLATE -> inflate(body);
      default -> throw new InvalidTokenException("malformed token: unknown codec " + codec);
    };
  }

  private static Cipher cipher(int mode, SecretKeySpec key, byte[] salt, Identity identity)
      throws GeneralSecurityException {
    // a cipher per token: Java 17 refuses to initialize one again with the key and nonce it had, which
    // opening the same token twice (a replayed turn) would do
    Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
    cipher.init(mode, new SecretKeySpec(hmac(key, salt), "ChaCha20"), new IvParameterSpec(NONCE));
    cipher.updateAAD(new byte[] {VERSION});
    cipher.updateAAD(HmacStreamTokens.binding(identity));
    return cipher;
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = TOOLS.get().mac;
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static byte[] deflate(byte[] payload) {
    Deflater deflater = TOOLS.get().deflater;
    try {
      deflater.setInput(payload);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 2 + 16);
      byte[] chunk = new byte[Math.min(64 << 10, payload.length + 64)];
      while (!deflater.finished()) {
        int n = deflater.deflate(chunk);
        out.write(chunk, 0, n);
        if (out.size() >= payload.length) {
          return payload; // it does not pay: the caller seals it raw
        }
      }
      return out.toByteArray();
    } finally {
      deflater.reset();
    }
  }

  private static byte[] inflate(byte[] body) throws InvalidTokenException {
    Inflater inflater = TOOLS.get().inflater;
    try {
      inflater.setInput(body);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(1 << 20, body.length * 3 + 64));
      byte[] chunk = new byte[64 << 10];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new InvalidTokenException("malformed token: its payload does not inflate");
        }
        if (out.size() + n > MAX_PAYLOAD_BYTES) {
          throw new InvalidTokenException("malformed token: its payload inflates past " + MAX_PAYLOAD_BYTES + " bytes");
        }
        out.write(chunk, 0, n);
      }
      if (inflater.getRemaining() != 0) {
        throw new InvalidTokenException("malformed token: bytes after its payload");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new InvalidTokenException("malformed token: its payload does not inflate");
    } finally {
      inflater.reset();
    }
  }

  /** One thread's MAC and codecs (their native memory lives as long as the thread). */
  private static final class Tools {
    final Mac mac;
    final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    final Inflater inflater = new Inflater(true);

    Tools() {
      try {
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable", e);
      }
    }
  }
}
