package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipePairTest extends TransportContractTest {
  private PipePair pair;

  @Override
  ByteTransport open() {
    pair = PipePair.serve(newServer());
    return pair.client();
  }

  @Override
  void shutdown() {
    pair.close();
  }

  @Test
  void aCallAfterThePairClosedFailsWithTransportError() {
    assertEquals(5L, echo.add(2, 3));
    pair.close();
    RpcException error = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(RpcException.class, () -> echo.add(1, 1)));
    assertEquals("TransportError", error.errorType());
  }
}
