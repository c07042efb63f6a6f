package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpinningInputStreamTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @Test
  void bytesAlreadyWaitingAreReadAtOnceAndTheBudgetIsUntouched() throws IOException {
    RingPipe pipe = new RingPipe(64);
    pipe.sink().write(new byte[] {1, 2, 3});
    SpinBudget budget = new SpinBudget(40_000);
    budget.parked(1_000_000); // halved: a read that did not wait must not restore it
    InputStream in = new SpinningInputStream(pipe.source(), budget);
    byte[] into = new byte[8];
    assertEquals(3, in.read(into, 0, 8));
    assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(into, 3));
    assertEquals(20_000, budget.nanos());
  }

  @Test
  void bytesWrittenWhileTheReaderSpinsOrAfterItParkedAreRead() throws Exception {
    for (long lateMillis : new long[] {0, TimeUnit.NANOSECONDS.toMillis(SpinBudget.MAX_NANOS) + 100}) {
      RingPipe pipe = new RingPipe(64);
      SpinBudget budget = new SpinBudget(SpinBudget.MAX_NANOS);
      InputStream in = new SpinningInputStream(pipe.source(), budget);
      CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
        try {
          return in.read();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(lateMillis);
      pipe.sink().write(0xab);
      assertEquals(0xab, assertTimeoutPreemptively(LIMIT, () -> read.get()), "written after " + lateMillis + " ms");
    }
  }

  @Test
  void aParkedWaitLongerThanTheBudgetHalvesIt() throws Exception {
    RingPipe pipe = new RingPipe(64);
    SpinBudget budget = new SpinBudget(SpinBudget.MAX_NANOS);
    InputStream in = new SpinningInputStream(pipe.source(), budget);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
      try {
        return in.read(new byte[4], 0, 4);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(200);
    pipe.sink().write(new byte[] {9, 9});
    assertEquals(2, assertTimeoutPreemptively(LIMIT, () -> read.get()));
    assertEquals(SpinBudget.MAX_NANOS / 2, budget.nanos());
  }

  @Test
  void theEndOfInputAndAClosedStreamAreReportedAsTheUnderlyingStreamDoes() throws IOException {
    RingPipe pipe = new RingPipe(64);
    OutputStream out = pipe.sink();
    out.write(7);
    out.close();
    InputStream in = new SpinningInputStream(pipe.source(), new SpinBudget(SpinBudget.MAX_NANOS));
    assertEquals(7, in.read());
    assertEquals(-1, assertTimeoutPreemptively(LIMIT, () -> in.read(new byte[2], 0, 2)));
    in.close();
    assertThrows(IOException.class, () -> in.read(new byte[2], 0, 2));
    assertEquals(0, new SpinningInputStream(pipe.source(), new SpinBudget(0)).read(new byte[2], 0, 0));
  }
}
