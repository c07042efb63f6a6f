package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.auth.StreamTokens;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The harness forges tokens in the worker's format: the server's own token code must agree. */
class TokenAbuseTest {
  private final HmacStreamTokens tokens = HmacStreamTokens.builder().key(Worker.TOKEN_KEY_HEX).build();

  @Test
  void aTokenForgedWithTheWorkersKeyOpens() throws Exception {
    byte[] payload = {1, 2, 3, 4, 5};
    String forged = TokenAbuse.seal(HexFormat.of().parseHex(Worker.TOKEN_KEY_HEX), 1,
        Instant.now().getEpochSecond(), payload);
    assertArrayEquals(payload, tokens.open(forged, Identity.ANONYMOUS));
  }

  @Test
  void aServerTokenOpensAndReseals() throws Exception {
    String token = tokens.seal(new byte[] {9, 8, 7}, Identity.ANONYMOUS);
    TokenAbuse.Opened opened = TokenAbuse.Opened.of(token);
    assertEquals(1, opened.version());
    assertArrayEquals(new byte[] {9, 8, 7}, opened.payload());
    assertEquals(token, TokenAbuse.reseal(token, opened.createdAt()));
  }

  @Test
  void anExpiredForgeryIsRefused() {
    String old = TokenAbuse.seal(HexFormat.of().parseHex(Worker.TOKEN_KEY_HEX), 1,
        Instant.now().getEpochSecond() - 7_200, new byte[] {1});
    assertThrows(StreamTokens.InvalidTokenException.class, () -> tokens.open(old, Identity.ANONYMOUS));
  }
}
