package dev.arrowrpc.transport.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proxy-proof token format of docs/proxy-proof-spec.md: {@code v1.<kid>.<ts>.<nonce>.<mac>},
 * where the MAC is HMAC-SHA256 under a secret shared by one proxy and one worker, over the
 * NUL-separated canonical string {@code "vgi.proxy.proof.v1" 0 kid 0 ts 0 nonce 0 origin_id}. The
 * worker's origin id is folded in but never sent, which binds every proof to its audience.
 *
 * <p>This class mints proofs (what a proxy does, and what tests need) and derives per-worker
 * secrets; {@link ProxyProofVerifier} checks them.
 */
public final class ProxyProof {
  /** The request header carrying the proof. */
  public static final String HEADER = "VGI-Proxy-Proof";
  /** The capability header a {@code require}-mode worker sends on every response. */
  public static final String REQUIRED_HEADER = "VGI-Proxy-Proof-Required";
  /** The version tag, the token's first field. */
  static final String VERSION = "v1";
  /** The longest header value accepted, checked before any parsing. */
  static final int MAX_HEADER_LENGTH = 512;
  /** The length of a secret, in bytes. */
  static final int SECRET_LENGTH = 32;

  static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,20}");
  static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
  static final Pattern MAC = Pattern.compile("[A-Za-z0-9_-]{43}");
  static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9._:/-]{1,255}");

  private static final byte[] DOMAIN = "vgi.proxy.proof.v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DERIVE_LABEL = "vgi.proxy.proof.v1/".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private ProxyProof() {}

  /**
   * Mints a proof for now, with a fresh random nonce.
   *
   * @param secret the 32-byte secret shared with the worker
   * @param kid the key id, {@code [A-Za-z0-9_-]{1,64}}
   * @param originId the worker's origin id
   * @return the {@value #HEADER} header value
   */
  public static String mint(byte[] secret, String kid, String originId) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return mint(secret, kid, originId, System.currentTimeMillis() / 1000, B64.encodeToString(nonce));
  }

  /**
   * Mints a proof with a given timestamp and nonce (for tests and golden vectors; a proxy must use
   * a fresh nonce for every request).
   *
   * @param secret the 32-byte secret shared with the worker
   * @param kid the key id, {@code [A-Za-z0-9_-]{1,64}}
   * @param originId the worker's origin id, {@code [A-Za-z0-9._:/-]{1,255}}
   * @param epochSeconds the timestamp, Unix seconds
   * @param nonce 22 characters of unpadded base64url (16 bytes)
   * @return the {@value #HEADER} header value
   * @throws IllegalArgumentException when a field is outside its charset
   */
  public static String mint(byte[] secret, String kid, String originId, long epochSeconds, String nonce) {
    require(KID, kid, "kid");
    require(ORIGIN, originId, "origin id");
    require(NONCE, nonce, "nonce");
    if (epochSeconds < 0) {
      throw new IllegalArgumentException("the timestamp cannot be negative");
    }
    String ts = Long.toString(epochSeconds);
    return VERSION + "." + kid + "." + ts + "." + nonce + "." + B64.encodeToString(mac(secret, kid, ts, nonce, originId));
  }

  /**
   * Derives the secret one proxy shares with one worker from the proxy's base key: HMAC-SHA256
   * keyed by the base key over {@code "vgi.proxy.proof.v1/" proxy_id 0 origin_id}. The worker is
   * given only the result, never the base key.
   *
   * @param baseKey the proxy's 32-byte base key
   * @param proxyId the proxy deployment's id, {@code [A-Za-z0-9._:/-]{1,255}}
   * @param originId the worker's origin id, same charset
   * @return the 32-byte secret
   */
  public static byte[] deriveSecret(byte[] baseKey, String proxyId, String originId) {
    if (baseKey.length != SECRET_LENGTH) {
      throw new IllegalArgumentException("the base key must be " + SECRET_LENGTH + " bytes, got " + baseKey.length);
    }
    require(ORIGIN, proxyId, "proxy id");
    require(ORIGIN, originId, "origin id");
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.writeBytes(DERIVE_LABEL);
    message.writeBytes(proxyId.getBytes(StandardCharsets.US_ASCII));
    message.write(0);
    message.writeBytes(originId.getBytes(StandardCharsets.US_ASCII));
    return hmac(baseKey, message.toByteArray());
  }

  /**
   * The MAC input. The fields must already have passed their charset checks: none of them can
   * hold a NUL, which is what keeps the framing unambiguous.
   */
  static byte[] canonicalString(String kid, String ts, String nonce, String originId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + kid.length() + ts.length()
        + nonce.length() + originId.length() + 4);
    out.writeBytes(DOMAIN);
    for (String field : new String[] {kid, ts, nonce, originId}) {
      out.write(0);
      out.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** The MAC over the canonical string. */
  static byte[] mac(byte[] secret, String kid, String ts, String nonce, String originId) {
    return hmac(secret, canonicalString(kid, ts, nonce, originId));
  }

  /** The MAC, as it is written in a token: unpadded base64url. */
  static String encodedMac(byte[] secret, String kid, String ts, String nonce, String originId) {
    return B64.encodeToString(mac(secret, kid, ts, nonce, originId));
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    Objects.requireNonNull(key, "key");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  static void require(Pattern pattern, String value, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must match " + pattern.pattern() + ", got " + value);
    }
  }
}
