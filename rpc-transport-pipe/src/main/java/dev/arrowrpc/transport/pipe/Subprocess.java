package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.shm.SharedMemoryTransport;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.shm.ShmNegotiation;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process, and the byte channel to it over its stdin and stdout. The worker serves with
 * {@link Workers#serveStdio}; its stderr lines go to a consumer (by default the SLF4J logger {@code
 * dev.arrowrpc.worker} at INFO).
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.connect(Subprocess.launch(Subprocess.javaCommand("com.example.Worker")))) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   double sum = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>A worker that dies closes its stdout, so a client waiting for a response sees the end of input
 * at once and raises a {@code TransportError} naming the exit status (see {@link #failureHint()}).
 */
public final class Subprocess implements ByteTransport, SharedMemoryTransport {
  private static final Logger WORKER_LOG = LoggerFactory.getLogger("dev.arrowrpc.worker");
  private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration HINT_WAIT = Duration.ofMillis(250);

  private final Process process;
  private final InputStream input;
  private final OutputStream output;
  private final StderrPump stderr;
  private final Thread stderrThread;
  private final Duration shutdownTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The segment the worker confirmed, owned by this client (removed on close); null without one. */
  private volatile ShmSegment segment;

  private Subprocess(Process process, Consumer<String> stderrLines, Duration shutdownTimeout) {
    this.process = process;
    this.input = SpinningInputStream.around(new ChunkedInputStream(process.getInputStream()));
    this.output = new ChunkedOutputStream(process.getOutputStream());
    this.stderr = new StderrPump(process.getErrorStream(), stderrLines);
    this.stderrThread = new Thread(stderr, "arrowrpc-worker-stderr-" + process.pid());
    this.stderrThread.setDaemon(true);
    this.stderrThread.start();
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * Launches a worker with default settings.
   *
   * @param command the program and its arguments
   * @return the running worker
   * @throws IOException when the process cannot be started
   */
  public static Subprocess launch(List<String> command) throws IOException {
    return builder(command).launch();
  }

  /**
   * Launches a worker with default settings.
   *
   * @param command the program and its arguments
   * @return the running worker
   * @throws IOException when the process cannot be started
   */
  public static Subprocess launch(String... command) throws IOException {
    return launch(List.of(command));
  }

  /**
   * Starts configuring a worker launch.
   *
   * @param command the program and its arguments
   * @return a builder
   */
  public static Builder builder(List<String> command) {
    return new Builder(command);
  }

  /**
   * Builds the command line that runs a Java main class in a new JVM like this one: the same
   * {@code java} executable, {@link JvmFlags#ARROW}, this JVM's {@code arrowrpc.pipe.spinMicros}
   * when it is set (how long a pipe polls before it blocks), and this JVM's class path.
   *
   * @param mainClass the fully qualified name of the class whose {@code main} serves
   * @param args the program arguments
   * @return the command line
   */
  public static List<String> javaCommand(String mainClass, String... args) {
    Objects.requireNonNull(mainClass, "mainClass");
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(JvmFlags.ARROW);
    String spin = System.getProperty(SpinBudget.PROPERTY);
    if (spin != null) {
      command.add("-D" + SpinBudget.PROPERTY + "=" + spin);
    }
    String classPath = System.getProperty("java.class.path", "");
    if (!classPath.isEmpty()) {
      command.add("-cp");
      command.add(classPath);
    }
    command.add(mainClass);
    command.addAll(List.of(args));
    return List.copyOf(command);
  }

  private static String javaExecutable() {
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    if (Files.isExecutable(java)) {
      return java.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The worker's stdout: responses from the server. */
  @Override
  public InputStream input() {
    return input;
  }

  /** The worker's stdin: requests to the server. */
  @Override
  public OutputStream output() {
    return output;
  }

  /**
   * The worker process, for its pid or to end it.
   *
   * @return the process handle
   */
  public ProcessHandle processHandle() {
    return process.toHandle();
  }

  /**
   * The worker's exit status, once it has exited.
   *
   * @return the status, or empty while the worker runs
   */
  public OptionalInt exitStatus() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /**
   * Explains a failed read or write: when the worker has exited (it is given a moment to), {@code
   * "worker exited with status N"} and its last stderr line.
   *
   * @return the explanation, or an empty string while the worker runs
   */
  @Override
  public String failureHint() {
    boolean exited;
    try {
      exited = process.waitFor(HINT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (exited) {
        stderrThread.join(HINT_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = !process.isAlive();
    }
    if (!exited) {
      return "";
    }
    String hint = "worker exited with status " + process.exitValue();
    String last = stderr.lastLine();
    return last == null || last.isBlank() ? hint : hint + "; last stderr line: " + last.strip();
  }

  /**
   * Ends the worker: closes its stdin (it sees the end of input and should exit), waits for it up to
   * the shutdown timeout (5 s by default), then destroys it and its child processes, forcibly if need
   * be. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(output);
    boolean interrupted = false;
    try {
      if (!process.waitFor(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        WORKER_LOG.warn("worker {} did not exit within {} after its stdin closed; destroying it",
            process.pid(), shutdownTimeout);
        // children would keep the pipes open; once the worker is gone they can no longer be found
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(DESTROY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          children.forEach(ProcessHandle::destroyForcibly);
          process.waitFor(DESTROY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
      process.destroyForcibly();
    }
    closeQuietly(input);
    ShmSegment owned = segment;
    if (owned != null) {
      owned.close(); // unmapped and removed; the worker is gone
    }
    try {
      stderrThread.join(DESTROY_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // the worker may be gone already
    }
  }

  /**
   * The shared-memory segment the worker confirmed at launch (see {@link Builder#sharedMemory}).
   *
   * @return the segment; empty when none was asked for, the worker declined, or the worker is closed
   */
  @Override
  public Optional<SharedSegment> sharedSegment() {
    return closed.get() ? Optional.empty() : Optional.ofNullable(segment);
  }

  /** Creates a segment and offers it to the worker; keeps it when the worker confirms. */
  private void negotiate(long size) throws IOException {
    ShmSegment created = ShmSegment.create(size);
    boolean confirmed;
    try (BufferAllocator memory = new RootAllocator()) {
      confirmed = ShmNegotiation.negotiate(input, output, memory);
    } catch (IOException | RuntimeException e) {
      created.close();
      String hint = failureHint();
      close();
      throw new IOException("shared-memory negotiation with the worker failed: " + e.getMessage()
          + (hint.isEmpty() ? "" : " (" + hint + ")"), e);
    }
    if (confirmed) {
      segment = created;
    } else {
      WORKER_LOG.debug("worker {} declined shared memory; batches stay inline", process.pid());
      created.close();
    }
  }

  @Override
  public String toString() {
    return "Subprocess[pid=" + process.pid() + "]";
  }

  /** Configures a worker launch: working directory, environment, stderr handling. */
  public static final class Builder {
    private final List<String> command;
    private Path directory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Consumer<String> stderrLines = line -> WORKER_LOG.info("{}", line);
    private long sharedMemory;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

    private Builder(List<String> command) {
      this.command = List.copyOf(command);
      if (this.command.isEmpty()) {
        throw new IllegalArgumentException("the command is empty");
      }
    }

    /**
     * Sets the worker's working directory (default: this process's).
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Sets an environment variable for the worker, on top of those it inherits from this process.
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
     * Sets environment variables for the worker, on top of those it inherits from this process.
     *
     * @param variables names and values
     * @return this builder
     */
    public Builder environment(Map<String, String> variables) {
      variables.forEach(this::environment);
      return this;
    }

    /**
     * Receives the worker's stderr, one line at a time (without the line terminator), on a daemon
     * thread. By default each line is logged to SLF4J logger {@code dev.arrowrpc.worker} at INFO.
     *
     * @param lines the consumer; it should return quickly
     * @return this builder
     */
    public Builder stderr(Consumer<String> lines) {
      this.stderrLines = Objects.requireNonNull(lines, "lines");
      return this;
    }

    /**
     * Sets how long {@link Subprocess#close()} waits for the worker to exit by itself before
     * destroying it (default 5 s).
     *
     * @param timeout the wait
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("negative shutdown timeout: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Offers the worker a shared-memory segment of this size, created at launch: the client then
     * negotiates with {@code __transport_options__} before anything else, keeps the segment when the
     * worker confirms (see {@link Subprocess#sharedSegment()}), and removes it when the worker is
     * closed. A worker that declines (or errors) leaves every batch inline.
     *
     * @param bytes the segment's total size, more than {@value ShmSegment#HEADER_SIZE} and at most 2 GiB - 1
     * @return this builder
     * @throws IllegalArgumentException when the size is out of range
     */
    public Builder sharedMemory(long bytes) {
      this.sharedMemory = sharedMemorySize(bytes);
      return this;
    }

    /** Checks a segment size: more than its header, at most 2 GiB - 1. */
    static long sharedMemorySize(long bytes) {
      if (bytes <= ShmSegment.HEADER_SIZE || bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shared-memory size must be more than " + ShmSegment.HEADER_SIZE
            + " and at most " + Integer.MAX_VALUE + " bytes, got " + bytes);
      }
      return bytes;
    }

    /**
     * Starts the worker (and negotiates shared memory, when asked for).
     *
     * @return the running worker
     * @throws IOException when the process cannot be started
     */
    public Subprocess launch() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      builder.environment().putAll(environment);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot launch worker " + command.get(0)
            + (directory == null ? "" : " (working directory " + directory.toAbsolutePath() + ")")
            + ": " + e.getMessage(), e);
      }
      Subprocess started = new Subprocess(process, stderrLines, shutdownTimeout);
      if (sharedMemory > 0) {
        started.negotiate(sharedMemory);
      }
      return started;
    }
  }
}
