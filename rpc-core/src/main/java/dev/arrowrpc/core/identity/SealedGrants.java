package dev.arrowrpc.core.identity;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The framework's own grants (IDENTITY_V2_SPEC.md §9.1): {@code "vgig1." base64url_nopad(kid ||
 * envelope)}, the envelope being {@code 0x01 || nonce(24) || XChaCha20-Poly1305(payload)} under the
 * key named by {@code kid}, with the key id and audience bound as associated data. The payload is a
 * fixed little-endian record: issued_at, expires_at (int64 seconds), grant_id, principal, purpose
 * (each u16 length + UTF-8), then a u16 count of scopes, each u16 length + UTF-8.
 */
public final class SealedGrants {
  /** The prefix every sealed grant carries; a bearer without it never reaches the verifier. */
  public static final String PREFIX = "vgig1.";
  /** The longest token text considered at all. */
  public static final int MAX_TOKEN_CHARS = 4096;

  private static final int VERSION = 1;
  private static final int MAX_FIELD = 0xFFFF;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SealedGrants() {}

  /** A minted grant: the token and what it carries. */
  public record Minted(String token, GrantClaims claims) {}

  /**
   * Mints a grant with the first configured key, a random nonce and a random grant id.
   *
   * @param keys the configuration
   * @param principal whose grant it is
   * @param scopes what it may do
   * @param purpose why it is minted
   * @param ttlSeconds the requested lifetime, capped at the configured ceiling
   * @param now the current time
   * @return the grant
   * @throws IllegalArgumentException for a non-positive lifetime or a field too long to encode
   */
  public static Minted mint(GrantKeys keys, String principal, List<String> scopes, String purpose, long ttlSeconds,
      Instant now) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    byte[] nonce = new byte[XChaCha20Poly1305.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return mint(keys, principal, scopes, purpose, ttlSeconds, now.getEpochSecond(), HexFormat.of().formatHex(id), nonce);
  }

