package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP vocabulary the client's core no longer knows: routes, and statuses turned into errors. */
class HttpTransportAnswerTest {
  private static HttpTransport.Answer answer(int status, boolean arrow, String text) {
    return new HttpTransport.Answer(status, arrow, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void routesNameTheProtocolTheMethodAndTheStep() {
    assertEquals("P/m", HttpTransport.route("P", "m", RequestTransport.Kind.UNARY));
    assertEquals("P/m/init", HttpTransport.route("P", "m", RequestTransport.Kind.INIT));
    assertEquals("P/m/exchange", HttpTransport.route("P", "m", RequestTransport.Kind.TURN));
  }

  @Test
  void anArrowAnswerIsHandedOverWhateverItsStatus() throws Exception {
    HttpTransport.Answer answer = answer(400, true, "arrow bytes");
    try (InputStream body = answer.arrowStream()) {
      assertSame(answer.body(), body);
    }
  }

  @Test
  void aRefusalBecomesTheErrorTypeOfItsStatusQuotingItsText() {
    RpcException unauthenticated = assertThrows(RpcException.class, () -> answer(401, false, " no token\n").arrowStream());
    assertEquals("AuthenticationError", unauthenticated.errorType());
    assertEquals("HTTP 401: no token", unauthenticated.errorMessage());
    assertEquals("PayloadTooLarge",
        assertThrows(RpcException.class, () -> answer(413, false, "too big").arrowStream()).errorType());
    RpcException gateway = assertThrows(RpcException.class, () -> answer(502, false, "").arrowStream());
    assertEquals("TransportError", gateway.errorType());
    assertEquals("HTTP 502", gateway.errorMessage());
  }

  @Test
  void aLongRefusalIsQuotedOnlyInPart() {
    RpcException refusal = assertThrows(RpcException.class, () -> answer(503, false, "x".repeat(10_000)).arrowStream());
    assertEquals("HTTP 503: ".length() + 2048, refusal.errorMessage().length());
  }
}
