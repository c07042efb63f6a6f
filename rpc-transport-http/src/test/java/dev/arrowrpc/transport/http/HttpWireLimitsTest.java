package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.WireLimits;
import org.junit.jupiter.api.Test;

/** The server's wire limits apply to HTTP request bodies too, and a refusal leaves the client usable. */
class HttpWireLimitsTest {
  @Test
  void aRequestOverTheBodyLimitIsAProtocolErrorNamingItAndTheNextCallIsServed() throws Exception {
    try (HttpHarness harness = new HttpHarness(StreamService.class, new StreamService.Impl(),
        rpc -> rpc.wireLimits(WireLimits.DEFAULT.withMaxBodyBytes(4096).withMaxRequestBytes(8192)), http -> http,
        client -> client)) {
      StreamService proxy = harness.proxy(StreamService.class);
      assertArrayEquals(new byte[1000], proxy.echoBytes(new byte[1000]));
      RpcException refused = assertThrows(RpcException.class, () -> proxy.echoBytes(new byte[5000]));
      assertEquals("ProtocolError", refused.errorType(), refused.toString());
      assertTrue(refused.getMessage().contains("maxBodyBytes"), refused.getMessage());
      assertTrue(refused.getMessage().contains("4096"), refused.getMessage());
      assertEquals("after", proxy.echo("after"));
      assertEquals(0, harness.serverBytes());
    }
  }
}
