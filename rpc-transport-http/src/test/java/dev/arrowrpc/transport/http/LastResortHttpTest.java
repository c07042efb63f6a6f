package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.Identity;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever a request's handling throws, Errors included, is answered: a method's Error as a typed
 * error, anything escaping the handler as a 500 whose JSON body names the request, never an empty
 * body; and the server goes on serving.
 */
@Timeout(60)
class LastResortHttpTest {
  /** The service the tests call. */
  @RpcService(name = "HttpFaulty")
  public interface Faulty {
    String echo(String s);

    String overflow(String s);

    String outOfMemory(String s);
  }

  /** Echoes, and throws Errors on request. */
  public static final class FaultyImpl implements Faulty {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public String overflow(String s) {
      throw new StackOverflowError("thrown by the method");
    }

    @Override
    public String outOfMemory(String s) {
      throw new OutOfMemoryError("thrown by the method");
    }
  }

  /** Throws a StackOverflowError for requests carrying {@code X-Boom}. */
  private static Identity authenticate(AuthRequest request) {
    if (request.header("X-Boom").isPresent()) {
      throw new StackOverflowError("thrown by the authenticator");
    }
    return Identity.ANONYMOUS;
  }

  @Test
  void errorsThrownByMethodsAreTypedErrorsAndTheNextCallWorks() throws Exception {
    try (HttpHarness harness = new HttpHarness(Faulty.class, new FaultyImpl())) {
      Faulty faulty = harness.proxy(Faulty.class);
      RpcException overflow = assertThrows(RpcException.class, () -> faulty.overflow("x"));
      assertTrue(overflow.getMessage().contains("thrown by the method"), overflow.toString());
      assertEquals("a", faulty.echo("a"));
      RpcException memory = assertThrows(RpcException.class, () -> faulty.outOfMemory("x"));
      assertTrue(memory.getMessage().contains("thrown by the method"), memory.toString());
      assertEquals("b", faulty.echo("b"));
      assertEquals(0, harness.serverBytes());
      assertEquals(0, harness.clientBytes());
    }
  }

  @Test
  void anErrorEscapingTheHandlerIsA500NamingTheRequest() throws Exception {
    try (HttpHarness harness = new HttpHarness(Faulty.class, new FaultyImpl(),
        b -> b.authenticator(LastResortHttpTest::authenticate), c -> c)) {
      HttpResponse<byte[]> response = Raw.post(harness.http().url() + "/HttpFaulty/echo", new byte[] {1, 2, 3},
          Map.of("Content-Type", Responses.ARROW, "X-Boom", "1", "X-Request-ID", "req-boom-1"));
      assertEquals(500, response.statusCode());
      String body = Raw.text(response);
      assertTrue(body.contains("req-boom-1"), body);
      assertTrue(Raw.header(response, "Content-Type").orElse("").startsWith("application/json"), body);
      assertEquals("req-boom-1", Raw.header(response, "X-Request-ID").orElse(""));
      // the server goes on serving
      assertEquals("after", harness.proxy(Faulty.class).echo("after"));
      assertEquals(0, harness.serverBytes());
    }
  }
}
