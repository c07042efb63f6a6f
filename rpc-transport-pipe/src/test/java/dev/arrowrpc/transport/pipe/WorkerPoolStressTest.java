package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Many callers over few workers: 32 threads share one pool proxy over at most 4 workers. Each thread
 * makes {@code arrowrpc.pool.calls} calls (default 10,000: 320,000 in all, about 13 s on 2 shared
 * cores), each checked against its expected answer; none may fail.
 */
class WorkerPoolStressTest {
  private static final int THREADS = 32;
  private static final int WORKERS = 4;
  private static final int CALLS = Integer.getInteger("arrowrpc.pool.calls", 10_000);

  @Test
  void thirtyTwoThreadsOverFourWorkers() throws Exception {
    Set<Long> before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    List<ProcessHandle> workers;
    AtomicLong errors = new AtomicLong();
    List<Throwable> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    long elapsed;
    try (BufferAllocator memory = new RootAllocator()) {
      try (WorkerPool pool = WorkerPool.builder().command(WorkerPoolTest.ECHO).allocator(memory)
          .maxWorkers(WORKERS).borrowTimeout(Duration.ofSeconds(60)).build()) {
        Echo echo = pool.proxy(Echo.class);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          long thread = t;
          done.add(threads.submit(() -> {
            go.await();
            for (int i = 0; i < CALLS; i++) {
              try {
                long sum = echo.add(thread << 32, i);
                if (sum != (thread << 32) + i) {
                  throw new AssertionError("thread " + thread + " call " + i + " got " + sum);
                }
              } catch (Throwable e) {
                if (errors.incrementAndGet() <= 5) {
                  firstErrors.add(e);
                }
              }
            }
            return null;
          }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> future : done) {
          future.get(10, TimeUnit.MINUTES);
        }
        elapsed = System.nanoTime() - start;
        threads.shutdown();
        workers = ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).toList();
        PoolMetrics metrics = pool.metrics();
        assertEquals(0, errors.get(), "errors, the first ones: " + firstErrors);
        assertEquals((long) THREADS * CALLS, metrics.borrows());
        assertTrue(metrics.started() <= WORKERS, "started " + metrics.started());
        assertEquals(metrics.started(), metrics.idle());
        assertEquals(0, metrics.borrowed());
        assertEquals(0, metrics.failed());
        assertEquals(0, metrics.timedOut());
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
    System.out.printf("worker pool: %d threads x %d calls over %d workers in %d ms%n",
        THREADS, CALLS, WORKERS, TimeUnit.NANOSECONDS.toMillis(elapsed));
    assertFalse(workers.isEmpty());
    for (ProcessHandle worker : workers) {
      assertFalse(worker.isAlive(), "worker " + worker.pid() + " outlived its pool");
    }
  }
}
