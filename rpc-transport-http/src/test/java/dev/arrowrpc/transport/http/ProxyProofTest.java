package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The proxy-proof token, key derivation and verifier against golden vectors minted by the reference
 * implementation (vgi-rpc 0.52.2), and the nonce cache's two bounds.
 */
class ProxyProofTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Map<?, ?> VECTORS = load();

  private static Map<?, ?> load() {
    try (InputStream in = ProxyProofTest.class.getResourceAsStream("/proxy_proof_vectors.json")) {
      return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<?> list(String name) {
    return (List<?>) VECTORS.get(name);
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  @Test
  void mintingReproducesTheReferenceTokensByteForByte() {
    assertFalse(list("mint").isEmpty());
    for (Object item : list("mint")) {
      Map<?, ?> v = (Map<?, ?>) item;
      String kid = (String) v.get("kid");
      String ts = Long.toString(number(v.get("ts")));
      String nonce = (String) v.get("nonce");
      String origin = (String) v.get("origin_id");
      assertEquals(v.get("canonical_hex"), HEX.formatHex(ProxyProof.canonicalString(kid, ts, nonce, origin)),
          "canonical string of " + v);
      assertEquals(v.get("token"), ProxyProof.mint(HEX.parseHex((String) v.get("secret_hex")), kid, origin,
          number(v.get("ts")), nonce));
    }
  }

  @Test
  void derivationReproducesTheReferenceSecrets() {
    for (Object item : list("derive")) {
      Map<?, ?> v = (Map<?, ?>) item;
      assertEquals(v.get("secret_hex"), HEX.formatHex(ProxyProof.deriveSecret(HEX.parseHex((String) v.get("base_key_hex")),
          (String) v.get("proxy_id"), (String) v.get("origin_id"))));
    }
    assertThrows(IllegalArgumentException.class, () -> ProxyProof.deriveSecret(new byte[31], "a", "b"));
    assertThrows(IllegalArgumentException.class, () -> ProxyProof.deriveSecret(new byte[32], "a b", "b"));
  }

  @Test
  void everyVerifierOutcomeMatchesTheReference() {
    long now = number(VECTORS.get("verify_now"));
    Map<String, ProxyProofConfig.Key> keys = new LinkedHashMap<>();
    ((Map<?, ?>) VECTORS.get("verify_secrets")).forEach((kid, hex) ->
        keys.put((String) kid, new ProxyProofConfig.Key(HEX.parseHex((String) hex), (String) kid)));
    ProxyProofConfig config = new ProxyProofConfig(ProxyProofMode.REQUIRE, (String) VECTORS.get("verify_origin_id"),
        keys, Duration.ofSeconds(number(VECTORS.get("verify_skew"))), false, 16);
    ProxyProofVerifier verifier = new ProxyProofVerifier(config, Optional.empty(), () -> now);
    assertTrue(list("verify").size() > 20);
    for (Object item : list("verify")) {
      Map<?, ?> v = (Map<?, ?>) item;
      String token = (String) v.get("token");
      String expected = (String) v.get("reason");
      if (expected.equals("ok")) {
        ProxyProofVerifier.Attribution attribution = assertDoesNotFail(verifier, token, (String) v.get("name"));
        assertEquals(v.get("proxy"), attribution.proxy());
        assertEquals("true", attribution.claims().get("verified"));
      } else {
        ProxyProofException e = assertThrows(ProxyProofException.class, () -> verifier.verify(token),
            (String) v.get("name"));
        assertEquals(expected, e.failure().code(), (String) v.get("name"));
      }
    }
  }

  private static ProxyProofVerifier.Attribution assertDoesNotFail(ProxyProofVerifier verifier, String token,
      String name) {
    try {
      return verifier.verify(token);
    } catch (ProxyProofException e) {
      throw new AssertionError(name + " was refused: " + e.failure().code() + " " + e.getMessage(), e);
    }
  }

  private static ProxyProofVerifier verifier(long now, Optional<NonceCache> nonces) {
    ProxyProofConfig config = ProxyProofConfig.of(ProxyProofMode.REQUIRE, "conformance-origin",
        ProxyProofConfig.parseSecrets("conformance-proxy:" + "11".repeat(32)));
    return new ProxyProofVerifier(config, nonces, () -> now);
  }

  @Test
  void headerCountAndPresenceAreCheckedFirst() throws Exception {
    ProxyProofVerifier verifier = verifier(1_000, Optional.empty());
    String good = ProxyProof.mint(HEX.parseHex("11".repeat(32)), "conformance-proxy", "conformance-origin", 1_000,
        "AAAAAAAAAAAAAAAAAAAAAA");
    assertEquals(ProxyProofFailure.NO_PROOF, assertThrows(ProxyProofException.class,
        () -> verifier.verify(List.of())).failure());
    assertEquals(ProxyProofFailure.MALFORMED, assertThrows(ProxyProofException.class,
        () -> verifier.verify(List.of(good, good))).failure());
    assertEquals(ProxyProofFailure.MALFORMED, assertThrows(ProxyProofException.class,
        () -> verifier.verify(List.of(""))).failure());
    assertEquals("conformance-proxy", verifier.verify(List.of(good)).proxy());
  }

  @Test
  void aMacDifferingOnlyInUnusedLowBitsIsRefused() throws Exception {
    byte[] secret = HEX.parseHex("11".repeat(32));
    ProxyProofVerifier verifier = verifier(1_000, Optional.empty());
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String token = ProxyProof.mint(secret, "conformance-proxy", "conformance-origin", 1_000, "AAAAAAAAAAAAAAAAAAAAAA");
    int last = alphabet.indexOf(token.charAt(token.length() - 1));
    assertEquals(0, last & 3, "43 characters carry 256 bits: the last one's two low bits are unused");
    // the same 32 bytes to a lenient decoder, but not the canonical encoding
    String lenient = token.substring(0, token.length() - 1) + alphabet.charAt(last | 1);
    assertEquals("conformance-proxy", verifier.verify(token).proxy());
    assertEquals(ProxyProofFailure.BAD_MAC, assertThrows(ProxyProofException.class,
        () -> verifier.verify(lenient)).failure());
  }

  @Test
  void aReplayIsRefusedButAFreshNonceInTheSameSecondIsNot() throws Exception {
    byte[] secret = HEX.parseHex("11".repeat(32));
    ProxyProofVerifier verifier = verifier(5_000, Optional.of(new NonceCache(Duration.ofSeconds(60), 100)));
    String first = ProxyProof.mint(secret, "conformance-proxy", "conformance-origin", 5_000, "Q0ZPUk1BTkNFTk9OQ0UxMQ");
    String second = ProxyProof.mint(secret, "conformance-proxy", "conformance-origin", 5_000, "Q0ZPUk1BTkNFTk9OQ0UyMg");
    verifier.verify(first);
    assertEquals(ProxyProofFailure.REPLAYED, assertThrows(ProxyProofException.class,
        () -> verifier.verify(first)).failure());
    verifier.verify(second);
    // a refused proof consumes no nonce: a bad MAC with a fresh nonce leaves it usable
    String forged = ProxyProof.mint(HEX.parseHex("22".repeat(32)), "conformance-proxy", "conformance-origin", 5_000,
        "Q0ZPUk1BTkNFTk9OQ0UzMw");
    assertThrows(ProxyProofException.class, () -> verifier.verify(forged));
    verifier.verify(ProxyProof.mint(secret, "conformance-proxy", "conformance-origin", 5_000,
        "Q0ZPUk1BTkNFTk9OQ0UzMw"));
    // without a cache the window alone bounds replay
    ProxyProofVerifier open = verifier(5_000, Optional.empty());
    open.verify(first);
    open.verify(first);
  }

  @Test
  void theNonceCacheIsBoundedByCapacityEvictingTheOldest() {
    AtomicLong clock = new AtomicLong();
    NonceCache cache = new NonceCache(Duration.ofSeconds(60), 3, clock::get);
    assertTrue(cache.checkAndAdd("a"));
    assertTrue(cache.checkAndAdd("b"));
    assertTrue(cache.checkAndAdd("c"));
    assertTrue(cache.checkAndAdd("d"));
    assertEquals(3, cache.size());
    assertEquals(1, cache.evicted());
    assertTrue(cache.checkAndAdd("a"), "the oldest was evicted");
    assertFalse(cache.checkAndAdd("d"));
    assertEquals(1, cache.replays());
  }

  @Test
  void theNonceCacheForgetsAfterItsTimeToLive() {
    AtomicLong clock = new AtomicLong();
    NonceCache cache = new NonceCache(Duration.ofSeconds(10), 100, clock::get);
    assertTrue(cache.checkAndAdd("a"));
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertTrue(cache.checkAndAdd("b"));
    assertFalse(cache.checkAndAdd("a"));
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(1, cache.size(), "a expired, b lives");
    assertTrue(cache.checkAndAdd("a"));
    assertFalse(cache.checkAndAdd("b"));
    assertThrows(IllegalArgumentException.class, () -> new NonceCache(Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class, () -> new NonceCache(Duration.ofSeconds(1), 0));
  }

  @Test
  void configurationIsStrictAndFailsClosed() {
    Map<String, ProxyProofConfig.Key> keys = ProxyProofConfig.parseSecrets(" a:" + "11".repeat(32) + ",b:" + "AB".repeat(32));
    assertEquals(List.of("a", "b"), List.copyOf(keys.keySet()));
    assertArrayEquals(HEX.parseHex("ab".repeat(32)), keys.get("b").secret());
    assertEquals("a", keys.get("a").label());
    for (String bad : new String[] {"", ",", "a", "a:" + "11".repeat(31), "a:" + "11".repeat(33), "a:" + "zz".repeat(32),
        "bad.kid:" + "11".repeat(32), "a:" + "11".repeat(32) + ",a:" + "22".repeat(32), "a:" + "11".repeat(32) + ",b"}) {
      assertThrows(IllegalArgumentException.class, () -> ProxyProofConfig.parseSecrets(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> ProxyProofConfig.of(ProxyProofMode.REQUIRE, "", keys));
    assertThrows(IllegalArgumentException.class, () -> ProxyProofConfig.of(ProxyProofMode.ALLOW, "bad origin", keys));
    assertThrows(IllegalArgumentException.class, () -> ProxyProofConfig.of(ProxyProofMode.REQUIRE, "o", Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new ProxyProofConfig(ProxyProofMode.REQUIRE, "o", keys, Duration.ZERO, true, 10));
    assertThrows(IllegalArgumentException.class, () -> new ProxyProofConfig.Key(new byte[16], "x"));
    assertFalse(ProxyProofConfig.of(ProxyProofMode.OFF, "", Map.of()).enabled());
    assertThrows(IllegalArgumentException.class,
        () -> new ProxyProofVerifier(ProxyProofConfig.of(ProxyProofMode.OFF, "", Map.of())));
    assertEquals(ProxyProofMode.ALLOW, ProxyProofMode.parse("allow"));
    assertThrows(IllegalArgumentException.class, () -> ProxyProofMode.parse("strict"));
    assertNotEquals(-1, keys.get("a").toString().indexOf("redacted"));
  }
}
