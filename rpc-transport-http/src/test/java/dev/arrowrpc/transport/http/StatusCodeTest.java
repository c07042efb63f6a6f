package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.server.RequestHandler;
import org.junit.jupiter.api.Test;

/** The status line HTTP derives from how the engine's answer ended. */
class StatusCodeTest {
  @Test
  void methodFailuresTravelInBandAndRefusalsAreClientErrors() {
    assertEquals(200, RpcHttpHandler.statusCode(RequestHandler.Outcome.OK));
    assertEquals(200, RpcHttpHandler.statusCode(RequestHandler.Outcome.METHOD_ERROR));
    assertEquals(400, RpcHttpHandler.statusCode(RequestHandler.Outcome.REFUSED));
    assertEquals(404, RpcHttpHandler.statusCode(RequestHandler.Outcome.NOT_FOUND));
  }
}
