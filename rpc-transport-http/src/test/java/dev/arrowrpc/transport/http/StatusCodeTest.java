package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.spi.RequestEngine;
import org.junit.jupiter.api.Test;

/** The status line HTTP derives from how the engine's answer ended. */
class StatusCodeTest {
  @Test
  void methodFailuresTravelInBandAndRefusalsAreClientErrors() {
    assertEquals(200, RpcHttpHandler.statusCode(RequestEngine.Outcome.OK));
    assertEquals(200, RpcHttpHandler.statusCode(RequestEngine.Outcome.METHOD_ERROR));
    assertEquals(400, RpcHttpHandler.statusCode(RequestEngine.Outcome.REFUSED));
    assertEquals(404, RpcHttpHandler.statusCode(RequestEngine.Outcome.NOT_FOUND));
  }
}
