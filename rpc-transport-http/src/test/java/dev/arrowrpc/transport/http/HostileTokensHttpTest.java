package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.core.auth.SealedStreamTokens;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stream tokens an attacker sends to the HTTP server: bytes that are not UTF-8 in the token text,
 * tokens forged with a known key whose names are not UTF-8 or whose date lies in the future. Each is
 * a 400 with a typed ProtocolError, never a 500, and the server answers the next valid turn.
 */
class HostileTokensHttpTest {
  private static final String ROUTE = "HttpStreams/count/exchange";

  private BufferAllocator memory;
  private RpcServer rpc;
  private HttpRpcServer http;
  private byte[] validTurn;

  @BeforeEach
  void start() throws Exception {
    memory = new RootAllocator();
    rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(memory).build();
    http = HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY).start();
    HttpTransport real = HttpRpc.builder(http.url()).transport();
    List<byte[]> turns = new ArrayList<>();
    RequestTransport recording = new RequestTransport() {
      @Override
      public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
        if (HttpTransport.route(protocol, method, kind).equals(ROUTE)) {
          turns.add(body);
        }
        return real.call(protocol, method, kind, body);
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
    try (BufferAllocator clientMemory = new RootAllocator();
        RpcClient client = RpcClient.builder(recording).allocator(clientMemory).build()) {
      var rows = client.proxy(StreamService.class).count(5).iterator();
      rows.next();
      rows.next();
    }
    validTurn = turns.get(0);
  }

  @AfterEach
  void stop() {
    http.close();
    rpc.close();
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  private HttpResponse<byte[]> post(byte[] body) {
    return Raw.postArrow(http.url() + "/" + ROUTE, body);
  }

  /** Posts a hostile turn, expects a 400 ProtocolError, then checks a valid turn is still answered. */
  private String refused(byte[] hostile) {
    HttpResponse<byte[]> response = post(hostile);
    assertEquals(400, response.statusCode());
    RpcException error = Raw.arrowError(response.body()).orElseThrow();
    assertEquals("ProtocolError", error.errorType());
    assertEquals(200, post(validTurn).statusCode(), "the server still answers a valid turn");
    return error.errorMessage();
  }

  /** The valid turn with one token's payload rewritten and re-signed with the known key. */
  private byte[] forged(String key, UnaryOperator<byte[]> payload, Clock clock) throws Exception {
    SealedStreamTokens opener = SealedStreamTokens.of(HmacStreamTokens.builder().key(HttpHarness.KEY).build());
    SealedStreamTokens sealer =
        SealedStreamTokens.of(HmacStreamTokens.builder().key(HttpHarness.KEY).clock(clock).build());
    try (IpcStreamReader reader =
        IpcStreamReader.open(new ByteArrayInputStream(validTurn), memory).orElseThrow()) {
      reader.next();
      Map<String, String> metadata = new LinkedHashMap<>(reader.metadata());
      byte[] opened = opener.open(metadata.get(key), Identity.ANONYMOUS);
      metadata.put(key, sealer.seal(payload.apply(opened.clone()), Identity.ANONYMOUS));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, reader.root().getSchema())) {
        writer.write(reader.root(), metadata);
      }
      return out.toByteArray();
    }
  }

  @Test
  void tokenTextThatIsNotUtf8IsA400() throws Exception {
    String token;
    try (IpcStreamReader reader =
        IpcStreamReader.open(new ByteArrayInputStream(validTurn), memory).orElseThrow()) {
      reader.next();
      token = reader.metadata().get(MetadataKeys.STREAM_STATE);
    }
    byte[] hostile = validTurn.clone();
    int at = new String(hostile, StandardCharsets.ISO_8859_1).indexOf(token);
    assertTrue(at > 0);
    hostile[at + 8] = (byte) 0xff;
    hostile[at + 9] = (byte) 0xfe;
    assertEquals("invalid stream token: malformed token: not base64", refused(hostile));
  }

  @Test
  void aForgedCallTokenWhoseNameIsNotUtf8IsA400() throws Exception {
    // call token: kind, version, call id (16), stream id (16), protocol length (2), protocol...
    byte[] hostile = forged(MetadataKeys.CALL_STATE, p -> {
      p[2 + 32 + 2 + 1] = (byte) 0xff;
      return p;
    }, Clock.systemUTC());
    assertEquals("invalid stream token: malformed call token: a name is not valid UTF-8", refused(hostile));
  }

  @Test
  void aForgedTokenDatedInTheFutureIsA400() throws Exception {
    Clock ahead = Clock.fixed(Instant.now().plusSeconds(3600), ZoneOffset.UTC);
    String message = refused(forged(MetadataKeys.STREAM_STATE, p -> p, ahead));
    assertTrue(message.startsWith("invalid stream token: token issued in the future"), message);
  }

  @Test
  void theForgerIsRight() throws Exception {
    assertEquals(200, post(forged(MetadataKeys.STREAM_STATE, p -> p, Clock.systemUTC())).statusCode());
  }
}
