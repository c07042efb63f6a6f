package dev.arrowrpc.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.ProtocolHash;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The identity protocol's wire shape, guards and their order, with resolvable probes. */
class IdentityServiceTest {
  static final String BOTH = "145267755ff90d5c3313d79c7ff771306f2530626380d01cb0e57a951d0f9ec3";
  static final String INTROSPECT_ONLY = "4039fbf6db3e64ae234e0be605b977477150ace892f10b6c691920eaf925e7ac";
  static final String GRANT_ONLY = "4199df7403c9ca1a02c4c524b405a999eb1489614a1480873ffc23a0e5b0d312";
  static final String BOTH_PREIMAGE = "{\"methods\":[{\"has_header\":false,\"has_return\":true,\"name\":"
      + "\"introspect_token\",\"params\":[{\"name\":\"token\",\"nullable\":false,\"type\":\"utf8\"}],\"result\":"
      + "[{\"name\":\"result\",\"nullable\":false,\"type\":\"binary\"}],\"type\":\"unary\"},{\"has_header\":false,"
      + "\"has_return\":true,\"name\":\"issue_grant\",\"params\":[{\"name\":\"purpose\",\"nullable\":false,\"type\":"
      + "\"utf8\"},{\"name\":\"scopes\",\"nullable\":false,\"type\":\"list<item?:utf8>\"},{\"name\":\"ttl_seconds\","
      + "\"nullable\":false,\"type\":\"int64\"}],\"result\":[{\"name\":\"result\",\"nullable\":false,\"type\":"
      + "\"binary\"}],\"type\":\"unary\"}],\"protocol\":\"vgi_rpc.Identity.v2\"}";
  static final String JWS = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

  /** A resolver that answers for anything, recording what reached it. */
  private final List<String> resolved = new ArrayList<>();
  private final List<String> minted = new ArrayList<>();

  private IdentityService service(boolean mint) {
    IdentityConfig.Builder builder = IdentityConfig.builder()
        .resolver(token -> {
          resolved.add(token);
          return token.equals("unknown") ? Optional.empty() : Optional.of(TokenIdentity.of("subject"));
        })
        .introspectors(List.of("asker"))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
    if (mint) {
      builder.minter((principal, purpose, scopes, ttl) -> {
        minted.add(principal);
        if (purpose.equals("down")) {
          throw new AuthUnavailableException("store down", 7);
        }
        return IssuedGrant.of(principal + "|" + String.join(",", scopes), Instant.ofEpochSecond(1_893_456_000L));
      });
    }
    return new IdentityService(builder.build());
  }

  private static CallContext caller(String principal, Map<String, Object> claims) {
    return new CallContext() {
      @Override
      public Optional<String> principal() {
        return Optional.ofNullable(principal);
      }

      @Override
      public String authDomain() {
        return principal == null ? "" : "test";
      }

      @Override
      public Map<String, Object> claims() {
        return claims;
      }

      @Override
      public String requestId() {
        return "r";
      }

      @Override
      public String method() {
        return "m";
      }

      @Override
      public Map<String, String> requestMetadata() {
        return Map.of();
      }

      @Override
      public void log(LogLevel level, String message, Map<String, String> extra) {}
    };
  }

  private static RpcException refusal(Runnable call) {
    return assertThrows(RpcException.class, call::run);
  }

  @Test
  void theThreeDigestsAreTheReferences() {
    assertEquals(BOTH_PREIMAGE, ProtocolHash.preimage(IdentityService.spec(Set.of("introspect_token", "issue_grant"))));
    assertEquals(BOTH, ProtocolHash.of(IdentityService.spec(Set.of("introspect_token", "issue_grant"))));
    assertEquals(INTROSPECT_ONLY, ProtocolHash.of(IdentityService.spec(Set.of("introspect_token"))));
    assertEquals(GRANT_ONLY, ProtocolHash.of(IdentityService.spec(Set.of("issue_grant"))));
  }

