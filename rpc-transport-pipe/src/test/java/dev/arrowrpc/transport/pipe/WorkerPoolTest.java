package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.transport.pipe.WorkerKilledMidStreamTest.Tick;
import dev.arrowrpc.transport.pipe.WorkerKilledMidStreamTest.Ticker;
import dev.arrowrpc.transport.pipe.WorkerKilledMidStreamTest.TickerImpl;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker pool over real worker processes: reuse, caps, eviction, dead and broken workers,
 * streams holding their worker, close; every test ends with every process the pool started dead and
 * the allocator empty.
 */
class WorkerPoolTest {
  static final List<String> ECHO = Subprocess.javaCommand(WorkerMain.class.getName());
  static final List<String> TICKER = Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
      Ticker.class.getName(), TickerImpl.class.getName());

  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private BufferAllocator memory;
  private Set<Long> before;
  /** Every child process seen during the test, sampled while they run. */
  private final Set<ProcessHandle> seen = new HashSet<>();

  @BeforeEach
  void start() {
    memory = new RootAllocator();
    before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /** After the pool is closed: each process it started is dead, and no Arrow memory is left. */
  @AfterEach
  void noLeaks() throws Exception {
    sample();
    for (ProcessHandle process : seen) {
      assertFalse(process.isAlive(), "worker " + process.pid() + " outlived its pool");
    }
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** Notes the pool's worker processes now running. */
  private void sample() {
    ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).forEach(seen::add);
  }

  private WorkerPool.Builder pool() {
    return WorkerPool.builder().command(ECHO).allocator(memory).stderr(stderr::add)
        .shutdownTimeout(Duration.ofSeconds(5));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aReturnedWorkerServesTheNextCall() {
    try (WorkerPool pool = pool().build()) {
      Echo echo = pool.proxy(Echo.class);
      assertEquals("one", echo.echo("one"));
      assertEquals(5, echo.add(2, 3));
      sample();
      PoolMetrics metrics = pool.metrics();
      assertEquals(new PoolMetrics(2, 0, 1, 1, 0, 0, 0), metrics);
    }
  }

  @Test
  void anErrorTheServerSendsLeavesTheWorkerInThePool() {
    try (WorkerPool pool = pool().build()) {
      Echo echo = pool.proxy(Echo.class);
      RpcException error = assertThrows(RpcException.class, () -> echo.fail("boom"));
      assertEquals("ValueError", error.errorType());
      assertEquals("boom", error.errorMessage());
      assertEquals("after", echo.echo("after"));
      sample();
      assertEquals(1, pool.metrics().started());
      assertEquals(0, pool.metrics().failed());
    }
  }

  @Test
  void objectMethodsDoNotBorrow() {
    try (WorkerPool pool = pool().build()) {
      Echo echo = pool.proxy(Echo.class);
      assertEquals("Echo pool proxy", echo.toString());
      assertEquals(System.identityHashCode(echo), echo.hashCode());
      assertTrue(echo.equals(echo));
      assertFalse(echo.equals(pool.proxy(Echo.class)));
      assertEquals(new PoolMetrics(0, 0, 0, 0, 0, 0, 0), pool.metrics());
    }
  }

  /** Echo's methods under Echo's protocol, with no generated class: a pool's client of it is a proxy. */
  @RpcService(name = "Echo")
  public interface PlainEcho {
    /** Returns its argument. */
    String echo(String s);

    /** Throws a {@code ValueError} with the message. */
    void fail(String message);

    /** Waits up to {@code millis} ms. */
    void sleep(long millis);
  }

  /** Ticker's method under Ticker's protocol, with no generated class. */
  @RpcService(name = "Ticker")
  public interface PlainTicker {
    /** Opens a stream of {@code count} ticks. */
    Producer<Tick> ticks(long count);
  }

  /** Checks that a pool's client is the interface's generated client (hand-written in these tests). */
  private static <T> T generated(T client) {
    assertFalse(Proxy.isProxyClass(client.getClass()), client.getClass().getName());
    return client;
  }

  /** Checks that a pool's client is a proxy. */
  private static <T> T reflective(T client) {
    assertTrue(Proxy.isProxyClass(client.getClass()), client.getClass().getName());
    return client;
  }

  @Test
  void thePoolsClientIsTheGeneratedOneAndCallsAnyWorker() {
    try (WorkerPool pool = pool().build()) {
      Echo echo = pool.proxy(Echo.class);
      // Echo_ArrowRpcInvoker (hand-written in the processor's shape) names Echo's methods: keep it in step
      assertEquals(Echo_ArrowRpcInvoker.class, echo.getClass().getEnclosingClass());
      assertEquals("Echo pool proxy", echo.toString());
      assertEquals(5, echo.add(2, 3));
      try (WorkerLease held = pool.borrow()) {
        // the one worker is held: the call starts and uses a second
        assertEquals("second", echo.echo("second"));
        assertEquals("first", held.proxy(Echo.class).echo("first"));
        sample();
        assertEquals(new PoolMetrics(3, 1, 1, 2, 0, 0, 0), pool.metrics());
      }
      RpcException error = assertThrows(RpcException.class, () -> echo.fail("boom"));
      assertEquals("ValueError", error.errorType());
      for (int i = 0; i < 4; i++) {
        assertEquals(i + 1, echo.add(i, 1));
      }
      assertEquals(new PoolMetrics(8, 0, 2, 2, 0, 0, 0), pool.metrics());
    }
  }

  @Test
  void anInterfaceWithoutAGeneratedClassGetsAProxy() {
    try (WorkerPool pool = pool().build()) {
      PlainEcho echo = reflective(pool.proxy(PlainEcho.class));
      assertEquals("PlainEcho pool proxy", echo.toString());
      assertEquals("plain", echo.echo("plain"));
      RpcException error = assertThrows(RpcException.class, () -> echo.fail("boom"));
      assertEquals("ValueError", error.errorType());
      assertEquals("boom", error.errorMessage());
      assertEquals("after", echo.echo("after"));
      sample();
      assertEquals(new PoolMetrics(3, 0, 1, 1, 0, 0, 0), pool.metrics());
    }
  }

  @Test
  void aWorkerKilledWhileIdleIsReplaced() throws Exception {
    try (WorkerPool pool = pool().maxWorkers(1).build()) {
      Echo echo = pool.proxy(Echo.class);
      ProcessHandle first;
      try (WorkerLease lease = pool.borrow()) {
        first = lease.processHandle();
        assertEquals("warm", lease.proxy(Echo.class).echo("warm"));
      }
      sample();
      first.destroyForcibly();
      first.onExit().get(10, TimeUnit.SECONDS);
      // the JDK records the exit for the pool's Process on another thread than onExit's
      Thread.sleep(100);
      assertEquals("next", echo.echo("next"));
      sample();
      PoolMetrics metrics = pool.metrics();
      assertEquals(2, metrics.started());
      assertEquals(1, metrics.failed());
      assertEquals(1, metrics.idle());
    }
  }

  @Test
  void aWorkerKilledWhileBorrowedFailsItsCallerAndIsReplaced() throws Exception {
    workerKilledWhileBorrowed(pool -> {
      Echo echo = generated(pool.proxy(Echo.class));
      return new Calls(echo::sleep, echo::echo);
    });
  }

  @Test
  void aWorkerKilledWhileBorrowedByAProxyFailsItsCallerAndIsReplaced() throws Exception {
    workerKilledWhileBorrowed(pool -> {
      PlainEcho echo = reflective(pool.proxy(PlainEcho.class));
      return new Calls(echo::sleep, echo::echo);
    });
  }

  /** Two of Echo's methods on a pool's client, whatever its interface. */
  private record Calls(LongConsumer sleep, UnaryOperator<String> echo) {}

  private void workerKilledWhileBorrowed(Function<WorkerPool, Calls> client) throws Exception {
    try (WorkerPool pool = pool().maxWorkers(1).build()) {
      Calls echo = client.apply(pool);
      ProcessHandle first;
      try (WorkerLease lease = pool.borrow()) {
        first = lease.processHandle();
      }
      sample();
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> echo.sleep().accept(60_000));
      await("the call to reach the worker", () -> stderr.contains("sleeping 60000"));
      assertEquals(1, pool.metrics().borrowed());
      first.destroyForcibly();
      long killed = System.nanoTime();
      ExecutionException failure = assertThrows(ExecutionException.class, () -> sleeping.get(2, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(2));
      RpcException error = (RpcException) failure.getCause();
      assertEquals("TransportError", error.errorType(), error.getMessage());
      assertEquals("after", echo.echo().apply("after"));
      sample();
      PoolMetrics metrics = pool.metrics();
      assertEquals(2, metrics.started());
      assertEquals(1, metrics.failed());
      assertEquals(0, metrics.borrowed());
    }
  }

  @Test
  void anIdleWorkerIsEvictedAfterTheIdleTimeout() throws Exception {
    try (WorkerPool pool = pool().idleTimeout(Duration.ofMillis(200)).build()) {
      ProcessHandle worker;
      try (WorkerLease lease = pool.borrow()) {
        worker = lease.processHandle();
        assertEquals(3, lease.proxy(Echo.class).add(1, 2));
      }
      sample();
      assertEquals(1, pool.metrics().idle());
      await("the idle worker's eviction", () -> pool.metrics().evicted() == 1);
      assertEquals(0, pool.metrics().idle());
      worker.onExit().get(10, TimeUnit.SECONDS);
      assertEquals("fresh", pool.proxy(Echo.class).echo("fresh"));
      sample();
      assertEquals(2, pool.metrics().started());
    }
  }

  @Test
  void workersPastTheIdleCapAreEnded() {
    try (WorkerPool pool = pool().maxIdle(1).build()) {
      WorkerLease a = pool.borrow();
      WorkerLease b = pool.borrow();
      sample();
      assertNotEquals(a.processHandle().pid(), b.processHandle().pid());
      a.close();
      b.close();
      PoolMetrics metrics = pool.metrics();
      assertEquals(1, metrics.idle());
      assertEquals(1, metrics.evicted());
      assertFalse(a.processHandle().isAlive(), "the worker idle the longest is the one ended");
      assertTrue(b.processHandle().isAlive());
    }
  }

  @Test
  void withNoIdleWorkersAllowedEachWorkerEndsWhenReturned() {
    try (WorkerPool pool = pool().maxIdle(0).build()) {
      WorkerLease lease = pool.borrow();
      sample();
      assertEquals("once", lease.proxy(Echo.class).echo("once"));
      lease.close();
      lease.close();
      assertFalse(lease.processHandle().isAlive());
      assertEquals(new PoolMetrics(1, 0, 0, 1, 0, 1, 0), pool.metrics());
    }
  }

  @Test
  void aBorrowPastMaxWorkersWaitsThenFailsWithATypedError() throws Exception {
    try (WorkerPool pool = pool().maxWorkers(1).borrowTimeout(Duration.ofMillis(300)).build()) {
      Echo echo = pool.proxy(Echo.class);
      try (WorkerLease held = pool.borrow()) {
        sample();
        long start = System.nanoTime();
        PoolExhaustedException error = assertThrows(PoolExhaustedException.class, () -> echo.echo("x"));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(250), "waited " + waited + " ns");
        assertEquals("TimeoutError", error.errorType());
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, error.errorCode());
        assertEquals("pool_exhausted", error.errorKind().orElseThrow());
        assertTrue(error.errorMessage().contains("maxWorkers"), error.errorMessage());
        // a waiting borrow gets the worker as soon as it comes back
        Future<String> waiting = CompletableFuture.supplyAsync(() -> echo.echo("waited"));
        Thread.sleep(50);
        held.close();
        assertEquals("waited", waiting.get(10, TimeUnit.SECONDS));
      }
      PoolMetrics metrics = pool.metrics();
      assertEquals(1, metrics.timedOut());
      assertEquals(1, metrics.started());
    }
  }

  @Test
  void aStreamHoldsItsWorkerUntilClosed() {
    streamHoldsItsWorkerUntilClosed(pool -> generated(pool.proxy(Ticker.class))::ticks);
  }

  @Test
  void aStreamOfAProxyHoldsItsWorkerUntilClosed() {
    streamHoldsItsWorkerUntilClosed(pool -> reflective(pool.proxy(PlainTicker.class))::ticks);
  }

  private void streamHoldsItsWorkerUntilClosed(Function<WorkerPool, LongFunction<Producer<Tick>>> client) {
    try (WorkerPool pool = pool().command(TICKER).maxWorkers(1).borrowTimeout(Duration.ofMillis(100)).build()) {
      LongFunction<Producer<Tick>> ticker = client.apply(pool);
      try (Producer<Tick> ticks = ticker.apply(3)) {
        sample();
        assertEquals(1, pool.metrics().borrowed());
        assertThrows(PoolExhaustedException.class, () -> ticker.apply(1).close());
        List<Tick> rows = new ArrayList<>();
        ticks.forEach(rows::add);
        assertEquals(List.of(new Tick(0), new Tick(1), new Tick(2)), rows);
        assertEquals(1, pool.metrics().borrowed(), "an ended stream still holds its worker until closed");
      }
      assertEquals(0, pool.metrics().borrowed());
      assertEquals(1, pool.metrics().idle());
      // a stream closed before its end leaves the channel in step: the worker serves the next one
      try (Producer<Tick> ticks = ticker.apply(1_000)) {
        assertEquals(new Tick(0), ticks.iterator().next());
      }
      try (Producer<Tick> ticks = ticker.apply(2)) {
        Iterator<Tick> rows = ticks.iterator();
        assertEquals(new Tick(0), rows.next());
        assertEquals(new Tick(1), rows.next());
        assertFalse(rows.hasNext());
      }
      PoolMetrics metrics = pool.metrics();
      assertEquals(1, metrics.started());
      assertEquals(0, metrics.failed());
      assertEquals(3, metrics.borrows());
    }
  }

  @Test
  void aWorkerKilledMidStreamIsNotReused() throws Exception {
    workerKilledMidStream(pool -> generated(pool.proxy(Ticker.class))::ticks);
  }

  @Test
  void aWorkerKilledMidStreamOfAProxyIsNotReused() throws Exception {
    workerKilledMidStream(pool -> reflective(pool.proxy(PlainTicker.class))::ticks);
  }

  private void workerKilledMidStream(Function<WorkerPool, LongFunction<Producer<Tick>>> client) throws Exception {
    try (WorkerPool pool = pool().command(TICKER).maxWorkers(1).build()) {
      LongFunction<Producer<Tick>> ticker = client.apply(pool);
      ProcessHandle first;
      try (WorkerLease lease = pool.borrow()) {
        first = lease.processHandle();
      }
      sample();
      try (Producer<Tick> ticks = ticker.apply(1_000_000)) {
        Iterator<Tick> rows = ticks.iterator();
        assertEquals(new Tick(0), rows.next());
        first.destroyForcibly();
        first.onExit().get(10, TimeUnit.SECONDS);
        RpcException error = assertThrows(RpcException.class, () -> {
          for (int i = 0; i < 10_000; i++) {
            rows.next();
          }
        });
        assertEquals("TransportError", error.errorType());
      }
      try (Producer<Tick> ticks = ticker.apply(1)) {
        assertEquals(new Tick(0), ticks.iterator().next());
      }
      sample();
      assertEquals(2, pool.metrics().started());
      assertEquals(1, pool.metrics().failed());
    }
  }

  @Test
  void aLeaseClosedWithItsStreamOpenEndsTheWorker() {
    try (WorkerPool pool = pool().command(TICKER).build()) {
      WorkerLease lease = pool.borrow();
      sample();
      Producer<Tick> abandoned = lease.proxy(Ticker.class).ticks(10);
      assertEquals(new Tick(0), abandoned.iterator().next());
      lease.close();
      assertFalse(lease.processHandle().isAlive());
      PoolMetrics metrics = pool.metrics();
      assertEquals(0, metrics.idle());
      assertEquals(1, metrics.failed());
      IllegalStateException closed = assertThrows(IllegalStateException.class,
          () -> lease.proxy(Ticker.class).ticks(1));
      assertEquals("the worker lease is closed", closed.getMessage());
    }
  }

  @Test
  void workersAreKeyedByCommand() {
    try (WorkerPool pool = pool().build()) {
      assertEquals("e", pool.proxy(Echo.class).echo("e"));
      try (Producer<Tick> ticks = pool.proxy(Ticker.class, TICKER).ticks(1)) {
        assertEquals(new Tick(0), ticks.iterator().next());
      }
      assertEquals("e", pool.proxy(Echo.class, ECHO).echo("e"));
      sample();
      PoolMetrics metrics = pool.metrics();
      assertEquals(2, metrics.started());
      assertEquals(2, metrics.idle());
    }
  }

  @Test
  void aCommandThatCannotStartIsATransportError() {
    List<String> missing = List.of("/nonexistent/arrowrpc-worker");
    try (WorkerPool pool = pool().maxWorkers(1).borrowTimeout(Duration.ZERO).build()) {
      Echo echo = pool.proxy(Echo.class, missing);
      for (int i = 0; i < 2; i++) {
        RpcException error = assertThrows(RpcException.class, () -> echo.echo("x"));
        assertEquals("TransportError", error.errorType());
        assertTrue(error.errorMessage().contains("/nonexistent/arrowrpc-worker"), error.errorMessage());
      }
      assertEquals(new PoolMetrics(0, 0, 0, 0, 2, 0, 0), pool.metrics());
    }
  }

  @Test
  void closeEndsIdleWorkersAndKillsBorrowedOnesAfterTheCloseTimeout() throws Exception {
    WorkerPool pool = pool().closeTimeout(Duration.ofMillis(200)).build();
    Echo echo = pool.proxy(Echo.class);
    CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> echo.sleep(60_000));
    await("the call to reach the worker", () -> stderr.contains("sleeping 60000"));
    assertEquals("idle", echo.echo("idle"));
    assertEquals(1, pool.metrics().idle());
    assertEquals(1, pool.metrics().borrowed());
    sample();
    assertEquals(2, seen.size());
    pool.close();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> sleeping.get(10, TimeUnit.SECONDS));
    assertEquals("TransportError", ((RpcException) failure.getCause()).errorType());
    for (ProcessHandle process : seen) {
      assertFalse(process.isAlive());
    }
    assertEquals(0, pool.metrics().borrowed());
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> echo.echo("x"));
    assertEquals("the worker pool is closed", closed.getMessage());
    assertThrows(IllegalStateException.class, pool::borrow);
    pool.close();
  }

  @Test
  void aStreamLeftOpenAtCloseLosesItsWorkerAndStillClosesCleanly() throws Exception {
    WorkerPool pool = pool().command(TICKER).closeTimeout(Duration.ofMillis(100)).build();
    Producer<Tick> ticks = pool.proxy(Ticker.class).ticks(1_000_000);
    Iterator<Tick> rows = ticks.iterator();
    assertEquals(new Tick(0), rows.next());
    sample();
    pool.close();
    for (ProcessHandle process : seen) {
      assertFalse(process.isAlive(), "the worker holding the open stream is killed");
    }
    RpcException error = assertThrows(RpcException.class, () -> {
      for (int i = 0; i < 10_000; i++) {
        rows.next();
      }
    });
    assertEquals("TransportError", error.errorType());
    ticks.close();
    ticks.close();
    PoolMetrics metrics = pool.metrics();
    assertEquals(0, metrics.borrowed());
    assertEquals(1, metrics.failed());
  }

  @Test
  void closeWaitsForABorrowedWorkerThatComesBack() throws Exception {
    WorkerPool pool = pool().closeTimeout(Duration.ofSeconds(20)).build();
    WorkerLease lease = pool.borrow();
    sample();
    assertEquals("held", lease.proxy(Echo.class).echo("held"));
    CompletableFuture<Void> closing = CompletableFuture.runAsync(pool::close);
    Thread.sleep(100);
    assertFalse(closing.isDone(), "close waits for the borrowed worker");
    assertTrue(lease.processHandle().isAlive());
    lease.close();
    closing.get(20, TimeUnit.SECONDS);
    assertFalse(lease.processHandle().isAlive());
    assertEquals(0, pool.metrics().failed());
  }

  @Test
  void settingsAreChecked() {
    WorkerPool.Builder builder = WorkerPool.builder();
    assertEquals("maxWorkers must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> builder.maxWorkers(0)).getMessage());
    assertEquals("maxIdle must not be negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> builder.maxIdle(-1)).getMessage());
    assertEquals("idleTimeout must be positive, got PT0S",
        assertThrows(IllegalArgumentException.class, () -> builder.idleTimeout(Duration.ZERO)).getMessage());
    assertEquals("borrowTimeout must not be negative, got PT-1S",
        assertThrows(IllegalArgumentException.class, () -> builder.borrowTimeout(Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals("the command is empty",
        assertThrows(IllegalArgumentException.class, () -> builder.command(List.of())).getMessage());
    try (WorkerPool pool = WorkerPool.builder().allocator(memory).build()) {
      IllegalStateException noCommand = assertThrows(IllegalStateException.class, () -> pool.proxy(Echo.class));
      assertTrue(noCommand.getMessage().contains("no default command"), noCommand.getMessage());
      assertThrows(IllegalArgumentException.class, () -> pool.proxy(EchoImpl.class, ECHO));
    }
  }
}
