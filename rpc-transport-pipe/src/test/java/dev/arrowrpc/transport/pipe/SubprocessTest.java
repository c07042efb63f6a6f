package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class SubprocessTest extends TransportContractTest {
  private final BlockingQueue<String> stderrLines = new LinkedBlockingQueue<>();
  private Subprocess worker;

  @Override
  ByteTransport open() throws IOException {
    worker = Subprocess.builder(Subprocess.javaCommand(WorkerMain.class.getName()))
        .stderr(stderrLines::add)
        .launch();
    return worker;
  }

  @Override
  void shutdown() {
    worker.close();
  }

  /** Waits for a stderr line from the worker, skipping others. */
  private void awaitStderrLine(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      String line = stderrLines.poll(left, TimeUnit.NANOSECONDS);
      if (expected.equals(line)) {
        return;
      }
    }
    throw new AssertionError("the worker never printed '" + expected + "' to stderr");
  }

  @Test
  void theWorkerExitsCleanlyWhenTheClientCloses() {
    assertEquals("bye", echo.echo("bye"));
    client.close();
    // status 0 also means the worker's own allocator closed without a leak
    assertEquals(OptionalInt.of(0), worker.exitStatus());
  }

  @Test
  void stderrAndStrayStdoutLinesReachTheConsumer() throws Exception {
    echo.shout("hello from the worker");
    awaitStderrLine("stray hello from the worker");
    awaitStderrLine("hello from the worker");
    assertEquals("protocol intact", echo.echo("protocol intact"));
  }

  @Test
  void killingTheWorkerMidCallRaisesTransportErrorPromptly() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<?> call = caller.submit(() -> echo.sleep(30_000));
      awaitStderrLine("sleeping 30000");
      worker.processHandle().destroyForcibly();
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> call.get(2, TimeUnit.SECONDS));
      RpcException error = assertInstanceOf(RpcException.class, failure.getCause());
      assertEquals("TransportError", error.errorType());
      assertTrue(error.getMessage().contains("worker exited with status"), error.getMessage());
      assertEquals(0, clientAllocator.getAllocatedMemory());
      RpcException next = assertThrows(RpcException.class, () -> echo.add(1, 2));
      assertEquals("TransportError", next.errorType());
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void failureHintIsEmptyWhileTheWorkerRuns() {
    assertEquals(3L, echo.add(1, 2));
    assertEquals("", worker.failureHint());
  }

  @Test
  void aWorkerThatCannotStartReportsItsStatusAndLastStderrLine() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Subprocess broken = Subprocess.builder(Subprocess.javaCommand("no.such.MainClass"))
        .stderr(lines::add)
        .launch();
    try (RootAllocator memory = new RootAllocator();
        RpcClient failing = RpcClient.builder(broken).allocator(memory).build()) {
      RpcException error = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> assertThrows(RpcException.class, () -> failing.proxy(Echo.class).add(1, 2)));
      assertEquals("TransportError", error.errorType());
      assertTrue(error.getMessage().contains("worker exited with status 1"), error.getMessage());
      assertTrue(error.getMessage().contains("no.such.MainClass"), error.getMessage());
    }
    assertTrue(lines.stream().anyMatch(line -> line.contains("no.such.MainClass")), lines.toString());
  }
}