  /**
   * Mints a grant from fixed inputs (for test vectors: never reuse a nonce under one key).
   *
   * @param keys the configuration
   * @param principal whose grant it is
   * @param scopes what it may do
   * @param purpose why it is minted
   * @param ttlSeconds the requested lifetime, capped at the configured ceiling
   * @param issuedAt the minting time, in seconds
   * @param grantId the correlation handle
   * @param nonce 24 bytes
   * @return the grant
   */
  public static Minted mint(GrantKeys keys, String principal, List<String> scopes, String purpose, long ttlSeconds,
      long issuedAt, String grantId, byte[] nonce) {
    if (ttlSeconds <= 0) {
      throw new IllegalArgumentException("ttl_seconds must be positive");
    }
    GrantClaims claims = new GrantClaims(principal, scopes, purpose, grantId, issuedAt,
        issuedAt + Math.min(ttlSeconds, keys.maxTtlSeconds()));
    byte[] kid = keys.mintingKeyId();
    byte[] sealed = XChaCha20Poly1305.seal(keys.mintingKey(), nonce, keys.aad(kid), encode(claims));
    byte[] raw = new byte[kid.length + 1 + nonce.length + sealed.length];
    System.arraycopy(kid, 0, raw, 0, kid.length);
    raw[kid.length] = VERSION;
    System.arraycopy(nonce, 0, raw, kid.length + 1, nonce.length);
    System.arraycopy(sealed, 0, raw, kid.length + 1 + nonce.length, sealed.length);
    return new Minted(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw), claims);
  }

  /**
   * Verifies a grant, in the normative order: prefix, length, canonical base64url, key id, AEAD,
   * payload, then lifetime (only trusted once authentic).
   *
   * @param keys the configuration
   * @param token the bearer as presented
   * @param now the current time
   * @return what it carries
   * @throws GrantInvalidException for every cause; {@link GrantInvalidException#expired()} only for
   *     an authentic grant outside its lifetime
   */
  public static GrantClaims verify(GrantKeys keys, String token, Instant now) throws GrantInvalidException {
    if (!token.startsWith(PREFIX)) {
      throw invalid("not a sealed grant");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw invalid("grant token is too long");
    }
    byte[] raw = strictBase64Url(token.substring(PREFIX.length()));
    if (raw.length < GrantKeys.KID_BYTES) {
      throw invalid("grant token is too short");
    }
    byte[] kid = Arrays.copyOf(raw, GrantKeys.KID_BYTES);
    Optional<byte[]> key = keys.keyFor(kid);
    if (key.isEmpty()) {
      throw invalid("grant was sealed with a key this deployment does not hold");
    }
    int envelope = GrantKeys.KID_BYTES;
    int header = 1 + XChaCha20Poly1305.NONCE_BYTES;
    if (raw.length - envelope < header + XChaCha20Poly1305.TAG_BYTES || raw[envelope] != VERSION) {
      throw invalid("grant failed verification");
    }
    byte[] nonce = Arrays.copyOfRange(raw, envelope + 1, envelope + header);
    byte[] payload;
    try {
      payload = XChaCha20Poly1305.open(key.get(), nonce, keys.aad(kid), Arrays.copyOfRange(raw, envelope + header, raw.length));
    } catch (GeneralSecurityException e) {
      throw invalid("grant failed verification");
    }
    GrantClaims claims = decode(payload);
    if (claims.principal().isEmpty()) {
      throw invalid("grant names no principal");
    }
    if (claims.expiresAt() <= claims.issuedAt() || claims.expiresAt() - claims.issuedAt() > keys.maxTtlSeconds()) {
      throw invalid("grant lifetime exceeds this deployment's maximum");
    }
    double current = now.getEpochSecond() + now.getNano() / 1e9;
    long skew = keys.clockSkewSeconds();
    if (claims.issuedAt() > current + skew) {
      throw new GrantInvalidException("grant is not yet valid", true);
    }
    if (current >= claims.expiresAt() + skew) {
      throw new GrantInvalidException("grant has expired", true);
    }
    return claims;
  }

  private static GrantInvalidException invalid(String detail) {
    return new GrantInvalidException(detail, false);
  }

  /** Decodes unpadded base64url, refusing every non-canonical spelling. */
  static byte[] strictBase64Url(String text) throws GrantInvalidException {
    if (text.isEmpty() || text.length() % 4 == 1) {
      throw invalid("grant token is not unpadded base64url");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw invalid("grant token is not unpadded base64url");
      }
    }
    byte[] raw = Base64.getUrlDecoder().decode(text);
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(text)) {
      throw invalid("grant token is not canonical base64url");
    }
    return raw;
  }

  static byte[] encode(GrantClaims claims) {
    if (claims.scopes().size() > MAX_FIELD) {
      throw new IllegalArgumentException("too many scopes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer times = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    times.putLong(claims.issuedAt()).putLong(claims.expiresAt());
    out.writeBytes(times.array());
    text(out, claims.grantId());
    text(out, claims.principal());
    text(out, claims.purpose());
    u16(out, claims.scopes().size());
    for (String scope : claims.scopes()) {
      text(out, scope);
    }
    return out.toByteArray();
  }

  private static void text(ByteArrayOutputStream out, String value) {
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    if (raw.length > MAX_FIELD) {
      throw new IllegalArgumentException("grant field longer than 65535 bytes");
    }
    u16(out, raw.length);
    out.writeBytes(raw);
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value & 0xff);
    out.write((value >>> 8) & 0xff);
  }

  static GrantClaims decode(byte[] payload) throws GrantInvalidException {
    ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    long issuedAt = take(in, 8).getLong();
    long expiresAt = take(in, 8).getLong();
    String grantId = text(in);
    String principal = text(in);
    String purpose = text(in);
    int count = take(in, 2).getShort() & 0xffff;
    List<String> scopes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      scopes.add(text(in));
    }
    if (in.hasRemaining()) {
      throw invalid("grant payload has trailing bytes");
    }
    return new GrantClaims(principal, scopes, purpose, grantId, issuedAt, expiresAt);
  }

  private static ByteBuffer take(ByteBuffer in, int n) throws GrantInvalidException {
    if (in.remaining() < n) {
      throw invalid("grant payload is truncated");
    }
    ByteBuffer slice = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
    in.position(in.position() + n);
    return slice;
  }

  private static String text(ByteBuffer in) throws GrantInvalidException {
    int length = take(in, 2).getShort() & 0xffff;
    ByteBuffer bytes = take(in, length);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw invalid("grant payload is not UTF-8");
    }
  }
}
