package dev.arrowrpc.core.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Sealed grants against the reference's vectors (grant_token_vectors.json), byte for byte. */
class SealedGrantsTest {
  private static final Map<String, Object> VECTORS = load();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    try (InputStream in = SealedGrantsTest.class.getResourceAsStream("/identity/grant_token_vectors.json")) {
      return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> cases(String group) {
    return (List<Map<String, Object>>) VECTORS.get(group);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> defaults() {
    return (Map<String, Object>) VECTORS.get("defaults");
  }

  private static byte[] b64(Object text) {
    return Base64.getDecoder().decode((String) text);
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  @SuppressWarnings("unchecked")
  private static GrantKeys verifier(Map<String, Object> c) {
    Map<String, Object> d = defaults();
    List<byte[]> keys = new ArrayList<>();
    for (Object key : (List<Object>) c.getOrDefault("verify_keys_b64", d.get("verify_keys_b64"))) {
      keys.add(b64(key));
    }
    return new GrantKeys(keys, (String) c.getOrDefault("audience", d.get("audience")),
        number(c.getOrDefault("max_ttl_seconds", d.get("max_ttl_seconds"))),
        number(c.getOrDefault("clock_skew_seconds", d.get("clock_skew_seconds"))));
  }

  private static Instant now(Map<String, Object> c) {
    return Instant.ofEpochSecond(number(c.getOrDefault("now", defaults().get("now"))));
  }

  @TestFactory
  @SuppressWarnings("unchecked")
  Stream<DynamicTest> mintsEveryVectorExactly() {
    return cases("mint").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      GrantKeys keys = new GrantKeys(List.of(b64(c.get("minting_key_b64"))), (String) c.get("audience"),
          number(c.get("max_ttl_seconds")), GrantKeys.DEFAULT_CLOCK_SKEW_SECONDS);
      Map<String, Object> request = (Map<String, Object>) c.get("request");
      List<String> scopes = (List<String>) request.get("scopes");
      SealedGrants.Minted minted = SealedGrants.mint(keys, (String) request.get("principal"), scopes,
          (String) request.get("purpose"), number(request.get("ttl_seconds")), number(c.get("now")),
          (String) request.get("grant_id"), HexFormat.of().parseHex((String) c.get("nonce_hex")));
      assertEquals(c.get("kid_hex"), HexFormat.of().formatHex(keys.mintingKeyId()));
      assertEquals(c.get("aad_hex"), HexFormat.of().formatHex(keys.aad(keys.mintingKeyId())));
      assertEquals(c.get("payload_hex"), HexFormat.of().formatHex(SealedGrants.encode(minted.claims())));
      assertEquals(c.get("token"), minted.token());
      Map<String, Object> claims = (Map<String, Object>) c.get("claims");
      assertEquals(number(claims.get("expires_at")), minted.claims().expiresAt());
      // and it opens again, a minute later, under the same keys
      GrantClaims opened = SealedGrants.verify(keys, minted.token(), Instant.ofEpochSecond(number(c.get("now")) + 60));
      assertEquals(minted.claims(), opened);
    }));
  }

  @TestFactory
  Stream<DynamicTest> acceptsEveryAcceptVector() {
    return cases("accept").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () ->
        assertEquals("alice@example.com", SealedGrants.verify(verifier(c), (String) c.get("token"), now(c)).principal())));
  }

  @TestFactory
  Stream<DynamicTest> rejectsEveryRejectVector() {
    return cases("reject").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      GrantInvalidException e = assertThrows(GrantInvalidException.class,
          () -> SealedGrants.verify(verifier(c), (String) c.get("token"), now(c)));
      assertEquals(c.get("expired"), e.expired());
    }));
  }

  @Test
  void hChaCha20MatchesTheXChaChaDraftVector() {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    byte[] nonce = HexFormat.of().parseHex("000000090000004a0000000031415927");
    assertArrayEquals(HexFormat.of().parseHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"),
        XChaCha20Poly1305.hChaCha20(key, nonce));
  }

  @Test
  void aConfigurationThatCouldNotMintSafelyIsRefused() {
    byte[] key = new byte[32];
    assertThrows(IllegalArgumentException.class, () -> new GrantKeys(List.of(), "", 60, 60));
    assertThrows(IllegalArgumentException.class, () -> new GrantKeys(List.of(new byte[31]), "", 60, 60));
    assertThrows(IllegalArgumentException.class, () -> new GrantKeys(List.of(key, key.clone()), "", 60, 60));
    assertThrows(IllegalArgumentException.class, () -> new GrantKeys(List.of(key), "", 0, 60));
    assertThrows(IllegalArgumentException.class, () -> GrantKeys.parse(List.of("not base64!"), "", 60));
    assertThrows(IllegalArgumentException.class, () -> GrantKeys.parse(List.of("AAAA"), "", 60));
    assertEquals(java.util.Optional.empty(), GrantKeys.fromEnvironment(Map.of()));
    GrantKeys parsed = GrantKeys.fromEnvironment(Map.of(GrantKeys.KEYS_ENV,
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8, ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
        GrantKeys.AUDIENCE_ENV, "prod")).orElseThrow();
    assertEquals("prod", parsed.audience());
    assertEquals(GrantKeys.DEFAULT_MAX_TTL_SECONDS, parsed.maxTtlSeconds());
    assertEquals("9c8d333473aa0319", HexFormat.of().formatHex(parsed.mintingKeyId()));
  }

  @Test
  void aRandomMintOpensAndALifetimeIsCapped() throws Exception {
    GrantKeys keys = new GrantKeys(List.of(new byte[32]), "aud", 3600, 60);
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    SealedGrants.Minted minted = SealedGrants.mint(keys, "bob", List.of("a", "b"), "p", 999_999, now);
    assertEquals(3600, minted.claims().expiresAt() - minted.claims().issuedAt());
    assertEquals(32, minted.claims().grantId().length());
    assertEquals(minted.claims(), SealedGrants.verify(keys, minted.token(), now));
    assertThrows(IllegalArgumentException.class, () -> SealedGrants.mint(keys, "bob", List.of(), "p", 0, now));
  }
}
