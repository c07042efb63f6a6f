package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.identity.IdentityProtocol;
import dev.arrowrpc.core.identity.TokenIdentity;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The identity fixture's policy (IDENTITY_CONFORMANCE_FIXTURE.md), as the worker configures it. */
class IdentityFixtureTest {
  @Test
  void whoamiHasTheReferenceDigest() {
    assertEquals(WhoamiService.PROTOCOL_HASH, ProtocolHash.of(ServiceSpec.of(WhoamiService.class)));
  }

  @Test
  void eachModeHostsItsMethods() {
    assertEquals(Set.of(IdentityProtocol.INTROSPECT_TOKEN, IdentityProtocol.ISSUE_GRANT),
        IdentityFixture.config(IdentityFixture.Mode.BOTH).hostedMethods());
    assertEquals(Set.of(IdentityProtocol.INTROSPECT_TOKEN),
        IdentityFixture.config(IdentityFixture.Mode.INTROSPECT_ONLY).hostedMethods());
    assertEquals(Set.of(IdentityProtocol.INTROSPECT_TOKEN, IdentityProtocol.ISSUE_GRANT),
        IdentityFixture.config(IdentityFixture.Mode.GRANTS).hostedMethods());
    assertEquals(true, IdentityFixture.config(IdentityFixture.Mode.GRANTS).grantKeys().isPresent());
    assertEquals(Optional.of(IdentityFixture.Mode.INTROSPECT_ONLY),
        IdentityFixture.mode(List.of("--http", "--identity", "introspect-only")));
    assertEquals(Optional.empty(), IdentityFixture.mode(List.of("--http")));
    assertThrows(IllegalArgumentException.class, () -> IdentityFixture.mode(List.of("--identity", "off-ish")));
  }

  @Test
  void theResolverAnswersAsThePolicySays() {
    assertEquals(Optional.empty(), IdentityFixture.RESOLVER.resolve("conformance-unknown-token"));
    assertEquals(0, IdentityFixture.RESOLVER.resolve("conformance-zero-ttl-token").orElseThrow().ttl_seconds());
    assertEquals(TokenIdentity.of(IdentityFixture.SUBJECT), IdentityFixture.RESOLVER.resolve("conformance-minimal-token").orElseThrow());
    assertEquals("conformance-padded",
        IdentityFixture.RESOLVER.resolve("  conformance-padded-probe  ").orElseThrow().token_name());
    assertEquals(7, assertThrows(AuthUnavailableException.class,
        () -> IdentityFixture.RESOLVER.resolve("conformance-auth-unavailable-token")).retryAfterSeconds());
    assertEquals(Optional.of("identity_unavailable"), assertThrows(RpcException.class,
        () -> IdentityFixture.RESOLVER.resolve("conformance-unavailable-token")).errorKind());
    assertEquals("conformance-grant-for:me|a,b",
        IdentityFixture.MINTER.mint("me", "conformance", List.of("a", "b"), 60).token());
  }

  @Test
  void theHeaderAuthenticatorPassesAuthTimeThroughVerbatim() throws Exception {
    Identity caller = IdentityFixture.AUTHENTICATOR.authenticate(AuthRequest.http(
        Map.of("x-conformance-principal", List.of("p"), "x-conformance-auth-time", List.of("not-a-timestamp")), ""));
    assertEquals(Optional.of("p"), caller.principal());
    assertEquals(Map.of("auth_time", "not-a-timestamp"), caller.claims());
    assertEquals(Identity.ANONYMOUS, IdentityFixture.AUTHENTICATOR.authenticate(AuthRequest.http(
        Map.of("authorization", List.of("Bearer x")), "")));
  }
}
