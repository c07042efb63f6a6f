package dev.arrowrpc.core.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.auth.StreamTokens.InvalidTokenException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Sealed tokens (WIRE_PROTOCOL.md section 10): the state is not legible, the payload is compressed
 * inside the seal when that pays and only then, any change or another caller is refused, the
 * inflated size is bounded, and tokens signed before sealing existed still open.
 */
class SealedStreamTokensTest {
  private static final byte[] KEY = bytes(32, 1);
  private static final byte[] OTHER_KEY = bytes(32, 7);
  private static final Identity ALICE = Identity.of("alice", "bearer");
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private static byte[] bytes(int length, int seed) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (seed * 31 + i);
    }
    return out;
  }

  private static HmacStreamTokens.Builder keys(byte[] key) {
    return HmacStreamTokens.builder().key(key).clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static SealedStreamTokens tokens(byte[] key) {
    return SealedStreamTokens.of(keys(key).build());
  }

  private static String refusal(StreamTokens tokens, String token, Identity identity) {
    return assertThrows(InvalidTokenException.class, () -> tokens.open(token, identity)).getMessage();
  }

  /** A state as a stream's cursor holds it: names and values that repeat. */
  private static byte[] repetitiveState(int rows) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      text.append("{\"cursor\":").append(i).append(",\"table\":\"orders\",\"filter\":\"region = 'emea'\"}");
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theStateRoundTripsAndIsNotLegible() throws Exception {
    SealedStreamTokens tokens = tokens(KEY);
    byte[] secret = "customer=4711;table=orders".getBytes(StandardCharsets.UTF_8);
    String token = tokens.seal(secret, ALICE);
    assertTrue(token.matches("[A-Za-z0-9+/]+=*"), "ASCII-safe standard base64: " + token);
    assertArrayEquals(secret, tokens.open(token, ALICE));
    assertArrayEquals(secret, tokens.open(token, ALICE), "a replayed token opens again on the same thread");
    String raw = new String(Base64.getDecoder().decode(token), StandardCharsets.ISO_8859_1);
    assertFalse(raw.contains("customer") || raw.contains("orders"), "the payload is encrypted");
    assertNotEquals(token, tokens.seal(secret, ALICE), "every token has a salt of its own");
    assertArrayEquals(new byte[0], tokens.open(tokens.seal(new byte[0], Identity.ANONYMOUS), Identity.ANONYMOUS));
  }

  @Test
  void aLargeStateIsCompressedInsideTheSealAndASmallOneNeverGrows() throws Exception {
    SealedStreamTokens tokens = tokens(KEY);
    byte[] large = repetitiveState(200);
    String token = tokens.seal(large, ALICE);
    int envelope = 1 + 24 + 16 + 9; // version, salt, tag, date and codec
    int sealedBytes = Base64.getDecoder().decode(token).length;
    assertTrue(sealedBytes < large.length / 4, "a " + large.length + "-byte state sealed in " + sealedBytes);
    assertArrayEquals(large, tokens.open(token, ALICE));

    for (int size : new int[] {0, 1, 63, 64, 100}) {
      byte[] small = bytes(size, 3); // no repetition: deflate cannot shrink it
      int sealed = Base64.getDecoder().decode(tokens.seal(small, ALICE)).length;
      assertEquals(envelope + size, sealed, size + " bytes are sealed raw");
    }
  }

  @Test
  void everyChangedByteIsRefused() {
    SealedStreamTokens tokens = tokens(KEY);
    byte[] raw = Base64.getDecoder().decode(tokens.seal(repetitiveState(3), ALICE));
    for (int i = 0; i < raw.length; i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      String message = refusal(tokens, Base64.getEncoder().encodeToString(tampered), ALICE);
      assertTrue(message.equals("signature verification failed") || message.startsWith("unsupported token version")
          || message.startsWith("malformed token"), "byte " + i + ": " + message);
    }
  }

  @Test
  void anotherCallerOrAnotherKeyIsRefused() throws Exception {
    SealedStreamTokens tokens = tokens(KEY);
    String alices = tokens.seal(bytes(10, 2), ALICE);
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.of("bob", "bearer")));
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.of("alice", "oauth")));
    assertEquals("signature verification failed", refusal(tokens, alices, Identity.ANONYMOUS));
    assertEquals("signature verification failed", refusal(tokens(OTHER_KEY), alices, ALICE));
    SealedStreamTokens rotated = SealedStreamTokens.of(keys(OTHER_KEY).previousKey(KEY).build());
    assertArrayEquals(bytes(10, 2), rotated.open(alices, ALICE), "the previous key still opens");
    assertEquals("signature verification failed", refusal(tokens, rotated.seal(bytes(10, 2), ALICE), ALICE),
        "the new key seals");
  }

  @Test
  void ageIsCheckedAfterTheSeal() {
    SealedStreamTokens tokens = SealedStreamTokens.of(keys(KEY).ttl(Duration.ofSeconds(60)).build());
    long now = NOW.getEpochSecond();
    assertTrue(refusal(tokens, tokens.seal(SealedStreamTokens.RAW, bytes(4, 1), now - 61, ALICE), ALICE)
        .startsWith("token expired"));
    assertTrue(refusal(tokens, tokens.seal(SealedStreamTokens.RAW, bytes(4, 1), now + 3_600, ALICE), ALICE)
        .startsWith("token issued in the future"));
    assertTrue(refusal(tokens, tokens.seal(SealedStreamTokens.RAW, bytes(4, 1), Long.MIN_VALUE, ALICE), ALICE)
        .startsWith("token has an impossible creation time"));
  }

  @Test
  void anUnknownCodecOrAPayloadThatDoesNotInflateIsRefused() throws Exception {
    SealedStreamTokens tokens = tokens(KEY);
    long now = NOW.getEpochSecond();
    assertEquals("malformed token: unknown codec 2", refusal(tokens, tokens.seal(2, bytes(8, 1), now, ALICE), ALICE));
    assertEquals("malformed token: its payload does not inflate",
        refusal(tokens, tokens.seal(SealedStreamTokens.DEFLATE, new byte[] {(byte) 0xff, 1, 2}, now, ALICE), ALICE));
    byte[] bomb = deflate(new byte[SealedStreamTokens.MAX_PAYLOAD_BYTES + 1]);
    assertTrue(bomb.length < 200_000, "a small token: " + bomb.length);
    assertEquals("malformed token: its payload inflates past " + SealedStreamTokens.MAX_PAYLOAD_BYTES + " bytes",
        refusal(tokens, tokens.seal(SealedStreamTokens.DEFLATE, bomb, now, ALICE), ALICE));
    byte[] exact = deflate(new byte[1 << 20]);
    assertEquals(1 << 20, tokens.open(tokens.seal(SealedStreamTokens.DEFLATE, exact, now, ALICE), ALICE).length);
  }

  @Test
  void aTokenSignedBeforeSealingStillOpensAndMalformedOnesAreRefused() throws Exception {
    HmacStreamTokens signed = keys(KEY).build();
    SealedStreamTokens tokens = SealedStreamTokens.of(signed);
    assertArrayEquals(bytes(12, 5), tokens.open(signed.seal(bytes(12, 5), ALICE), ALICE));
    assertEquals("signature verification failed", refusal(tokens, signed.seal(bytes(12, 5), ALICE),
        Identity.ANONYMOUS));
    assertEquals("malformed token: empty", refusal(tokens, "", ALICE));
    assertEquals("malformed token: not base64", refusal(tokens, "!!", ALICE));
    assertEquals("malformed token: too short", refusal(tokens, "Ag==", ALICE));
    byte[] version9 = Base64.getDecoder().decode(tokens.seal(bytes(4, 1), ALICE));
    version9[0] = 9;
    assertEquals("unsupported token version 9", refusal(tokens, Base64.getEncoder().encodeToString(version9), ALICE));
  }

  private static byte[] deflate(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflating = new DeflaterOutputStream(out, new Deflater(9, true))) {
      deflating.write(data);
    }
    return out.toByteArray();
  }
}
