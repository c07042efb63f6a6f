package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Reused zstd contexts and decoders: the bytes and the errors are those of a fresh context or
 * decoder, and what is kept idle is bounded and freed on close.
 */
class ZstdPoolsTest {
  private static byte[] data(int size, long seed) {
    Random random = new Random(seed);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(16));
    }
    return bytes;
  }

  @Test
  void reusedContextsMakeZstdsOwnFrames() {
    for (int level : new int[] {-5, 1, 3, 19}) {
      try (ZstdCompressors compressors = new ZstdCompressors(level, 2)) {
        for (int size : new int[] {0, 1, 1023, 1024, 65_536, 1 << 20, 300, 65_536}) {
          byte[] body = data(size, size);
          assertArrayEquals(Zstd.compress(body, level), compressors.compress(body), level + "/" + size);
        }
        assertEquals(1, compressors.idle(), "one context served every call in turn");
      }
    }
  }

  @Test
  void contextsAreKeptUpToTheCapacityAndFreedOnClose() throws Exception {
    ZstdCompressors compressors = new ZstdCompressors(1, 2);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        results.add(threads.submit(() -> {
          for (int i = 0; i < 50; i++) {
            byte[] body = data(4096 + i, seed * 100 + i);
            if (!Arrays.equals(Zstd.compress(body, 1), compressors.compress(body))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(), "every frame as zstd makes it");
      }
    } finally {
      threads.shutdown();
    }
    assertTrue(compressors.idle() >= 1 && compressors.idle() <= 2, "idle: " + compressors.idle());
    compressors.close();
    assertEquals(0, compressors.idle());
    byte[] body = data(5000, 9);
    assertArrayEquals(Zstd.compress(body, 1), compressors.compress(body), "still compresses after close");
    assertEquals(0, compressors.idle(), "and keeps nothing");
    compressors.close();
  }

  private static RequestBody body(byte[] encoded, long limit, ZstdDecoders decoders) {
    return new RequestBody(new ByteArrayInputStream(encoded), Encodings.Codec.ZSTD, limit, Duration.ZERO, decoders);
  }

  @Test
  void aKeptDecoderDecodesTheNextBodyFromItsStart() throws IOException {
    try (ZstdDecoders decoders = new ZstdDecoders(2)) {
      byte[] first = data(200_000, 1);
      // read only part of the first body: the decoder is left mid-frame, then reset for the next
      try (RequestBody body = body(Zstd.compress(first, 1), first.length, decoders)) {
        assertArrayEquals(Arrays.copyOf(first, 1000), body.readNBytes(1000));
      }
      assertEquals(1, decoders.idle());
      for (int i = 0; i < 3; i++) {
        byte[] next = data(100_000 + i, 10 + i);
        try (RequestBody body = body(Zstd.compress(next, 3), next.length, decoders)) {
          assertArrayEquals(Arrays.copyOf(next, 10), body.readNBytes(10));
          assertEquals(0, decoders.idle(), "the kept decoder is in use");
          assertArrayEquals(Arrays.copyOfRange(next, 10, next.length), body.readAllBytes());
          assertTrue(body.finish());
        }
        assertEquals(1, decoders.idle(), "and back");
      }
      RequestBody closed = body(Zstd.compress(first, 1), first.length, decoders);
      closed.readNBytes(10);
      closed.close();
      closed.close();
      assertEquals(1, decoders.idle(), "given back once");
      assertThrows(IOException.class, () -> closed.read(new byte[10], 0, 10), "not read once given back");
    }
  }

  @Test
  void limitsAndErrorsAreThoseOfAFreshDecoder() throws IOException {
    byte[] bomb = Zstd.compress(new byte[64 << 20], 3);
    byte[] truncated = Arrays.copyOf(Zstd.compress(data(50_000, 3), 1), 2000);
    byte[] garbage = "not a zstd frame at all".getBytes();
    try (ZstdDecoders decoders = new ZstdDecoders(2)) {
      for (byte[] encoded : new byte[][] {bomb, truncated, garbage}) {
        String fresh = problemOf(new RequestBody(new ByteArrayInputStream(encoded), Encodings.Codec.ZSTD, 1 << 20));
        // with a kept decoder in the pool, taken for this body
        byte[] ok = data(2000, 4);
        try (RequestBody body = body(Zstd.compress(ok, 1), ok.length, decoders)) {
          assertArrayEquals(ok, body.readAllBytes());
        }
        assertEquals(1, decoders.idle());
        assertEquals(fresh, problemOf(body(encoded, 1 << 20, decoders)));
        assertEquals(0, decoders.idle(), "a decoder that met a problem is freed, not kept");
      }
    }
    assertEquals("TOO_LARGE: Request body decodes to more than the server's max_request_bytes=1048576",
        problemOf(body(bomb, 1 << 20, new ZstdDecoders(1))));
  }

  /** Reads a body to its end and closes it; its problem and detail. */
  private static String problemOf(RequestBody body) {
    try (body) {
      body.readAllBytes();
      body.finish();
    } catch (IOException expected) {
      // the problem is remembered
    }
    Optional<RequestBody.Problem> problem = body.problem();
    return problem.map(p -> p + ": " + body.detail()).orElse("none");
  }

  @Test
  void decodersThatDecodedMuchOrOutliveThePoolAreFreed() throws IOException {
    ZstdDecoders decoders = new ZstdDecoders(1);
    byte[] big = new byte[(int) ZstdDecoders.KEEP_AFTER_BYTES + 1];
    try (RequestBody body = body(Zstd.compress(big, 1), big.length, decoders)) {
      assertEquals(big.length, body.readAllBytes().length);
    }
    assertEquals(0, decoders.idle(), "a decoder holding a large window is not kept");
    byte[] small = data(1000, 5);
    RequestBody first = body(Zstd.compress(small, 1), small.length, decoders);
    RequestBody second = body(Zstd.compress(small, 1), small.length, decoders);
    assertArrayEquals(small, first.readAllBytes());
    assertArrayEquals(small, second.readAllBytes());
    first.close();
    second.close();
    assertEquals(1, decoders.idle(), "no more than the capacity");
    RequestBody late = body(Zstd.compress(small, 1), small.length, decoders);
    assertArrayEquals(small, late.readAllBytes());
    decoders.close();
    assertEquals(0, decoders.idle());
    late.close();
    assertEquals(0, decoders.idle(), "given back after close: freed");
  }
}
