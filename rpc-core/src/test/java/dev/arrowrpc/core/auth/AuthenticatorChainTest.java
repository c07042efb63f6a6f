package dev.arrowrpc.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.AuthUnavailableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alternatives tried in order, as the reference's chain_authenticate. */
class AuthenticatorChainTest {
  private static final Authenticator API_KEYS = BearerTokenAuthenticator.of("key-1", "service");
  private static final Authenticator HEADER_USER = request -> {
    List<String> user = request.headers().getOrDefault("x-user", List.of());
    if (user.isEmpty()) {
      throw new AuthenticationException(AuthReason.MISSING_CREDENTIAL, "no X-User");
    }
    if (user.get(0).equals("mallory")) {
      throw new AuthenticationException(AuthReason.INSUFFICIENT_SCOPE, "mallory may not call");
    }
    return Identity.of(user.get(0), "header");
  };

  private static AuthRequest request(Map<String, List<String>> headers) {
    return AuthRequest.http(headers, "10.0.0.1");
  }

  @Test
  void theFirstThatAcceptsDecides() throws Exception {
    Authenticator chain = Authenticator.chain(API_KEYS, HEADER_USER);
    assertEquals(Identity.of("service", "bearer"),
        chain.authenticate(request(Map.of("authorization", List.of("Bearer key-1")))));
    assertEquals(Identity.of("ada", "header"), chain.authenticate(request(Map.of("x-user", List.of("ada")))));
    assertEquals(API_KEYS.challenge(), chain.challenge());
  }

  @Test
  void whenNoneAcceptsTheRefusalNamesEachReason() {
    Authenticator chain = Authenticator.chain(API_KEYS, HEADER_USER);
    AuthenticationException nothing = assertThrows(AuthenticationException.class, () -> chain.authenticate(
        request(Map.of())));
    assertEquals(AuthReason.MISSING_CREDENTIAL, nothing.reason(), "every alternative found no credential");
    assertEquals(2, nothing.detail().split("; ").length, nothing.detail());
    AuthenticationException wrongKey = assertThrows(AuthenticationException.class, () -> chain.authenticate(
        request(Map.of("authorization", List.of("Bearer nope")))));
    assertEquals(AuthReason.INVALID_CREDENTIAL, wrongKey.reason(), "one looked at a credential: its reason wins");
    assertEquals(true, wrongKey.detail().startsWith("No authenticator accepted the request ("), wrongKey.detail());
  }

  @Test
  void aForbiddenCallerOrAnUnreachableAuthorityStopsTheChain() {
    Authenticator unreachable = request -> {
      throw new AuthUnavailableException("the identity provider is down", 2);
    };
    AuthenticationException forbidden = assertThrows(AuthenticationException.class, () ->
        Authenticator.chain(HEADER_USER, API_KEYS).authenticate(request(Map.of("x-user", List.of("mallory")))));
    assertEquals(AuthReason.INSUFFICIENT_SCOPE, forbidden.reason());
    assertEquals("mallory may not call", forbidden.detail());
    assertThrows(AuthUnavailableException.class, () -> Authenticator.chain(unreachable, HEADER_USER)
        .authenticate(request(Map.of("x-user", List.of("ada")))));
    Authenticator only = Authenticator.chain(API_KEYS);
    assertSame(API_KEYS.challenge().orElseThrow(), only.challenge().orElseThrow());
    assertThrows(IllegalArgumentException.class, Authenticator::chain);
  }
}
