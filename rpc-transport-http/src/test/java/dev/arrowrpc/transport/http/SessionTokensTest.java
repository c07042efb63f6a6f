package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.Identity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Session tokens: bound to the caller, the minting server and a deadline; every refusal is session_lost. */
class SessionTokensTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final Identity ALICE = Identity.of("alice", "conformance");
  private static final Identity BOB = Identity.of("bob", "conformance");
  private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
  private static final byte[] SESSION = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

  private static SessionTokens tokens(byte[] key, String serverId, Clock clock) {
    return new SessionTokens(key, serverId, clock);
  }

  private static String lost(SessionTokens tokens, String token, Identity identity) {
    RpcException e = assertThrows(RpcException.class, () -> tokens.open(token, identity));
    assertEquals("SessionLostError", e.errorType());
    assertEquals("session_lost", e.errorKind().orElseThrow());
    assertEquals(ErrorCode.ABORTED, e.errorCode());
    return e.errorMessage();
  }

  @Test
  void roundTripIsUnpaddedBase64Url() {
    SessionTokens tokens = tokens(KEY, "server-a", NOW);
    String token = tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE);
    assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
    assertArrayEquals(SESSION, tokens.open(token, ALICE));
    String anonymous = tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, Identity.ANONYMOUS);
    assertArrayEquals(SESSION, tokens.open(anonymous, Identity.ANONYMOUS));
  }

  @Test
  void anotherCallerFailsVerificationItself() {
    SessionTokens tokens = tokens(KEY, "server-a", NOW);
    String token = tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE);
    assertEquals("session token verification failed", lost(tokens, token, BOB));
    assertEquals("session token verification failed", lost(tokens, token, Identity.ANONYMOUS));
    assertEquals("session token verification failed", lost(tokens, token, Identity.of("alice", "bearer")));
    String anonymous = tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, Identity.ANONYMOUS);
    assertEquals("session token verification failed", lost(tokens, anonymous, ALICE));
  }

  @Test
  void anotherServerWithTheSameKeyRefusesByServerId() {
    String token = tokens(KEY, "server-a", NOW).seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE);
    assertEquals("session token was issued by a different worker (server_id mismatch)",
        lost(tokens(KEY, "server-b", NOW), token, ALICE));
  }

  @Test
  void anotherKeyFailsVerification() {
    String token = tokens(KEY, "server-a", NOW).seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE);
    assertEquals("session token verification failed", lost(tokens(OTHER_KEY, "server-a", NOW), token, ALICE));
  }

  @Test
  void expiresAfterItsDeadlineNotBefore() {
    long deadline = NOW.instant().getEpochSecond() + 5;
    String token = tokens(KEY, "s", NOW).seal(SESSION, deadline, ALICE);
    Clock atDeadline = Clock.fixed(Instant.ofEpochSecond(deadline), ZoneOffset.UTC);
    assertArrayEquals(SESSION, tokens(KEY, "s", atDeadline).open(token, ALICE));
    Clock after = Clock.fixed(Instant.ofEpochSecond(deadline + 1), ZoneOffset.UTC);
    assertEquals("session expired", lost(tokens(KEY, "s", after), token, ALICE));
  }

  /** A session token made by hand with a known key: what a forger holding the key could send. */
  private static String forged(byte[] key, String serverId, long createdAt, long expiresAt, Identity identity)
      throws Exception {
    byte[] server = serverId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer token = java.nio.ByteBuffer.allocate(1 + 8 + 1 + server.length + SESSION.length + 8 + 32);
    token.put((byte) 1).putLong(createdAt).put((byte) server.length).put(server).put(SESSION).putLong(expiresAt);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    mac.update("arrowrpc.session-token.v1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    java.io.ByteArrayOutputStream binding = new java.io.ByteArrayOutputStream();
    binding.write(1);
    for (String part : new String[] {identity.domain(), identity.principal().orElseThrow()}) {
      byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      binding.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
      binding.writeBytes(bytes);
    }
    mac.update(binding.toByteArray());
    mac.update(token.array(), 0, token.capacity() - 32);
    token.put(mac.doFinal());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
  }

  @Test
  void aTokenDatedInTheFutureOrBeforeTheEpochIsRefused() throws Exception {
    SessionTokens tokens = tokens(KEY, "s", NOW);
    long now = NOW.instant().getEpochSecond();
    assertArrayEquals(SESSION, tokens.open(forged(KEY, "s", now, now + 600, ALICE), ALICE), "the forger's format is right");
    assertArrayEquals(SESSION, tokens.open(forged(KEY, "s", now + 60, now + 600, ALICE), ALICE), "within the skew");
    assertEquals("session token issued in the future", lost(tokens, forged(KEY, "s", now + 61, now + 600, ALICE), ALICE));
    assertEquals("session token issued in the future",
        lost(tokens, forged(KEY, "s", Long.MAX_VALUE, Long.MAX_VALUE, ALICE), ALICE));
    assertEquals("session token has an impossible creation time",
        lost(tokens, forged(KEY, "s", Long.MIN_VALUE, now + 600, ALICE), ALICE));
    Clock ahead = Clock.fixed(Instant.ofEpochSecond(now + 3600), ZoneOffset.UTC);
    assertEquals("session token issued in the future",
        lost(tokens, tokens(KEY, "s", ahead).seal(SESSION, now + 7200, ALICE), ALICE));
  }

  @Test
  void everyTamperedByteAndGarbageIsRefused() {
    SessionTokens tokens = tokens(KEY, "server-a", NOW);
    byte[] raw = Base64.getUrlDecoder().decode(tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE));
    for (int i = 0; i < raw.length; i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      lost(tokens, Base64.getUrlEncoder().withoutPadding().encodeToString(tampered), ALICE);
    }
    assertEquals("malformed session token", lost(tokens, "not-a-real-token", ALICE));
    assertEquals("malformed session token", lost(tokens, "garbage", ALICE));
    assertEquals("malformed session token", lost(tokens, "%%%", ALICE));
  }

  @Test
  void paddedFormIsAccepted() {
    SessionTokens tokens = tokens(KEY, "server-a", NOW);
    String token = tokens.seal(SESSION, NOW.instant().getEpochSecond() + 60, ALICE);
    String padded = token + "=".repeat((4 - token.length() % 4) % 4);
    assertArrayEquals(SESSION, tokens.open(padded, ALICE));
  }

  @Test
  void principalKeysSeparateCallers() {
    assertEquals("\0anonymous", SessionTokens.principalKey(Identity.ANONYMOUS));
    assertTrue(!SessionTokens.principalKey(ALICE).equals(SessionTokens.principalKey(BOB)));
  }
}
