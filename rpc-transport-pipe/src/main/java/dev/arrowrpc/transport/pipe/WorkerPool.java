package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.RecyclingAllocations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps worker subprocesses alive between calls, so that a call does not pay for starting a JVM (or
 * a Python interpreter). Workers are keyed by their command line. A call through a {@linkplain
 * #proxy pool proxy} borrows a worker (an idle one, or a new one), makes the call over that
 * worker's pipes and returns it; a stream holds its worker until the stream is closed. A worker
 * serves one caller at a time, so the pool is safe under any number of concurrent callers.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.builder()
 *     .command(Subprocess.javaCommand("com.example.CalculatorWorker"))
 *     .maxWorkers(4)
 *     .build()) {
 *   Calculator calc = pool.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);   // from any thread
 * }
 * }</pre>
 *
 * <p>A worker that died, or whose channel broke during a call (the call fails with {@code
 * TransportError}), is ended and never handed out again; the next borrow starts a new one. Failed
 * calls are not retried: a method may not be idempotent. Idle workers beyond {@link
 * Builder#maxIdle} or idle for longer than {@link Builder#idleTimeout} are ended. When {@link
 * Builder#maxWorkers} workers of a command are all borrowed, a borrow waits up to {@link
 * Builder#borrowTimeout} and then fails with {@link PoolExhaustedException}.
 *
 * <p>{@link #close()} ends the idle workers, waits up to {@link Builder#closeTimeout} for borrowed
 * ones to come back, and kills those that do not (their callers see a {@code TransportError}).
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);

  private final Optional<List<String>> defaultCommand;
  private final int maxWorkers;
  private final int maxIdle;
  private final long idleTimeoutNanos;
  private final long borrowTimeoutNanos;
  private final Duration closeTimeout;
  private final Duration shutdownTimeout;
  private final Optional<Consumer<String>> stderr;
  private final Optional<Consumer<LogMessage>> onLog;
  private final Optional<Path> directory;
  private final Map<String, String> environment;
  private final long sharedMemory;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;
  private final ScheduledExecutorService reaper;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a borrowed worker comes back or a launch ends, for {@link #close()}. */
  private final Condition returned = lock.newCondition();
  private final Map<List<String>, Slot> slots = new HashMap<>();
  private final Set<PooledWorker> borrowed = new HashSet<>();
  private int idleCount;
  private int launching;
  private boolean closed;
  private long borrows;
  private long started;
  private long failed;
  private long evicted;
  private long timedOut;

  /** The workers of one command. */
  private static final class Slot {
    final List<String> command;
    /** Idle workers, the most recently returned first (so the busiest stay warm, the oldest age out). */
    final ArrayDeque<PooledWorker> idle = new ArrayDeque<>();
    /** Condition of a borrow waiting for a worker of this command. */
    final Condition free;
    /** Workers of this command: idle, borrowed, or being launched. */
    int live;

    Slot(List<String> command, Condition free) {
      this.command = command;
      this.free = free;
    }
  }

  private WorkerPool(Builder builder) {
    this.defaultCommand = builder.command;
    this.maxWorkers = builder.maxWorkers;
    this.maxIdle = builder.maxIdle;
    this.idleTimeoutNanos = builder.idleTimeout.toNanos();
    this.borrowTimeoutNanos = builder.borrowTimeout.toNanos();
    this.closeTimeout = builder.closeTimeout;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.stderr = builder.stderr;
    this.onLog = builder.onLog;
    this.directory = builder.directory;
    this.environment = Map.copyOf(builder.environment);
    this.sharedMemory = builder.sharedMemory;
    this.ownsAllocator = builder.allocator.isEmpty();
    this.allocator = builder.allocator.orElseGet(RecyclingAllocations::newRootAllocator);
    this.reaper = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "arrowrpc-worker-pool-reaper");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
        Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(5)));
    reaper.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts configuring a pool.
   *
   * @return a builder with the defaults: no default command, no limit on workers per command, at
   *     most 4 idle workers, idle timeout 60 s, borrow timeout 30 s, close timeout 10 s
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A typed proxy whose every call borrows a worker of the {@linkplain Builder#command default
   * command}, calls it and returns it. A method returning a stream ({@code Producer}, {@code
   * Exchange}, {@code BatchStream}) holds its worker until the stream is closed: close every stream
   * (try-with-resources), or the worker is ended when the pool closes. The proxy may be shared by
   * any number of threads. Like {@link RpcClient#proxy}'s, it is the interface's generated client
   * (rpc-codegen) when it has one, calling the borrowed worker's by method position with no
   * reflection per call, else a {@code java.lang.reflect.Proxy}; both behave alike.
   *
   * @param service the {@code @RpcService} interface
   * @param <T> the service type
   * @return the proxy
   * @throws IllegalStateException when the builder was given no command
   * @throws IllegalArgumentException when {@code service} is not an interface
   */
  public <T> T proxy(Class<T> service) {
    return proxy(service, requireDefaultCommand());
  }

  /**
   * A typed proxy like {@link #proxy(Class)} over the workers of a command.
   *
   * @param service the {@code @RpcService} interface
   * @param command the program and its arguments (the key of the workers)
   * @param <T> the service type
   * @return the proxy
   * @throws IllegalArgumentException when {@code service} is not an interface or the command is empty
   */
  public <T> T proxy(Class<T> service, List<String> command) {
    List<String> key = commandKey(command);
    return PoolProxy.create(service, () -> acquire(key), this::release);
  }

  /**
   * Borrows a worker of the {@linkplain Builder#command default command} for several calls in a row.
   *
   * @return the lease; close it to give the worker back
   * @throws IllegalStateException when the builder was given no command, or the pool is closed
   * @throws PoolExhaustedException when no worker became free within the borrow timeout
   * @throws RpcException of type {@code TransportError} when a worker cannot be launched
   */
  public WorkerLease borrow() {
    return borrow(requireDefaultCommand());
  }

  /**
   * Borrows a worker of a command for several calls in a row.
   *
   * @param command the program and its arguments
   * @return the lease; close it to give the worker back
   * @throws IllegalStateException when the pool is closed
   * @throws PoolExhaustedException when no worker became free within the borrow timeout
   * @throws RpcException of type {@code TransportError} when a worker cannot be launched
   */
  public WorkerLease borrow(List<String> command) {
    return new WorkerLease(this, acquire(commandKey(command)));
  }

  /**
   * The pool's counters now.
   *
   * @return a snapshot
   */
  public PoolMetrics metrics() {
    lock.lock();
    try {
      return new PoolMetrics(borrows, borrowed.size(), idleCount, started, failed, evicted, timedOut);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the pool: borrows fail from now on ({@link IllegalStateException}), idle workers are ended
   * in order, borrowed ones are waited for up to the close timeout and then killed, and a worker
   * returned later is ended. When the pool made its own allocator it is closed last; Arrow data a
   * caller still holds from a pool proxy shows as an exception then. Idempotent.
   */
  @Override
  public void close() {
    List<PooledWorker> idle = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Slot slot : slots.values()) {
        slot.live -= slot.idle.size();
        idle.addAll(slot.idle);
        slot.idle.clear();
        slot.free.signalAll();
      }
      idleCount = 0;
    } finally {
      lock.unlock();
    }
    reaper.shutdownNow();
    idle.forEach(PooledWorker::close);
    List<PooledWorker> stragglers = awaitReturns(closeTimeout);
    if (!stragglers.isEmpty()) {
      LOG.warn("closing the worker pool: {} worker(s) still borrowed after {}; killing them", stragglers.size(),
          closeTimeout);
      stragglers.forEach(PooledWorker::kill);
      stragglers = awaitReturns(KILL_WAIT);
    }
    try {
      reaper.awaitTermination(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsAllocator) {
      if (stragglers.isEmpty()) {
        allocator.close();
      } else {
        LOG.warn("the worker pool's allocator stays open: {} killed worker(s) were never returned", stragglers.size());
      }
    }
  }

  /** Waits until no worker is borrowed or being launched; returns those still borrowed. */
  private List<PooledWorker> awaitReturns(Duration timeout) {
    lock.lock();
    try {
      long remaining = timeout.toNanos();
      while ((!borrowed.isEmpty() || launching > 0) && remaining > 0) {
        remaining = returned.awaitNanos(remaining);
      }
      return new ArrayList<>(borrowed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ArrayList<>(borrowed);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    PoolMetrics now = metrics();
    return "WorkerPool[borrowed=" + now.borrowed() + ", idle=" + now.idle() + "]";
  }

  private List<String> requireDefaultCommand() {
    return defaultCommand.orElseThrow(() -> new IllegalStateException(
        "this worker pool has no default command: set WorkerPool.builder().command(...), or pass the command"));
  }

  private static List<String> commandKey(List<String> command) {
    List<String> key = List.copyOf(Objects.requireNonNull(command, "command"));
    if (key.isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    return key;
  }

  /** Takes an idle worker of the command, or launches one, or waits for one to come back. */
  PooledWorker acquire(List<String> command) {
    List<PooledWorker> dead = new ArrayList<>();
    Slot slot;
    lock.lock();
    try {
      requireOpen();
      slot = slots.computeIfAbsent(command, key -> new Slot(key, lock.newCondition()));
      long remaining = borrowTimeoutNanos;
      while (true) {
        PooledWorker worker;
        while ((worker = slot.idle.pollFirst()) != null) {
          idleCount--;
          if (worker.healthy()) {
            borrows++;
            borrowed.add(worker);
            return worker;
          }
          slot.live--;
          failed++;
          dead.add(worker);
        }
        if (slot.live < maxWorkers) {
          slot.live++;
          launching++;
          break;
        }
        if (remaining <= 0) {
          timedOut++;
          throw new PoolExhaustedException("no worker of " + describe(command) + " became free within "
              + Duration.ofNanos(borrowTimeoutNanos) + ": all " + maxWorkers + " are borrowed (maxWorkers)");
        }
        try {
          remaining = slot.free.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw RpcException.builder("InterruptedError", "interrupted while waiting for a worker of "
              + describe(command)).code(ErrorCode.CANCELLED).build();
        }
        requireOpen();
      }
    } finally {
      lock.unlock();
      dead.forEach(PooledWorker::kill);
    }
    return launch(slot);
  }

  private PooledWorker launch(Slot slot) {
    PooledWorker worker;
    try {
      worker = start(slot.command);
    } catch (IOException | RuntimeException e) {
      lock.lock();
      try {
        slot.live--;
        launching--;
        failed++;
        slot.free.signal();
        returned.signalAll();
      } finally {
        lock.unlock();
      }
      throw RpcException.builder("TransportError", "cannot start a worker for the pool: " + e.getMessage())
          .cause(e).build();
    }
    lock.lock();
    try {
      launching--;
      started++;
      returned.signalAll();
      if (!closed) {
        borrows++;
        borrowed.add(worker);
        return worker;
      }
      slot.live--;
    } finally {
      lock.unlock();
    }
    worker.close();
    throw closedError();
  }

  private PooledWorker start(List<String> command) throws IOException {
    Subprocess.Builder launch = Subprocess.builder(command).shutdownTimeout(shutdownTimeout)
        .environment(environment);
    stderr.ifPresent(launch::stderr);
    directory.ifPresent(launch::directory);
    if (sharedMemory > 0) {
      launch.sharedMemory(sharedMemory);
    }
    Subprocess process = launch.launch();
    try {
      RpcClient.Builder client = RpcClient.builder(process).allocator(allocator);
      onLog.ifPresent(client::onLog);
      PooledWorker worker = new PooledWorker(command, process, client.build());
      LOG.debug("started {} for {}", worker, describe(command));
      return worker;
    } catch (RuntimeException e) {
      process.processHandle().destroyForcibly();
      process.close();
      throw e;
    }
  }

  /** Takes back a borrowed worker: idle again when it may serve another caller, else ended. */
  void release(PooledWorker worker) {
    PooledWorker end = null;
    boolean kill = false;
    PooledWorker overflow = null;
    lock.lock();
    try {
      if (!borrowed.remove(worker)) {
        return;
      }
      returned.signalAll();
      Slot slot = slots.get(worker.command());
      boolean healthy = worker.healthy();
      if (closed || !healthy || maxIdle == 0) {
        slot.live--;
        end = worker;
        kill = !healthy;
        if (!healthy) {
          failed++;
        } else if (!closed) {
          evicted++;
        }
      } else {
        worker.idleSince(System.nanoTime());
        slot.idle.addFirst(worker);
        idleCount++;
        if (idleCount > maxIdle) {
          overflow = evictOldestIdle();
        }
      }
      slot.free.signal();
    } finally {
      lock.unlock();
    }
    if (end != null) {
      LOG.debug("ending {} ({})", end, kill ? "died or its channel broke" : "not kept idle");
      if (kill) {
        end.kill();
        end.closeAbandonedStreams();
      } else {
        end.close();
      }
    }
    if (overflow != null) {
      overflow.close();
    }
  }

  /** Removes the worker idle the longest, of any command. The lock is held. */
  private PooledWorker evictOldestIdle() {
    Slot oldest = null;
    for (Slot slot : slots.values()) {
      PooledWorker last = slot.idle.peekLast();
      if (last != null && (oldest == null || last.idleSince() - oldest.idle.peekLast().idleSince() < 0)) {
        oldest = slot;
      }
    }
    if (oldest == null) {
      return null;
    }
    PooledWorker worker = oldest.idle.pollLast();
    idleCount--;
    oldest.live--;
    evicted++;
    oldest.free.signal();
    return worker;
  }

  /** Ends idle workers past the idle timeout, and idle workers that died. */
  private void reap() {
    List<PooledWorker> expired = new ArrayList<>();
    List<PooledWorker> dead = new ArrayList<>();
    lock.lock();
    try {
      long now = System.nanoTime();
      for (Slot slot : slots.values()) {
        for (Iterator<PooledWorker> it = slot.idle.iterator(); it.hasNext(); ) {
          PooledWorker worker = it.next();
          boolean healthy = worker.healthy();
          if (!healthy || now - worker.idleSince() >= idleTimeoutNanos) {
            it.remove();
            idleCount--;
            slot.live--;
            slot.free.signal();
            if (healthy) {
              evicted++;
              expired.add(worker);
            } else {
              failed++;
              dead.add(worker);
            }
          }
        }
      }
    } finally {
      lock.unlock();
    }
    try {
      expired.forEach(worker -> {
        LOG.debug("ending {}: idle for longer than {}", worker, Duration.ofNanos(idleTimeoutNanos));
        worker.close();
      });
      dead.forEach(PooledWorker::kill);
    } catch (RuntimeException e) {
      LOG.warn("ending idle workers failed", e);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("the worker pool is closed");
  }

  private static String describe(List<String> command) {
    String program = command.get(0);
    String last = command.get(command.size() - 1);
    return command.size() == 1 ? "'" + program + "'" : "'" + program + " ... " + last + "'";
  }

  /**
   * Configures a {@link WorkerPool}; {@link #build()} copies the settings, so the pool does not
   * change when the builder does.
   */
  public static final class Builder {
    private Optional<List<String>> command = Optional.empty();
    private int maxWorkers = Integer.MAX_VALUE;
    private int maxIdle = 4;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration borrowTimeout = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private Optional<Consumer<String>> stderr = Optional.empty();
    private Optional<Consumer<LogMessage>> onLog = Optional.empty();
    private Optional<BufferAllocator> allocator = Optional.empty();
    private Optional<Path> directory = Optional.empty();
    private final Map<String, String> environment = new java.util.LinkedHashMap<>();
    private long sharedMemory;

    private Builder() {}

    /**
     * Sets the workers' working directory (default: this process's); see {@link
     * Subprocess.Builder#directory}.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Optional.of(Objects.requireNonNull(directory, "directory"));
      return this;
    }

    /**
     * Sets an environment variable for every worker, on top of those they inherit from this process.
     *
     * @param name the variable
     * @param value its value
     * @return this builder
     */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets environment variables for every worker, on top of those they inherit from this process.
     *
     * @param variables names and values
     * @return this builder
     */
    public Builder environment(Map<String, String> variables) {
      variables.forEach(this::environment);
      return this;
    }

    /**
     * Offers every worker a shared-memory segment of this size, made when the worker starts and
     * removed when it ends (each worker has its own, kept across its borrows); see {@link
     * Subprocess.Builder#sharedMemory}. A worker that declines uses the pipe alone.
     *
     * @param bytes each segment's size, more than {@value ShmSegment#HEADER_SIZE} and at most 2 GiB - 1
     * @return this builder
     * @throws IllegalArgumentException when the size is out of range
     */
    public Builder sharedMemory(long bytes) {
      this.sharedMemory = Subprocess.Builder.sharedMemorySize(bytes);
      return this;
    }

    /**
     * Sets the command of {@link WorkerPool#proxy(Class)} and {@link WorkerPool#borrow()}; calls that
     * name a command may use others.
     *
     * @param command the program and its arguments, such as {@link Subprocess#javaCommand}'s
     * @return this builder
     * @throws IllegalArgumentException when the command is empty
     */
    public Builder command(List<String> command) {
      this.command = Optional.of(commandKey(command));
      return this;
    }

    /**
     * Caps the workers of one command, idle and borrowed together (default: no cap). A borrow past
     * the cap waits for a worker to come back.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxWorkers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxWorkers must be at least 1, got " + max);
      }
      this.maxWorkers = max;
      return this;
    }

    /**
     * Caps the idle workers of all commands together (default 4); a worker returned past the cap
     * ends the one idle the longest. With 0 every worker is ended when it is returned.
     *
     * @param max zero or more
     * @return this builder
     */
    public Builder maxIdle(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxIdle must not be negative, got " + max);
      }
      this.maxIdle = max;
      return this;
    }

    /**
     * Ends a worker idle for longer than this (default 60 s), checked every half of it (at most every
     * 5 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * How long a borrow waits for a worker when {@link #maxWorkers} of its command are borrowed
     * (default 30 s) before it fails with {@link PoolExhaustedException}.
     *
     * @param timeout zero (do not wait) or more
     * @return this builder
     */
    public Builder borrowTimeout(Duration timeout) {
      this.borrowTimeout = notNegative(timeout, "borrowTimeout");
      return this;
    }

    /**
     * How long {@link WorkerPool#close()} waits for borrowed workers to come back before killing them
     * (default 10 s).
     *
     * @param timeout zero (kill at once) or more
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = notNegative(timeout, "closeTimeout");
      return this;
    }

    /**
     * How long ending a worker waits for it to exit after its stdin is closed, before destroying it
     * (default 5 s; see {@link Subprocess.Builder#shutdownTimeout}).
     *
     * @param timeout zero or more
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = notNegative(timeout, "shutdownTimeout");
      return this;
    }

    /**
     * Receives every worker's stderr lines (default: SLF4J logger {@code dev.arrowrpc.worker}); see
     * {@link Subprocess.Builder#stderr}.
     *
     * @param lines the consumer; called from several threads, it should return quickly
     * @return this builder
     */
    public Builder stderr(Consumer<String> lines) {
      this.stderr = Optional.of(Objects.requireNonNull(lines, "lines"));
      return this;
    }

    /**
     * Receives the workers' log messages; see {@link RpcClient.Builder#onLog}.
     *
     * @param onLog called with each message, on the calling thread
     * @return this builder
     */
    public Builder onLog(Consumer<LogMessage> onLog) {
      this.onLog = Optional.of(Objects.requireNonNull(onLog, "onLog"));
      return this;
    }

    /**
     * Allocates the Arrow data of results from the caller's allocator, which the caller closes after
     * the pool; by default the pool makes its own and closes it on {@link WorkerPool#close()}.
     *
     * @param allocator shared by the clients of all workers
     * @return this builder
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Optional.of(Objects.requireNonNull(allocator, "allocator"));
      return this;
    }

    /**
     * Builds the pool. No worker is started until the first borrow.
     *
     * @return the pool; close it to end its workers
     * @throws IllegalStateException when the pool makes its own allocator and the JVM lacks the flags
     *     Arrow needs (the message names them)
     */
    public WorkerPool build() {
      return new WorkerPool(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }

    private static Duration notNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, got " + value);
      }
      return value;
    }
  }
}
