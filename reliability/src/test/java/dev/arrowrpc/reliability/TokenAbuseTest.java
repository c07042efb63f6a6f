package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.StreamTokens;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The harness forges tokens in the worker's format: the server's own token code must agree. */
class TokenAbuseTest {
  private static final byte[] KEY = HexFormat.of().parseHex(Worker.TOKEN_KEY_HEX);
  private final SealedStreamTokens tokens = SealedStreamTokens.of(HmacStreamTokens.builder().key(KEY).build());

  @Test
  void aTokenForgedWithTheWorkersKeyOpens() throws Exception {
    byte[] payload = {1, 2, 3, 4, 5};
    long now = Instant.now().getEpochSecond();
    assertArrayEquals(payload, tokens.open(TokenAbuse.seal(KEY, now, payload), Identity.ANONYMOUS));
    assertArrayEquals(payload, tokens.open(TokenAbuse.signLegacy(KEY, 1, now, payload), Identity.ANONYMOUS),
        "a token signed before tokens were sealed");
  }

  @Test
  void aServerTokenOpensAndReseals() throws Exception {
    String token = tokens.seal(new byte[] {9, 8, 7}, Identity.ANONYMOUS);
    assertArrayEquals(new byte[] {9, 8, 7}, TokenAbuse.payload(token));
    String resealed = TokenAbuse.reseal(token, Instant.now().getEpochSecond());
    assertNotEquals(token, resealed, "every seal has its own salt");
    assertArrayEquals(new byte[] {9, 8, 7}, tokens.open(resealed, Identity.ANONYMOUS));
  }

  @Test
  void expiredAndForeignForgeriesAreRefused() {
    long old = Instant.now().getEpochSecond() - 7_200;
    assertThrows(StreamTokens.InvalidTokenException.class,
        () -> tokens.open(TokenAbuse.seal(KEY, old, new byte[] {1}), Identity.ANONYMOUS));
    assertThrows(StreamTokens.InvalidTokenException.class,
        () -> tokens.open(TokenAbuse.signLegacy(KEY, 1, old, new byte[] {1}), Identity.ANONYMOUS));
    byte[] other = HexFormat.of().parseHex("0123456789abcdef".repeat(4));
    assertThrows(StreamTokens.InvalidTokenException.class, () -> tokens.open(
        TokenAbuse.seal(other, Instant.now().getEpochSecond(), new byte[] {1}), Identity.ANONYMOUS));
  }
}
