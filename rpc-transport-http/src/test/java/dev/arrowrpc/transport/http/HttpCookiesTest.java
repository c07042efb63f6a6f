package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ResponseCookie;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cookies over HTTP, as the reference's ctx.cookies / set_cookie / delete_cookie. */
class HttpCookiesTest {
  /** A service that reads and sets cookies. */
  @RpcService(name = "Cookies")
  public interface Cookies {
    /** A row. */
    record Row(long n) {}

    /** {@return the user} after setting the session cookie */
    String login(String user);

    /** {@return the session cookie the request carried, or "none"} */
    String session();

    /** Deletes the session cookie. */
    void logout();

    /** Tries to set a cookie from a stream. */
    Producer<Row> stream();
  }

  /** The implementation. */
  public static final class Impl implements Cookies {
    @Override
    public String login(String user) {
      CallContext.current().orElseThrow().setCookie(ResponseCookie.of("session", "s-" + user)
          .maxAge(Duration.ofHours(1)).path("/").sameSite("lax"));
      return user;
    }

    @Override
    public String session() {
      return CallContext.current().orElseThrow().cookies().getOrDefault("session", "none");
    }

    @Override
    public void logout() {
      CallContext.current().orElseThrow().setCookie(ResponseCookie.deletion("session").path("/"));
    }

    @Override
    public Producer<Row> stream() {
      CallContext.current().orElseThrow().setCookie(ResponseCookie.of("x", "y"));
      return Producer.of((out, context) -> out.finish());
    }
  }

  private final ClientServerMemory memory = new ClientServerMemory();

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  private HttpRpcServer serve() {
    RpcServer rpc = RpcServer.builder(Cookies.class, new Impl()).allocator(memory.server).build();
    memory.open.add(rpc);
    HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY).start();
    memory.open.add(http);
    return http;
  }

  private static byte[] body(Consumer<Cookies> call) {
    return Raw.requestBodyOf(Cookies.class, call);
  }

  @Test
  void aUnaryMethodSetsAndDeletesCookiesAndReadsThem() {
    HttpRpcServer server = serve();
    HttpResponse<byte[]> login = Raw.postArrow(server.url() + "/Cookies/login", body(c -> c.login("ada")));
    assertEquals(200, login.statusCode());
    assertEquals(List.of("session=s-ada; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax"),
        login.headers().allValues("Set-Cookie"));
    HttpResponse<byte[]> seen = Raw.post(server.url() + "/Cookies/session", body(Cookies::session),
        Map.of("Content-Type", Responses.ARROW, "Cookie", "theme=dark; session=s-ada"));
    assertTrue(new String(seen.body(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("s-ada"));
    HttpResponse<byte[]> logout = Raw.postArrow(server.url() + "/Cookies/logout", body(Cookies::logout));
    assertEquals(List.of("session=; Expires=Thu, 1 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly"),
        logout.headers().allValues("Set-Cookie"));
  }

  @Test
  void theTypedClientSeesTheSameAndAStreamCannotSetOne() {
    HttpRpcServer server = serve();
    RpcClient client = HttpRpc.builder(server.url()).allocator(memory.client).build();
    memory.open.add(client);
    Cookies cookies = client.proxy(Cookies.class);
    assertEquals("none", cookies.session(), "no cookie jar: nothing is sent back");
    RpcException refused = assertThrows(RpcException.class, () -> cookies.stream().iterator().hasNext());
    assertTrue(refused.errorMessage().contains("setCookie() is only supported inside unary methods served over HTTP"),
        refused.errorMessage());
  }

  @Test
  void whatACookieCannotCarryIsRefusedWhenMade() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ResponseCookie.of("a b", "v")).getMessage()
        .contains("RFC 6265 token"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ResponseCookie.of("a", "x;y")).getMessage()
        .contains("encode it first"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ResponseCookie.of("a", "v").sameSite("sometimes"))
        .getMessage().contains("Strict, Lax or None"));
    assertEquals("a=v; Secure; HttpOnly; SameSite=None", ResponseCookie.of("a", "v").sameSite("none").toString(),
        "SameSite=None needs Secure");
    assertEquals("a=v; Secure; HttpOnly", ResponseCookie.of("a", "v").headerValue(true), "HTTPS: Secure by default");
  }
}
