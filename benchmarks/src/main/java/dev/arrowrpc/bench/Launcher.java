package dev.arrowrpc.bench;

import dev.arrowrpc.core.auth.HmacStreamTokens;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts worker processes: pinned to the worker CPUs when the run asks for it (system property
 * {@code bench.workerCpus}, a {@code taskset} CPU list), with their stderr appended to {@code
 * bench.logDir}/workers.log, and stopped for sure at the end.
 */
public final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  private static final long READY_TIMEOUT_SECONDS = 60;
  /** The stream-token key of this run's HTTP workers (hex). */
  private static final String SIGNING_KEY = randomKey();

  private Launcher() {}

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return HexFormat.of().formatHex(key);
  }

  /**
   * Prefixes a command with {@code taskset -c CPUS} when worker pinning is on.
   *
   * @param command the command
   * @return the command to run
   */
  public static List<String> pinned(List<String> command) {
    String cpus = Regime.workerCpus();
    if (cpus.isBlank()) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("taskset", "-c", cpus));
    out.addAll(command);
    return out;
  }

  /**
   * The command running {@link BenchWorker} in a new JVM like this one (same JDK, flags and class
   * path), pinned when pinning is on.
   *
   * @param args the worker's arguments
   * @return the command
   */
  public static List<String> benchWorker(List<String> args) {
    List<String> command = new ArrayList<>(
        Subprocess.javaCommand(BenchWorker.class.getName(), args.toArray(String[]::new)));
    // the same heap and GC settings as this JVM, so both ends run alike
    // JVM messages (JFR's start-up banner, warnings) must never reach stdout, the protocol's channel
    command.addAll(1, List.of("-Xlog:disable", "-Xlog:all=warning:stderr",
        "-Xms256m", "-Xmx2g", "-XX:+UseParallelGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.jboss.logging.provider=slf4j"));  // Undertow's and XNIO's logging, at WARN too
    String extra = System.getProperty("bench.workerJvmOpts", "");
    if (!extra.isBlank()) {
      command.addAll(3, List.of(extra.strip().split("\\s+")));  // after the -Xlog options
    }
    return command;
  }

  /**
   * Launches a worker speaking on its stdin and stdout.
   *
   * @param command the command (pinning is applied here)
   * @return the running worker
   * @throws IOException when it cannot be started
   */
  public static Subprocess pipeWorker(List<String> command) throws IOException {
    return Subprocess.builder(pinned(command))
        .stderr(Launcher::appendLog)
        .shutdownTimeout(java.time.Duration.ofSeconds(3))
        .launch();
  }

  /**
   * Launches a worker speaking on its stdin and stdout that is offered a shared-memory segment
   * ({@link Subprocess.Builder#sharedMemory}); whether it confirmed is {@link
   * Subprocess#sharedSegment()}.
   *
   * @param command the command (pinning is applied here)
   * @param segmentBytes the segment's size
   * @return the running worker
   * @throws IOException when it cannot be started or the negotiation fails
   */
  public static Subprocess sharedMemoryWorker(List<String> command, long segmentBytes) throws IOException {
    return Subprocess.builder(pinned(command))
        .stderr(Launcher::appendLog)
        .shutdownTimeout(java.time.Duration.ofSeconds(3))
        .sharedMemory(segmentBytes)
        .launch();
  }

  /**
   * Where worker processes' stderr lines go: appended to {@code bench.logDir}/workers.log.
   *
   * @param line one line
   */
  static void workerLog(String line) {
    appendLog(line);
  }

  /**
   * Launches a worker that serves a socket and announces it on stdout with a line starting with
   * {@code prefix} (such as {@code "UNIX:"}, {@code "TCP:"} or {@code "PORT:"}), and waits for that
   * line. HTTP workers of this project sign stream tokens with a key made for this run, passed in
   * {@code ARROWRPC_SIGNING_KEY} (unless already set), so they start without warning about a random
   * key.
   *
   * @param command the command (pinning is applied here)
   * @param prefix the announcement's prefix
   * @return the worker and the rest of its announcement line
   * @throws IOException when it cannot be started or does not announce itself in time
   */
  public static SocketWorker socketWorker(List<String> command, String prefix) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(pinned(command));
    builder.environment().putIfAbsent(HmacStreamTokens.KEY_ENVIRONMENT_VARIABLE, SIGNING_KEY);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(logFile()));
    Process process = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the worker is gone
      }
    }, "bench-worker-stdout");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    SocketWorker worker = new SocketWorker(process);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          worker.announced = line.substring(prefix.length()).strip();
          return worker;
        }
        if (line == null && !process.isAlive()) {
          throw new IOException("worker exited with status " + process.exitValue()
              + " before announcing " + prefix + " (see " + logFile() + "): " + command);
        }
        if (left <= 0) {
          throw new IOException("worker did not announce " + prefix + " within "
              + READY_TIMEOUT_SECONDS + " s: " + command);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.close();
      throw new IOException("interrupted while waiting for the worker", e);
    } catch (IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  /**
   * Closes resources in order, logging (not throwing) failures.
   *
   * @param resources what to close
   */
  public static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }

  /**
   * A fresh socket path in the run's scratch directory (short enough for the 107-byte limit).
   *
   * @param name a distinguishing name
   * @return the path, which does not exist
   * @throws IOException when the directory cannot be made
   */
  public static Path socketPath(String name) throws IOException {
    Path dir = Path.of(System.getProperty("bench.socketDir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(dir);
    Path path = dir.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000 + ".sock");
    Files.deleteIfExists(path);
    return path;
  }

  private static File logFile() {
    Path dir = Path.of(System.getProperty("bench.logDir", System.getProperty("java.io.tmpdir")));
    try {
      Files.createDirectories(dir);
    } catch (IOException ignored) {
      // reported when the file is opened
    }
    return dir.resolve("workers.log").toFile();
  }

  private static synchronized void appendLog(String line) {
    try {
      Files.writeString(logFile().toPath(), line + System.lineSeparator(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // a lost stderr line must not fail a benchmark
    }
  }

  /** A worker process serving a socket. Closing it ends the process. */
  public static final class SocketWorker implements AutoCloseable {
    private final Process process;
    private String announced = "";

    private SocketWorker(Process process) {
      this.process = process;
    }

    /**
     * What the worker announced after the prefix: a socket path, or {@code host:port}.
     *
     * @return the announcement
     */
    public String announced() {
      return announced;
    }

    /** Closes the worker's stdin, then terminates it (forcibly after 3 s). */
    @Override
    public void close() {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
          process.destroy();
          if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(3, TimeUnit.SECONDS);
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String toString() {
      return "worker " + process.pid();
    }
  }
}
