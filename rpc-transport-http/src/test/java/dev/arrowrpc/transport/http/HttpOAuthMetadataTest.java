package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth protected-resource metadata (RFC 9728), as the reference serves it: the document at the
 * well-known path without credentials, and the challenge of every 401 pointing there.
 */
class HttpOAuthMetadataTest {
  private static final OAuthResourceMetadata METADATA = OAuthResourceMetadata.builder("https://api.example.com/vgi",
      List.of("https://login.example.com")).scopesSupported(List.of("openid", "email")).clientId("vgi-cli")
      .useIdTokenAsBearer(true).deviceCodeClientId("vgi-device").build();

  private final ClientServerMemory memory = new ClientServerMemory();

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  private String origin(HttpRpcServer server) {
    String url = server.url();
    int path = url.indexOf('/', "http://".length());
    return path < 0 ? url : url.substring(0, path);
  }

  private HttpRpcServer serve(UnaryOperator<HttpRpcServer.Builder> configure) {
    RpcServer rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(memory.server).build();
    memory.open.add(rpc);
    HttpRpcServer http = configure.apply(HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY)
        .authenticator(BearerTokenAuthenticator.of("s3cret", "alice"))).start();
    memory.open.add(http);
    return http;
  }

  @Test
  void theDocumentIsServedWithoutCredentialsAtTheRootAndUnderThePrefix() {
    HttpRpcServer server = serve(b -> b.prefix("/vgi").oauthResourceMetadata(METADATA));
    for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/vgi")) {
      HttpResponse<byte[]> response = Raw.get(origin(server) + path, Map.of());
      assertEquals(200, response.statusCode(), path);
      assertEquals(Optional.of("public, max-age=60"), Raw.header(response, "Cache-Control"));
      assertEquals(Map.of("resource", "https://api.example.com/vgi", "authorization_servers",
          List.of("https://login.example.com"), "scopes_supported", List.of("openid", "email"), "client_id", "vgi-cli",
          "use_id_token_as_bearer", true, "device_code_client_id", "vgi-device"), Json.parse(Raw.text(response)));
    }
  }

  @Test
  void aRefusalPointsAtTheDocument() {
    HttpRpcServer server = serve(b -> b.prefix("/vgi").oauthResourceMetadata(METADATA));
    HttpResponse<byte[]> refused = Raw.postArrow(server.url() + "/HttpStreams/echo", Raw.requestBody(s -> s.echo("x")));
    assertEquals(401, refused.statusCode());
    assertEquals(Optional.of("Bearer resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource"
        + "/vgi\", client_id=\"vgi-cli\", use_id_token_as_bearer=\"true\", device_code_client_id=\"vgi-device\""),
        Raw.header(refused, "WWW-Authenticate"));
    HttpResponse<byte[]> admitted = Raw.post(server.url() + "/HttpStreams/echo", Raw.requestBody(s -> s.echo("x")),
        Map.of("Content-Type", Responses.ARROW, "Authorization", "Bearer s3cret"));
    assertEquals(200, admitted.statusCode());
  }

  @Test
  void withoutMetadataThereIsNoDocumentAndTheAuthenticatorsChallengeStays() {
    HttpRpcServer server = serve(b -> b);
    // not served: the path is like any other under the root, behind the authenticator
    assertEquals(401, Raw.get(origin(server) + "/.well-known/oauth-protected-resource", Map.of()).statusCode());
    HttpResponse<byte[]> refused = Raw.postArrow(server.url() + "/HttpStreams/echo", Raw.requestBody(s -> s.echo("x")));
    assertEquals(401, refused.statusCode());
    assertEquals(BearerTokenAuthenticator.of("s3cret", "alice").challenge(), Raw.header(refused, "WWW-Authenticate"));
  }

  @Test
  void theBuilderRefusesWhatCannotBeServedOrQuoted() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OAuthResourceMetadata.builder("api.example.com",
        List.of("https://login.example.com"))).getMessage().contains("absolute http(s) URL"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OAuthResourceMetadata.builder(
        "https://api.example.com", List.of())).getMessage().contains("at least one authorization server"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OAuthResourceMetadata.builder(
        "https://api.example.com", List.of("https://login.example.com")).clientId("a\"b")).getMessage()
        .contains("URL-safe"));
  }
}
