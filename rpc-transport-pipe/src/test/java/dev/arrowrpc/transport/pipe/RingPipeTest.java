package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RingPipeTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @Test
  void bytesArriveInOrderAcrossManyWrapArounds() {
    RingPipe pipe = new RingPipe(7);
    byte[] data = new byte[100_003];
    new Random(42).nextBytes(data);
    assertTimeoutPreemptively(LIMIT, () -> {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try (OutputStream out = pipe.sink()) {
          for (int off = 0; off < data.length; off += 13) {
            out.write(data, off, Math.min(13, data.length - off));
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertArrayEquals(data, readAll(pipe.source()));
      writer.get(1, TimeUnit.SECONDS);
    });
  }

  @Test
  void singleBytesRoundTrip() throws IOException {
    RingPipe pipe = new RingPipe(4);
    pipe.sink().write(0xfe);
    pipe.sink().write(1);
    assertEquals(2, pipe.source().available());
    assertEquals(0xfe, pipe.source().read());
    assertEquals(1, pipe.source().read());
  }

  @Test
  void theReaderDrainsThenSeesEndOfInputWhenTheWriterCloses() throws IOException {
    RingPipe pipe = new RingPipe(16);
    pipe.sink().write(new byte[] {1, 2, 3});
    pipe.sink().close();
    assertArrayEquals(new byte[] {1, 2, 3}, readAll(pipe.source()));
    assertEquals(-1, pipe.source().read());
    assertThrows(IOException.class, () -> pipe.sink().write(4));
  }

  @Test
  void aBlockedReadEndsWhenTheWriterCloses() throws IOException {
    RingPipe pipe = new RingPipe(16);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
      try {
        return pipe.source().read(new byte[8], 0, 8);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    pipe.sink().close();
    assertEquals(-1, assertTimeoutPreemptively(LIMIT, () -> read.get()));
  }

  @Test
  void aReaderThatStoppedSpinningAndParkedStillGetsLateBytes() throws Exception {
    RingPipe pipe = new RingPipe(16);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
      try {
        byte[] into = new byte[8];
        int n = pipe.source().read(into, 0, 8);
        return n == 1 ? (int) into[0] : -100 - n;
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    // far past any spin budget: the reader is parked when the byte comes
    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SpinBudget.MAX_NANOS) + 200);
    pipe.sink().write(42);
    assertEquals(42, assertTimeoutPreemptively(LIMIT, () -> read.get()));
  }

  @Test
  void writesFailOnceTheReaderCloses() throws IOException {
    RingPipe pipe = new RingPipe(4);
    pipe.source().close();
    assertThrows(IOException.class, () -> pipe.sink().write(new byte[2]));
  }

  @Test
  void aWriteBlockedOnAFullBufferFailsWhenTheReaderCloses() throws IOException {
    RingPipe pipe = new RingPipe(4);
    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
      try {
        pipe.sink().write(new byte[64]);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    pipe.source().close();
    Throwable failure = assertTimeoutPreemptively(LIMIT,
        () -> assertThrows(Exception.class, () -> write.get()));
    assertEquals(IOException.class, failure.getCause().getCause().getClass());
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[1000];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      all.write(buffer, 0, n);
    }
    return all.toByteArray();
  }
}