  @Test
  void onlyConfiguredHooksAreHosted() {
    assertEquals(Set.of(), IdentityConfig.builder().build().hostedMethods());
    assertEquals(Set.of("introspect_token"),
        IdentityConfig.builder().resolver(t -> Optional.empty()).introspectors(List.of("a")).build().hostedMethods());
    assertEquals(Set.of("issue_grant"), IdentityConfig.builder()
        .grantKeys(new GrantKeys(List.of(new byte[32]), "", 60, 60)).build().hostedMethods());
  }

  @Test
  void aResolverWithoutAnAllowlistCannotBeConfigured() {
    assertThrows(IllegalArgumentException.class, () -> IdentityConfig.builder().resolver(t -> Optional.empty()).build());
    assertThrows(IllegalArgumentException.class,
        () -> IdentityConfig.builder().resolver(t -> Optional.empty()).introspectors(List.of("")).build());
  }

  @Test
  void authorizationPrecedesEveryCredentialGuard() {
    IdentityService service = service(false);
    for (String token : List.of("unknown", JWS, JWS + "\n", "a".repeat(5000), "   ")) {
      // control: the introspector is refused token_unresolved
      assertEquals("token_unresolved",
          refusal(() -> service.introspect_token(token, caller("asker", Map.of()))).errorKind().orElseThrow());
      // an outsider, or an anonymous caller, is refused before the credential is looked at
      RpcException outsider = refusal(() -> service.introspect_token(token, caller("outsider", Map.of())));
      assertEquals("introspection_refused", outsider.errorKind().orElseThrow());
      assertEquals(ErrorCode.PERMISSION_DENIED, outsider.errorCode());
      assertEquals("introspection_refused",
          refusal(() -> service.introspect_token(token, caller(null, Map.of()))).errorKind().orElseThrow());
    }
    assertEquals(List.of("unknown"), resolved);
  }

  @Test
  void guardsRefuseResolvableCredentialsWithoutReachingTheResolver() {
    IdentityService service = service(false);
    List<String> refused = new ArrayList<>();
    for (char pad : new char[] {'\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0'}) {
      refused.addAll(List.of(pad + JWS, JWS + pad, pad + JWS + pad));
    }
    refused.addAll(List.of(JWS, JWS + "\n\n", "a".repeat(5000), "\u00e9".repeat(2100), "x" + " ".repeat(9000),
        "", " ", "\t\r\n"));
    Set<String> messages = new LinkedHashSet<>();
    Set<String> types = new LinkedHashSet<>();
    for (String token : refused) {
      RpcException e = refusal(() -> service.introspect_token(token, caller("asker", Map.of())));
      assertEquals("token_unresolved", e.errorKind().orElseThrow());
      assertEquals(ErrorCode.NOT_FOUND, e.errorCode());
      messages.add(e.errorMessage());
      types.add(e.errorType());
    }
    assertEquals(Set.of("unresolved"), messages);
    assertEquals(Set.of("TokenUnresolvedError"), types);
    assertEquals(List.of(), resolved, "a guard let a credential through to the resolver");
    for (String ordinary : List.of("opaque-token", "two.segments", "a.b.c.d", "sk_live_abc123", "  padded  ")) {
      assertEquals("subject", service.introspect_token(ordinary, caller("asker", Map.of())).principal());
    }
    // the resolver saw what was sent, untrimmed
    assertEquals("  padded  ", resolved.get(resolved.size() - 1));
  }

  @Test
  void zeroTtlIsKeptAndOmittedFieldsTakeTheirDefaults() {
    assertEquals(0, new TokenIdentity("p", "n", 0).ttl_seconds());
    assertEquals(new TokenIdentity("p", "", 300), TokenIdentity.of("p"));
    assertEquals("", IssuedGrant.of("t", NOW).grant_id());
  }

