package dev.arrowrpc.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a byte-channel request shows an authenticator, and how its answers become errors. */
class ConnectionAuthTest {
  private static final Map<String, String> REQUEST = Map.of("vgi_rpc.method", "echo",
      ConnectionAuth.AUTHORIZATION_KEY, "Bearer s3cret");

  @Test
  void withoutAnAuthenticatorEveryoneIsAnonymous() {
    assertFalse(ConnectionAuth.none().enabled());
    assertEquals(Identity.ANONYMOUS, ConnectionAuth.none().authenticate(REQUEST));
  }

  @Test
  void theCarriedCredentialIsTheAuthorizationHeader() {
    AtomicReference<AuthRequest> seen = new AtomicReference<>();
    ConnectionAuth auth = ConnectionAuth.of(request -> {
      seen.set(request);
      return BearerTokenAuthenticator.of("s3cret", "alice").authenticate(request);
    }, TransportKind.TCP, "10.0.0.7", Optional.empty());
    assertEquals(Identity.of("alice", BearerTokenAuthenticator.DOMAIN), auth.authenticate(REQUEST));
    assertEquals(TransportKind.TCP, seen.get().transport());
    assertEquals("10.0.0.7", seen.get().peerAddress());
    assertEquals(Optional.of("Bearer s3cret"), seen.get().header("Authorization"));
    assertEquals(Map.of("authorization", List.of("Bearer s3cret")), seen.get().headers(),
        "no other metadata is shown as a header");
  }

  @Test
  void aRefusalIsATypedAuthenticationError() {
    ConnectionAuth auth = ConnectionAuth.of(BearerTokenAuthenticator.of("other", "bob"), TransportKind.UNIX, "",
        Optional.empty());
    RpcException invalid = assertThrows(RpcException.class, () -> auth.authenticate(REQUEST));
    assertEquals("AuthenticationError", invalid.errorType());
    assertEquals(ErrorCode.UNAUTHENTICATED, invalid.errorCode());
    assertEquals("invalid_credential", invalid.errorInfo().orElseThrow().metadata().get("reason"));
    assertFalse(invalid.errorMessage().contains("s3cret"), "the credential is never echoed");
    RpcException missing = assertThrows(RpcException.class, () -> auth.authenticate(Map.of()));
    assertEquals("missing_credential", missing.errorInfo().orElseThrow().metadata().get("reason"));
    assertFalse(missing.isRetryable());
  }

  @Test
  void anUnreachableAuthorityIsRetryableNotARefusal() {
    ConnectionAuth auth = ConnectionAuth.of(request -> {
      throw new AuthUnavailableException("the directory is down", 7);
    }, TransportKind.TCP, "", Optional.empty());
    RpcException unavailable = assertThrows(RpcException.class, () -> auth.authenticate(REQUEST));
    assertEquals(ErrorCode.UNAVAILABLE, unavailable.errorCode());
    assertEquals(7.0, unavailable.retryInfo().orElseThrow().retryDelaySeconds());
    assertTrue(unavailable.isRetryable());
  }

  @Test
  void theMethodNeverSeesTheCredential() {
    assertEquals(Map.of("vgi_rpc.method", "echo"), ConnectionAuth.withoutCredential(REQUEST));
    Map<String, String> plain = Map.of("vgi_rpc.method", "echo");
    assertSame(plain, ConnectionAuth.withoutCredential(plain));
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    AuthRequest request = AuthRequest.http(Map.of("X-Custom", List.of("a"), "x-custom", List.of("b")), "");
    assertEquals(List.of("x-custom"), List.copyOf(request.headers().keySet()));
    assertEquals(2, request.headers().get("x-custom").size());
    assertEquals(Optional.empty(), request.peerCredentials());
    assertEquals(TransportKind.HTTP, request.transport());
  }
}
