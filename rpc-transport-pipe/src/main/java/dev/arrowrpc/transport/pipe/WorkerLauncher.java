package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.wire.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to warm workers shared by every client process of a user: the first {@link
 * #connect(List)} for a command starts the worker, detached (it outlives the client), and later
 * ones, from this process or any other, reuse it. A worker stops by itself once no client has been
 * connected for its idle timeout (see {@link Workers#serve(String[], Class, Object)}).
 *
 * <pre>{@code
 * WorkerLauncher launcher = WorkerLauncher.create();
 * try (RpcClient client = RpcClient.connect(launcher.connect(Subprocess.javaCommand("com.example.CalcWorker")))) {
 *   client.proxy(Calculator.class).add(1, 2);
 * }
 * }</pre>
 *
 * <p>It follows the contract of the reference's launcher ({@code vgi-rpc launch}), so either can
 * start a worker the other reuses: a worker is found by the first 16 hex digits of a SHA-256 of
 * its command line, the launcher's working directory and its {@code VGI_RPC_*} environment
 * variables, at {@code <state dir>/<hash>.sock}; the state directory is {@code
 * $XDG_RUNTIME_DIR/vgi-rpc}, else {@code $TMPDIR/vgi-rpc-<uid>} (created owner-only). A worker is
 * started as {@code <command> --unix <socket> --idle-timeout <seconds>} and is ready once it prints
 * {@code UNIX:<socket>} on stdout. Launchers of this library serialise on {@code <hash>.lock}, so
 * concurrent first connects, from threads or processes, start one worker; a socket nothing listens
 * on any more (a killed worker's) is replaced. The reference locks the same file with {@code
 * flock}, which Java cannot take: when a Python launcher and this one start the same worker at the
 * same moment, the second worker finds the first listening and exits, and this launcher then uses
 * the first.
 */
public final class WorkerLauncher {
  /** The default idle timeout of the workers started. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLauncher.class);
  private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** Stale entries looked at after each start, at most. */
  private static final int GC_LIMIT = 16;
  /** Linux's limit on a socket path, in bytes. */
  private static final int MAX_SOCKET_PATH = 107;
  /** Pauses before believing a refused probe where a busy listener may refuse (not on Linux). */
  private static final long[] REFUSED_BACKOFF_MILLIS = {50, 100, 200};
  private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

  private final Path stateDir;
  private final Duration idleTimeout;
  private final Duration lockTimeout;
  private final Duration startupTimeout;
  private final Optional<Path> workerStderr;

  private WorkerLauncher(Path stateDir, Duration idleTimeout, Duration lockTimeout, Duration startupTimeout,
      Optional<Path> workerStderr) {
    this.stateDir = stateDir;
    this.idleTimeout = idleTimeout;
    this.lockTimeout = lockTimeout;
    this.startupTimeout = startupTimeout;
    this.workerStderr = workerStderr;
  }

  /**
   * A launcher with the defaults: the user's state directory, workers idle out after 5 minutes.
   *
   * @return the launcher
   * @throws IOException when the state directory cannot be created, or belongs to another user
   */
  public static WorkerLauncher create() throws IOException {
    return builder().build();
  }

  /**
   * Starts configuring a launcher.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The directory holding the workers' sockets, lock files and {@code .meta} descriptions.
   *
   * @return the state directory
   */
  public Path stateDir() {
    return stateDir;
  }

  /**
   * Where the worker for a command listens (whether or not it runs).
   *
   * @param command the worker's command line
   * @return the socket path
   * @throws IllegalArgumentException when the command is empty
   */
  public Path socketPath(List<String> command) {
    return stateDir.resolve(hash(command) + ".sock");
  }

  /**
   * Connects to the warm worker for a command, starting it first when none is running. A worker
   * that stops (idles out, dies) between being found and being connected to is started again, once.
   *
   * @param command the worker's command line; it must accept {@code --unix PATH --idle-timeout
   *     SECONDS} (as {@link Workers#serve(String[], Class, Object)} does)
   * @return a connection to the worker, for {@code RpcClient.connect}
   * @throws IllegalArgumentException when the command is empty
   * @throws IOException when no worker can be started or connected to, naming why
   */
  public ByteTransport connect(List<String> command) throws IOException {
    Path socket = socketPath(command);
    try {
      return UnixSocket.connect(socket); // the warm path: a worker listens
    } catch (IOException notListening) {
      LOG.debug("no worker listens on {}: {}", socket, notListening.toString());
    }
    IOException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      Path launched = launch(command);
      try {
        return UnixSocket.connect(launched);
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("cannot connect to the worker launched at " + socket + " after one retry: "
        + last.getMessage(), last);
  }

  /**
   * Makes sure the worker for a command runs, starting it when none listens, and returns its socket.
   *
   * @param command the worker's command line
   * @return the socket the worker listens on
   * @throws IllegalArgumentException when the command is empty
   * @throws IOException when the lock is not free within the lock timeout, the socket path holds
   *     something other than a socket, or the worker does not start
   */
  public Path launch(List<String> command) throws IOException {
    String hash = hash(command);
    Path socket = stateDir.resolve(hash + ".sock");
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new IOException("socket path " + socket + " is longer than " + MAX_SOCKET_PATH
          + " bytes: choose a shorter state directory");
    }
    try (LaunchLock lock = LaunchLock.acquire(stateDir.resolve(hash + ".lock"), lockTimeout)) {
      requireSocketOrAbsent(socket);
      if (probe(socket)) {
        return socket;
      }
      Files.deleteIfExists(socket); // a socket nothing listens on
      writeMeta(stateDir.resolve(hash + ".meta"), command, socket);
      try {
        spawn(command, socket);
      } catch (IOException e) {
        if (probe(socket)) { // another launcher's worker (one not using this lock) won the race
          return socket;
        }
        throw e;
      }
      return socket;
    } finally {
      try {
        collect(GC_LIMIT, Optional.of(hash));
      } catch (IOException | UncheckedIOException e) {
        LOG.debug("cleaning {} failed: {}", stateDir, e.toString());
      }
    }
  }

  /** The hash of a command, as the reference computes it in this process. */
  String hash(List<String> command) {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the worker command is empty");
    }
    command.forEach(word -> Objects.requireNonNull(word, "a word of the command is null"));
    return LaunchKey.of(command, System.getProperty("user.dir"), System.getenv());
  }

  private static void requireSocketOrAbsent(Path socket) throws IOException {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !WarmWorker.isSocket(socket)) {
      throw new IOException("refusing to replace pre-existing non-socket path: " + socket);
    }
  }

  /** Whether something listens on the socket. */
  static boolean probe(Path socket) {
    int attempts = LINUX ? 1 : REFUSED_BACKOFF_MILLIS.length + 1;
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        try {
          Thread.sleep(REFUSED_BACKOFF_MILLIS[attempt - 1]);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        return true;
      } catch (java.net.ConnectException refused) {
        // nothing listens, or (not on Linux) a full backlog: ask again
      } catch (IOException | UnsupportedOperationException absent) {
        return false;
      }
    }
    return false;
  }

  private void writeMeta(Path meta, List<String> command, Path socket) {
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("cmd", command);
    description.put("cwd", System.getProperty("user.dir"));
    description.put("socket", socket.toString());
    description.put("started_at", System.currentTimeMillis() / 1000.0);
    description.put("launcher_pid", ProcessHandle.current().pid());
    try {
      Files.writeString(meta, Json.write(description));
    } catch (IOException e) {
      LOG.debug("cannot write {}: {}", meta, e.toString());
    }
  }

  /** Starts the worker and waits for its {@code UNIX:} line. */
  private void spawn(List<String> command, Path socket) throws IOException {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of("--unix", socket.toString(), "--idle-timeout", seconds(idleTimeout)));
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectError(workerStderr.map(file -> ProcessBuilder.Redirect.appendTo(file.toFile()))
            .orElse(ProcessBuilder.Redirect.DISCARD));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot start worker " + command.get(0) + ": " + e.getMessage(), e);
    }
    BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(process, lines), "arrowrpc-launcher-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    String expected = "UNIX:" + socket;
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Optional<String> line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          process.destroy();
          throw new IOException("worker " + command.get(0) + " did not print " + expected + " within "
              + startupTimeout.toMillis() + " ms" + stderrHint());
        }
        if (line.isEmpty()) {
          boolean exited = process.waitFor(1, TimeUnit.SECONDS);
          throw new IOException("worker " + command.get(0) + " exited before it was ready (exit status "
              + (exited ? String.valueOf(process.exitValue()) : "unknown") + ")" + stderrHint());
        }
        String text = line.get();
        if (text.startsWith("UNIX:")) {
          if (!text.equals(expected)) {
            process.destroy();
            throw new IOException("worker " + command.get(0) + " bound to an unexpected path: '" + text
                + "' (expected '" + expected + "')");
          }
          LOG.debug("started worker pid {} on {}", process.pid(), socket);
          return;
        }
        LOG.debug("worker stdout before its UNIX: line: {}", text);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
      throw new IOException("interrupted while starting worker " + command.get(0), e);
    }
  }

  private String stderrHint() {
    return workerStderr.map(file -> "; its stderr is in " + file).orElse("");
  }

  /**
   * Hands the worker's stdout lines over until the end (empty), then goes on reading and dropping
   * them, so a worker that prints more is never blocked on a full pipe while this JVM runs.
   */
  private static void readLines(Process process, BlockingQueue<Optional<String>> lines) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.offer(Optional.of(line));
      }
    } catch (IOException e) {
      // the worker closed its stdout
    } finally {
      lines.offer(Optional.empty());
    }
  }

  /** Seconds as the reference writes them: a decimal Python's {@code float()} reads. */
  static String seconds(Duration duration) {
    return Double.toString(duration.toNanos() / 1e9);
  }

  /**
   * Removes the socket, lock and {@code .meta} files of workers that no longer run, looking at no
   * more than {@code limit} entries. An entry whose lock another launcher holds is left alone.
   *
   * @return the hashes cleaned
   */
  List<String> collect(int limit, Optional<String> exclude) throws IOException {
    List<Path> metas = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*.meta")) {
      files.forEach(metas::add);
    }
    metas.sort(null);
    List<String> cleaned = new ArrayList<>();
    int seen = 0;
    for (Path meta : metas) {
      if (seen++ >= limit) {
        break;
      }
      String name = meta.getFileName().toString();
      String hash = name.substring(0, name.length() - ".meta".length());
      if (exclude.isPresent() && exclude.get().equals(hash)) {
        continue;
      }
      Path socket = stateDir.resolve(hash + ".sock");
      Path lockFile = stateDir.resolve(hash + ".lock");
      Optional<LaunchLock> lock = LaunchLock.tryAcquire(lockFile);
      if (lock.isEmpty()) {
        continue;
      }
      try (LaunchLock held = lock.get()) {
        if (probe(socket) || (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !WarmWorker.isSocket(socket))) {
          continue;
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(meta);
        Files.deleteIfExists(lockFile);
        cleaned.add(hash);
      }
    }
    return cleaned;
  }

  /**
   * The user's state directory: {@code $XDG_RUNTIME_DIR/vgi-rpc} when that variable is set, else
   * {@code vgi-rpc-<uid>} in {@code $TMPDIR} (else {@code /tmp}), as the reference names it.
   */
  static Path defaultStateDir(Map<String, String> environment) throws IOException {
    String xdg = environment.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isEmpty()) {
      return Path.of(xdg, "vgi-rpc");
    }
    return tempDir(environment).resolve("vgi-rpc-" + uid());
  }

  /** The temporary directory as Python's {@code tempfile.gettempdir()} picks it. */
  private static Path tempDir(Map<String, String> environment) {
    for (String name : List.of("TMPDIR", "TEMP", "TMP")) {
      String value = environment.get(name);
      if (value != null && !value.isEmpty() && Files.isDirectory(Path.of(value)) && Files.isWritable(Path.of(value))) {
        return Path.of(value).toAbsolutePath();
      }
    }
    return Path.of("/tmp");
  }

  private static int uid() throws IOException {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      Path probe = Files.createTempFile("arrowrpc-uid", "");
      try {
        return (Integer) Files.getAttribute(probe, "unix:uid");
      } finally {
        Files.deleteIfExists(probe);
      }
    }
  }

  /** Creates the state directory owner-only; refuses one another user owns. */
  private static Path prepare(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Object owner = Files.getAttribute(dir, "unix:uid");
      if (!owner.equals(uid())) {
        throw new IOException("state directory " + dir + " is not owned by the current user");
      }
    } catch (UnsupportedOperationException e) {
      LOG.debug("cannot restrict {}: {}", dir, e.toString());
    }
    return dir;
  }

  /** Configures a {@link WorkerLauncher}. */
  public static final class Builder {
    private Path stateDir;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Path workerStderr;

    private Builder() {}

    /**
     * Sets the state directory (default: the user's, see {@link WorkerLauncher}). Keep it short:
     * a socket path is limited to 107 bytes.
     *
     * @param dir the directory; created owner-only if absent
     * @return this builder
     */
    public Builder stateDir(Path dir) {
      this.stateDir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets how long a worker this launcher starts stays up with no client connected (default 5
     * minutes; {@link Duration#ZERO}: until killed). Passed to it as {@code --idle-timeout}; a worker
     * already running keeps its own.
     *
     * @param timeout the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * Sets how long to wait for another launcher starting the same worker (default 30 s).
     *
     * @param timeout the lock timeout
     * @return this builder
     */
    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = nonNegative(timeout, "lockTimeout");
      return this;
    }

    /**
     * Sets how long a starting worker may take to print its {@code UNIX:} line (default 60 s).
     *
     * @param timeout the startup timeout
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = nonNegative(timeout, "startupTimeout");
      return this;
    }

    /**
     * Appends the stderr of the workers this launcher starts to a file (default: discarded).
     *
     * @param file the log file
     * @return this builder
     */
    public Builder workerStderr(Path file) {
      this.workerStderr = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Creates the launcher, and its state directory if absent.
     *
     * @return the launcher
     * @throws IOException when the state directory cannot be created, or belongs to another user
     */
    public WorkerLauncher build() throws IOException {
      Path dir = prepare(stateDir != null ? stateDir : defaultStateDir(System.getenv()));
      return new WorkerLauncher(dir, idleTimeout, lockTimeout, startupTimeout, Optional.ofNullable(workerStderr));
    }

    private static Duration nonNegative(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return timeout;
    }
  }
}
