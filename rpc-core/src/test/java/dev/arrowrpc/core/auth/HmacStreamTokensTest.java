package dev.arrowrpc.core.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.auth.StreamTokens.InvalidTokenException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Sealing and opening stream tokens: every refusal has its own precise message and leaks nothing else. */
class HmacStreamTokensTest {
  private static final byte[] KEY = bytes(32, 1);
  private static final byte[] OTHER_KEY = bytes(32, 7);
  private static final byte[] PAYLOAD = "the stream's state".getBytes(StandardCharsets.UTF_8);
  private static final Identity ALICE = Identity.of("alice", "bearer");

  private static byte[] bytes(int length, int seed) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (seed * 31 + i);
    }
    return out;
  }

  private static HmacStreamTokens tokens(byte[] key) {
    return HmacStreamTokens.builder().key(key).build();
  }

  private static String refusal(HmacStreamTokens tokens, String token, Identity identity) {
    return assertThrows(InvalidTokenException.class, () -> tokens.open(token, identity)).getMessage();
  }

  @Test
  void roundTrip() throws Exception {
    HmacStreamTokens tokens = tokens(KEY);
    String token = tokens.seal(PAYLOAD, ALICE);
    assertTrue(token.matches("[A-Za-z0-9+/]+=*"), "ASCII-safe standard base64: " + token);
    assertArrayEquals(PAYLOAD, tokens.open(token, ALICE));
    assertArrayEquals(new byte[0], tokens.open(tokens.seal(new byte[0], Identity.ANONYMOUS), Identity.ANONYMOUS));
  }

  @Test
  void everyTamperedByteIsRefused() {
    HmacStreamTokens tokens = tokens(KEY);
    byte[] raw = Base64.getDecoder().decode(tokens.seal(PAYLOAD, ALICE));
    for (int i = 0; i < raw.length; i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      assertEquals("signature verification failed",
          refusal(tokens, Base64.getEncoder().encodeToString(tampered), ALICE), "byte " + i);
    }
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() {
    String foreign = tokens(OTHER_KEY).seal(PAYLOAD, ALICE);
    assertEquals("signature verification failed", refusal(tokens(KEY), foreign, ALICE));
  }

  @Test
  void aRotatedKeyStillOpensItsTokensButNoLongerSigns() throws Exception {
    String old = tokens(OTHER_KEY).seal(PAYLOAD, ALICE);
    HmacStreamTokens rotated = HmacStreamTokens.builder().key(KEY).previousKey(OTHER_KEY).build();
    assertArrayEquals(PAYLOAD, rotated.open(old, ALICE));
    String fresh = rotated.seal(PAYLOAD, ALICE);
    assertArrayEquals(PAYLOAD, tokens(KEY).open(fresh, ALICE), "new tokens use the current key");
    assertEquals("signature verification failed", refusal(tokens(OTHER_KEY), fresh, ALICE));
  }

  @Test
  void expiryIsCheckedAfterAuthenticity() throws Exception {
    Instant issued = Instant.parse("2026-01-01T00:00:00Z");
    HmacStreamTokens past = HmacStreamTokens.builder().key(KEY).ttl(Duration.ofSeconds(60))
        .clock(Clock.fixed(issued, ZoneOffset.UTC)).build();
    String token = past.seal(PAYLOAD, ALICE);
    HmacStreamTokens within = HmacStreamTokens.builder().key(KEY).ttl(Duration.ofSeconds(60))
        .clock(Clock.fixed(issued.plusSeconds(60), ZoneOffset.UTC)).build();
    assertArrayEquals(PAYLOAD, within.open(token, ALICE));
    HmacStreamTokens later = HmacStreamTokens.builder().key(KEY).ttl(Duration.ofSeconds(60))
        .clock(Clock.fixed(issued.plusSeconds(61), ZoneOffset.UTC)).build();
    assertEquals("token expired: issued 61 s ago, valid for 60 s", refusal(later, token, ALICE));
    HmacStreamTokens foreignLater = HmacStreamTokens.builder().key(OTHER_KEY).ttl(Duration.ofSeconds(60))
        .clock(Clock.fixed(issued.plusSeconds(61), ZoneOffset.UTC)).build();
    assertEquals("signature verification failed", refusal(foreignLater, token, ALICE),
        "a forged token learns nothing about its age");
    HmacStreamTokens forever = HmacStreamTokens.builder().key(KEY).ttl(Duration.ZERO)
        .clock(Clock.fixed(issued.plusSeconds(86_400 * 365), ZoneOffset.UTC)).build();
    assertArrayEquals(PAYLOAD, forever.open(token, ALICE));
    assertEquals(HmacStreamTokens.DEFAULT_TTL, tokens(KEY).ttl());
  }

  /** A token made by hand with a known key, dated {@code createdAt}: what a forger holding the key could send. */
  private static String forged(byte[] key, long createdAt, Identity identity) throws Exception {
    java.nio.ByteBuffer token = java.nio.ByteBuffer.allocate(1 + 8 + PAYLOAD.length + 32);
    token.put((byte) 1).putLong(createdAt).put(PAYLOAD);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    mac.update("arrowrpc.stream-token.v1\0".getBytes(StandardCharsets.US_ASCII));
    java.io.ByteArrayOutputStream binding = new java.io.ByteArrayOutputStream();
    binding.write(1);
    for (String part : new String[] {identity.domain(), identity.principal().orElseThrow()}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      binding.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
      binding.writeBytes(bytes);
    }
    mac.update(binding.toByteArray());
    mac.update(token.array(), 0, token.capacity() - 32);
    token.put(mac.doFinal());
    return Base64.getEncoder().encodeToString(token.array());
  }

  @Test
  void aTokenDatedInTheFutureIsRefusedBeyondTheClockSkew() throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    HmacStreamTokens server = HmacStreamTokens.builder().key(KEY).ttl(Duration.ofSeconds(60))
        .clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    long nowSeconds = now.getEpochSecond();
    assertArrayEquals(PAYLOAD, server.open(forged(KEY, nowSeconds, ALICE), ALICE), "the forger's format is right");
    assertArrayEquals(PAYLOAD, server.open(forged(KEY, nowSeconds + 60, ALICE), ALICE), "within the skew allowance");
    assertEquals("token issued in the future: 61 s ahead of this server's clock, 60 s of clock skew allowed",
        refusal(server, forged(KEY, nowSeconds + 61, ALICE), ALICE));
    assertTrue(refusal(server, forged(KEY, Long.MAX_VALUE, ALICE), ALICE).startsWith("token issued in the future"));
    assertEquals("token has an impossible creation time " + Long.MIN_VALUE,
        refusal(server, forged(KEY, Long.MIN_VALUE, ALICE), ALICE));
    assertTrue(refusal(server, forged(KEY, Long.MIN_VALUE / 2, ALICE), ALICE).startsWith("token expired"));
    // a token sealed by a replica whose clock runs ahead
    String ahead = HmacStreamTokens.builder().key(KEY).clock(Clock.fixed(now.plusSeconds(3600), ZoneOffset.UTC))
        .build().seal(PAYLOAD, ALICE);
    assertTrue(refusal(server, ahead, ALICE).startsWith("token issued in the future: 3600 s ahead"));
    HmacStreamTokens lenient = HmacStreamTokens.builder().key(KEY).ttl(Duration.ofSeconds(60))
        .clockSkew(Duration.ofHours(2)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    assertArrayEquals(PAYLOAD, lenient.open(ahead, ALICE), "the allowance is a builder setting");
    assertThrows(IllegalArgumentException.class, () -> HmacStreamTokens.builder().clockSkew(Duration.ofSeconds(-1)));
  }

  @Test
  void aTokenIsBoundToItsCaller() {
    HmacStreamTokens tokens = tokens(KEY);
    String alices = tokens.seal(PAYLOAD, ALICE);
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.of("bob", "bearer")));
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.of("alice", "oauth")));
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.ANONYMOUS));
  }

  @Test
  void anAnonymousTokenCannotBeReplayedByAnAuthenticatedCaller() throws Exception {
    HmacStreamTokens tokens = tokens(KEY);
    String anonymous = tokens.seal(PAYLOAD, Identity.ANONYMOUS);
    assertArrayEquals(PAYLOAD, tokens.open(anonymous, Identity.ANONYMOUS));
    assertEquals("signature verification failed", refusal(tokens, anonymous, ALICE));
  }

  @Test
  void truncatedAndGarbageInputAreMalformed() {
    HmacStreamTokens tokens = tokens(KEY);
    byte[] raw = Base64.getDecoder().decode(tokens.seal(PAYLOAD, ALICE));
    assertEquals("malformed token: too short",
        refusal(tokens, Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 40)), ALICE));
    assertEquals("signature verification failed",
        refusal(tokens, Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 1)), ALICE));
    assertEquals("malformed token: not base64", refusal(tokens, "not a token!", ALICE));
    assertEquals("malformed token: not base64", refusal(tokens, "\u00e9t\u00e9", ALICE));
    assertEquals("malformed token: empty", refusal(tokens, "", ALICE));
    assertEquals("malformed token: empty", refusal(tokens, null, ALICE));
    assertEquals("malformed token: too short", refusal(tokens, "AAAA", ALICE));
  }

  @Test
  void keysAreReadAsHexOrBase64AndMustBeLongEnough() {
    assertArrayEquals(KEY, HmacStreamTokens.parseKey(HexFormat.of().formatHex(KEY)));
    assertArrayEquals(KEY, HmacStreamTokens.parseKey(Base64.getEncoder().encodeToString(KEY)));
    assertArrayEquals(KEY, HmacStreamTokens.parseKey(Base64.getUrlEncoder().withoutPadding().encodeToString(KEY)));
    IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
        () -> HmacStreamTokens.parseKey("00112233"));
    assertTrue(shortKey.getMessage().contains("at least 16 bytes"), shortKey.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HmacStreamTokens.parseKey("!!!"));
    assertThrows(IllegalArgumentException.class, () -> HmacStreamTokens.builder().ttl(Duration.ofSeconds(-1)));
  }

  @Test
  void aMissingKeySaysHowToProvideOne() {
    for (String missing : new String[] {null, "", "  \n"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HmacStreamTokens.parseKey(missing));
      assertTrue(e.getMessage().startsWith("no signing key given: set ARROWRPC_SIGNING_KEY to 32 random bytes"),
          e.getMessage());
      assertTrue(e.getMessage().contains("signingKey(...)"), e.getMessage());
    }
  }
}
