package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.identity.GrantKeys;
import dev.arrowrpc.core.identity.IdentityBearerAuthenticator;
import dev.arrowrpc.core.identity.IdentityConfig;
import dev.arrowrpc.core.identity.IdentityErrors;
import dev.arrowrpc.core.identity.IdentityProtocol;
import dev.arrowrpc.core.identity.SealedGrants;
import dev.arrowrpc.core.identity.TokenIdentity;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** vgi_rpc.Identity.v2 over HTTP, and identity credentials accepted as bearers. */
class HttpIdentityTest {
  private static final String ARROW = "application/vnd.apache.arrow.stream";
  private static final String JWS = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
  private static final GrantKeys KEYS = new GrantKeys(List.of(new byte[32]), "test", 3600, 60);

  private final List<String> resolved = new CopyOnWriteArrayList<>();

  private IdentityConfig identity() {
    return IdentityConfig.builder()
        .resolver(token -> {
          resolved.add(token);
          return switch (token) {
            case "unknown" -> Optional.empty();
            case "down" -> throw new AuthUnavailableException("authority down", 7);
            case "gone" -> throw IdentityErrors.unavailable("store down", 5);
            default -> Optional.of(new TokenIdentity("subject", "named", 0));
          };
        })
        .introspectors(List.of("asker"))
        .grantKeys(KEYS)
        .build();
  }

  private record Server(BufferAllocator memory, RpcServer rpc, HttpRpcServer http) implements AutoCloseable {
    static Server start(Optional<IdentityConfig> identity, Optional<Authenticator> authenticator) {
      BufferAllocator memory = new RootAllocator();
      RpcServer.Builder builder = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(memory);
      identity.ifPresent(builder::identity);
      RpcServer rpc = builder.build();
      HttpRpcServer.Builder http = HttpRpcServer.builder(rpc);
      authenticator.ifPresent(http::authenticator);
      return new Server(memory, rpc, http.start());
    }

    @Override
    public void close() {
      http.close();
      rpc.close();
      memory.close();
    }
  }

  private static HttpResponse<byte[]> whoami(String url, String bearer) {
    return Raw.send("POST", url + "/HttpStreams/whoami", Raw.requestBody(StreamService::whoami),
        Map.of("Content-Type", ARROW, "Authorization", "Bearer " + bearer));
  }

  private static String whoamiAs(String url, String bearer) {
    try (RpcClient client = HttpRpc.builder(url).bearerToken(bearer).build()) {
      return client.proxy(StreamService.class).whoami();
    }
  }

  @Test
  void grantsAndResolvableCredentialsAuthenticateAfterTheDeploymentsAuthenticator() {
    Authenticator deployment = BearerTokenAuthenticator.of(Map.of("asker-secret", "asker"));
    try (Server server = Server.start(Optional.of(identity()), Optional.of(deployment))) {
      String url = server.http().url();
      assertTrue(server.rpc().protocols().contains(IdentityProtocol.NAME));
      assertEquals("asker@bearer", whoamiAs(url, "asker-secret"));
      String grant = SealedGrants.mint(KEYS, "me", List.of("read"), "p", 600, Instant.now()).token();
      assertEquals("me@grant", whoamiAs(url, grant));
      assertEquals("subject@token", whoamiAs(url, "opaque"));
      try (RpcClient anonymous = HttpRpc.connect(url)) {
        // the deployment's authenticator requires a credential, and still decides when none is sent
        RpcException e = assertThrows(RpcException.class, () -> anonymous.proxy(StreamService.class).whoami());
        assertTrue(e.errorMessage().contains("missing_credential"), e.errorMessage());
      }
      try (RpcClient wrong = HttpRpc.builder(url).bearerToken("unknown").build()) {
        // nothing accepts it: the deployment's own refusal is the answer
        RpcException e = assertThrows(RpcException.class, () -> wrong.proxy(StreamService.class).whoami());
        assertTrue(e.errorMessage().contains("invalid_credential"), e.errorMessage());
      }
      // the identity protocol itself, through the ordinary client: records decode both ways
      try (RpcClient asker = HttpRpc.builder(url).bearerToken("asker-secret").build()) {
        IdentityProtocol identity = asker.proxy(IdentityProtocol.class);
        assertEquals(new TokenIdentity("subject", "named", 0), identity.introspect_token("  padded  "));
        RpcException stale = assertThrows(RpcException.class, () -> identity.issue_grant("p", List.of(), 60));
        assertEquals("stale_auth", stale.errorKind().orElseThrow());
      }
      try (RpcClient granted = HttpRpc.builder(url).bearerToken(grant).build()) {
        RpcException refused = assertThrows(RpcException.class,
            () -> granted.proxy(IdentityProtocol.class).introspect_token("x"));
        assertEquals("introspection_refused", refused.errorKind().orElseThrow());
      }
    }
  }

  @Test
  void badGrantsStopTheChainAndOutagesAre503() {
    try (Server server = Server.start(Optional.of(identity()), Optional.empty())) {
      String url = server.http().url();
      String grant = SealedGrants.mint(KEYS, "me", List.of(), "p", 60, Instant.now().minusSeconds(3000)).token();
      HttpResponse<byte[]> expired = whoami(url, grant);
      assertEquals(401, expired.statusCode());
      assertEquals("expired_credential", Raw.header(expired, "VGI-Auth-Reason").orElseThrow());
      String fresh = SealedGrants.mint(KEYS, "me", List.of(), "p", 60, Instant.now()).token();
      HttpResponse<byte[]> padded = whoami(url, fresh + "=");
      assertEquals(401, padded.statusCode());
      assertEquals("invalid_credential", Raw.header(padded, "VGI-Auth-Reason").orElseThrow());
      resolved.clear();
      for (String refused : List.of("unknown", JWS, " ", "a".repeat(5000))) {
        assertEquals(401, whoami(url, refused).statusCode(), refused);
      }
      assertEquals(List.of("unknown"), resolved, "only the unknown credential reaches the resolver");
      for (Map.Entry<String, String> outage : Map.of("down", "7", "gone", "5").entrySet()) {
        HttpResponse<byte[]> response = whoami(url, outage.getKey());
        assertEquals(503, response.statusCode());
        assertEquals(outage.getValue(), Raw.header(response, "Retry-After").orElseThrow());
      }
      // a grant-shaped bearer under another prefix is an opaque credential
      assertEquals("subject@token", whoamiAs(url, "vgig2." + fresh.substring(SealedGrants.PREFIX.length())));
      assertEquals(200, Raw.get(url + "/health", Map.of()).statusCode());
      try (RpcClient anonymous = HttpRpc.connect(url)) {
        assertEquals("anonymous", anonymous.proxy(StreamService.class).whoami());
      }
    }
  }

  @Test
  void withoutIdentityNothingChanges() {
    try (Server server = Server.start(Optional.empty(), Optional.empty())) {
      String url = server.http().url();
      assertFalse(server.rpc().protocols().contains(IdentityProtocol.NAME));
      assertEquals("anonymous", whoamiAs(url, "anything"));
    }
    assertEquals(Optional.empty(), IdentityBearerAuthenticator.wrap(Optional.empty(), Optional.empty()));
    IdentityConfig mintOnly = IdentityConfig.builder().minter((p, purpose, s, t) -> {
      throw IdentityErrors.grantRefused("no");
    }).build();
    assertEquals(Optional.empty(), IdentityBearerAuthenticator.wrap(Optional.of(mintOnly), Optional.empty()));
  }
}
