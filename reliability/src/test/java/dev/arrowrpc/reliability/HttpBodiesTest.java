package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.junit.jupiter.api.Test;

class HttpBodiesTest {
  private static byte[] whole(HttpBodies.Virtual body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    body.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void aPatchedEchoBytesRequestIsAValidRequestWithTheLargerCell() throws IOException {
    HttpBodies.Virtual body = HttpBodies.hugeEchoBytes(3_000_001);
    try (BufferAllocator memory = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(whole(body)), memory).orElseThrow()) {
      assertTrue(reader.next());
      VarBinaryVector cell = (VarBinaryVector) reader.root().getVector(0);
      assertEquals(3_000_001, cell.get(0).length);
      assertEquals("echo_bytes", reader.metadata().get(dev.arrowrpc.core.wire.MetadataKeys.METHOD));
      assertTrue(!reader.next());
    }
  }

  @Test
  void handMadeZstdFramesDecodeToTheBody() throws IOException {
    HttpBodies.Virtual body = new HttpBodies.Virtual(new byte[] {1, 2, 3}, 700_000, new byte[] {4, 5});
    for (long perFrame : new long[] {Long.MAX_VALUE, 256 * 1024}) {
      try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(HttpBodies.zstd(body, perFrame)))) {
        assertArrayEquals(whole(body), in.readAllBytes());
      }
    }
    try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(HttpBodies.zstd(new byte[] {9, 8, 7})))) {
      assertArrayEquals(new byte[] {9, 8, 7}, in.readAllBytes());
    }
  }

  @Test
  void aZstdFrameLyingAboutItsSizeDoesNotDecode() {
    assertThrows(IOException.class, () -> {
      try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(HttpBodies.zstdLyingSize(16, 1 << 20)))) {
        in.readAllBytes();
      }
    });
  }

  @Test
  void gzipMembersDecodeToTheBody() throws IOException {
    HttpBodies.Virtual body = new HttpBodies.Virtual(new byte[] {1, 2, 3}, 300_000, new byte[] {4});
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(HttpBodies.gzip(body, 100_000)))) {
      assertArrayEquals(whole(body), in.readAllBytes());
    }
  }
}