  @Test
  void theTransportAuthErrorBecomesIdentityUnavailableWithItsHint() {
    IdentityService service = new IdentityService(IdentityConfig.builder()
        .resolver(token -> {
          throw new AuthUnavailableException("authority down", 7);
        })
        .introspectors(List.of("asker")).build());
    RpcException e = refusal(() -> service.introspect_token("tok", caller("asker", Map.of())));
    assertEquals("identity_unavailable", e.errorKind().orElseThrow());
    assertEquals(ErrorCode.UNAVAILABLE, e.errorCode());
    assertEquals(7.0, e.retryInfo().orElseThrow().retryDelaySeconds());
    assertNotEquals("TokenUnresolvedError", e.errorType());
    assertFalse(IllegalArgumentException.class.isInstance(e));
    RpcException minting = refusal(() -> service(true).issue_grant("down", List.of(), 60,
        caller("me", Map.of("auth_time", Long.toString(NOW.getEpochSecond() - 60)))));
    assertEquals("identity_unavailable", minting.errorKind().orElseThrow());
    assertEquals(7.0, minting.retryInfo().orElseThrow().retryDelaySeconds());
  }

  @Test
  void onlyAFreshlyAuthenticatedCallerMintsAndOnlyForThemselves() {
    IdentityService service = service(true);
    String fresh = Double.toString(NOW.getEpochSecond() - 60.5);
    for (CallContext stale : List.of(caller(null, Map.of()), caller("me", Map.of()),
        caller("me", Map.of("auth_time", "not-a-timestamp")), caller("me", Map.of("auth_time", "nan")),
        caller("me", Map.of("auth_time", Long.toString(NOW.getEpochSecond() - 86_400))))) {
      RpcException e = refusal(() -> service.issue_grant("p", List.of(), 60, stale));
      assertEquals("stale_auth", e.errorKind().orElseThrow());
      assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode());
    }
    assertEquals(List.of(), minted);
    assertEquals("me|a,b", service.issue_grant("p", List.of("a", "b"), 60, caller("me", Map.of("auth_time", fresh))).token());
    assertEquals("you|", service.issue_grant("p", List.of(), 60, caller("you", Map.of("auth_time", fresh))).token());
    assertEquals(List.of("me", "you"), minted);
  }

  @Test
  void sealedGrantsAreMintedWhenNoMinterIsConfigured() throws Exception {
    GrantKeys keys = new GrantKeys(List.of(new byte[32]), "aud", 3600, 60);
    IdentityService service = new IdentityService(IdentityConfig.builder().grantKeys(keys)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build());
    IssuedGrant grant = service.issue_grant("nightly", List.of("read"), 10_000_000,
        caller("me", Map.of("auth_time", NOW.getEpochSecond())));
    GrantClaims claims = SealedGrants.verify(keys, grant.token(), NOW);
    assertEquals("me", claims.principal());
    assertEquals(Instant.ofEpochSecond(claims.expiresAt()), grant.expires_at());
    assertEquals(claims.grantId(), grant.grant_id());
    assertEquals(3600, claims.expiresAt() - claims.issuedAt());
    assertEquals("grant_refused", refusal(() -> service.issue_grant("p", List.of(), 0,
        caller("me", Map.of("auth_time", NOW.getEpochSecond())))).errorKind().orElseThrow());
    assertEquals("introspection_refused",
        refusal(() -> service.introspect_token("t", caller("me", Map.of()))).errorKind().orElseThrow());
  }

  @Test
  void theCapIsMeasuredInUtf8BytesOfTheUntrimmedCredential() {
    assertTrue(CredentialGuards.refused("\u00e9".repeat(2049)));
    assertFalse(CredentialGuards.refused("\u00e9".repeat(2048)));
    assertTrue(CredentialGuards.refused("x" + " ".repeat(4096)));
    assertFalse(CredentialGuards.refused("a.b"));
    assertTrue(CredentialGuards.refused("a.b."));
    assertFalse(CredentialGuards.refused(".b.c"));
    assertEquals(64, CredentialGuards.digest("t").length());
  }
}
