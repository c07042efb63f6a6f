package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Request bodies are decoded as read and bounded on both sides of the decoder. */
class RequestBodyTest {
  private static final class Counting extends InputStream {
    private final InputStream in;
    long read;

    Counting(byte[] bytes) {
      this.in = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      read += Math.max(n, 0);
      return n;
    }
  }

  @Test
  void aBombStopsJustPastTheLimit() throws IOException {
    byte[] bomb = Zstd.compress(new byte[128 << 20], 3);
    Counting raw = new Counting(bomb);
    long limit = 1 << 20;
    try (RequestBody body = new RequestBody(raw, Encodings.Codec.ZSTD, limit)) {
      byte[] buffer = new byte[8192];
      long decoded = 0;
      IOException stopped = null;
      try {
        int n;
        while ((n = body.read(buffer, 0, buffer.length)) >= 0) {
          decoded += n;
        }
      } catch (IOException e) {
        stopped = e;
      }
      assertTrue(stopped instanceof RequestBody.BodyException, String.valueOf(stopped));
      assertEquals(Optional.of(RequestBody.Problem.TOO_LARGE), body.problem());
      assertTrue(decoded <= limit, "nothing past the limit reaches the reader: " + decoded);
      assertThrows(RequestBody.BodyException.class, () -> body.read(buffer, 0, 1), "the problem sticks");
    }
  }

  @Test
  void rawBytesAreBoundedToo() {
    RequestBody body = new RequestBody(new ByteArrayInputStream(new byte[100]), null, 99);
    assertThrows(RequestBody.BodyException.class, () -> body.readAllBytes());
    assertEquals(Optional.of(RequestBody.Problem.TOO_LARGE), body.problem());
  }

  @Test
  void bodiesWithinTheLimitPassThrough() throws IOException {
    byte[] data = "hello ".repeat(1000).getBytes();
    for (Encodings.Codec codec : new Encodings.Codec[] {null, Encodings.Codec.ZSTD, Encodings.Codec.GZIP}) {
      byte[] encoded = codec == null ? data : Encodings.compress(codec, data);
      try (RequestBody body = new RequestBody(new ByteArrayInputStream(encoded), codec, data.length)) {
        assertArrayEquals(data, body.readAllBytes());
        assertEquals(Optional.empty(), body.problem());
      }
    }
  }

  @Test
  void garbageIsUndecodable() {
    RequestBody body = new RequestBody(new ByteArrayInputStream("garbage!".getBytes()), Encodings.Codec.GZIP, 1000);
    assertThrows(RequestBody.BodyException.class, body::readAllBytes);
    assertEquals(Optional.of(RequestBody.Problem.UNDECODABLE), body.problem());
  }

  @Test
  void responseCodecNegotiationFollowsTheReference() {
    assertEquals(Optional.empty(), Encodings.negotiate("zstd", "gzip", false), "off means never");
    assertEquals(Optional.of(new Encodings.Choice(Encodings.Codec.ZSTD, false)),
        Encodings.negotiate("zstd, gzip", "deflate, gzip, br, zstd", true), "the custom header outranks");
    assertEquals(Optional.of(new Encodings.Choice(Encodings.Codec.GZIP, true)), Encodings.negotiate("gzip", "", true));
    assertEquals(Optional.empty(), Encodings.negotiate("identity, zstd", "gzip, zstd", true));
    assertEquals(Optional.empty(), Encodings.negotiate(null, "br", true));
    assertEquals(List.of("zstd", "gzip"), Encodings.parseList(" ZSTD;q=1.0 , gzip,zstd"));
    assertThrows(IllegalArgumentException.class, () -> Encodings.requestCodec("br"));
    assertEquals(Optional.empty(), Encodings.requestCodec("identity"));
  }

  @Test
  void workerFlagsAreParsedAndOthersIgnored() {
    HttpWorker.Options options = HttpWorker.Options.parse(List.of("--access-log", "x.jsonl", "--http", "0",
        "--host", "0.0.0.0", "--prefix", "/vgi", "--token-key", "00112233445566778899aabbccddeeff",
        "--token-ttl", "60", "--max-request-bytes", "4096", "--max-response-bytes", "65536", "--cors-origin", "*"));
    assertTrue(options.http());
    assertEquals("0.0.0.0", options.host());
    assertEquals(0, options.port());
    assertEquals("/vgi", options.prefix());
    assertEquals(java.time.Duration.ofSeconds(60), options.tokenTtl());
    assertEquals(Optional.of(4096L), options.maxRequestBytes());
    assertTrue(options.responseCompression(), "zstd and gzip are offered unless --no-compression");
    assertEquals(Optional.of(65536L), options.maxResponseBytes());
    assertFalse(HttpWorker.Options.parse(List.of("--http", "--no-compression")).responseCompression());
    assertEquals(List.of("*"), options.corsOrigins());
    assertEquals(8123, HttpWorker.Options.parse(List.of("--http", "8123")).port());
    assertThrows(IllegalArgumentException.class, () -> HttpWorker.Options.parse(List.of("--token-ttl")));
    assertThrows(IllegalArgumentException.class, () -> HttpWorker.Options.parse(List.of("--max-response-bytes", "x")));
  }
}
