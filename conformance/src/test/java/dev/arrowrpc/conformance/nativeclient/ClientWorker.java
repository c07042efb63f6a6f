package dev.arrowrpc.conformance.nativeclient;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The reference's native-client worker, {@code python -m vgi_rpc.conformance.client_worker}, on one
 * transport. {@link #start} launches a listening worker (Unix, TCP, HTTP) and waits for its
 * discovery line and for it to accept; a pipe worker is launched by each {@link #connect}, its
 * stdin/stdout being the client's channel.
 *
 * <p>The interpreter is the system property {@value #PYTHON_PROPERTY}, else the environment
 * variable {@value #PYTHON_ENV}, else {@code target/venv/bin/python} (the virtualenv
 * run-reference-suite.sh and run-native-client.sh make, relative to the conformance module). It
 * must be Python 3.13 or newer with the pinned vgi-rpc installed; {@link #unavailable()} says why
 * not.
 */
final class ClientWorker implements AutoCloseable {
  /** System property naming the Python interpreter that has vgi-rpc installed. */
  static final String PYTHON_PROPERTY = "arrowrpc.nativeclient.python";
  /** Environment variable naming the Python interpreter that has vgi-rpc installed. */
  static final String PYTHON_ENV = "ARROWRPC_NATIVE_PYTHON";
  /** System property naming a directory for Unix sockets. */
  static final String SCRATCH_PROPERTY = "arrowrpc.nativeclient.scratch";

  private static final String MODULE = "vgi_rpc.conformance.client_worker";
  private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static volatile Optional<String> unavailable;

  /** The transports the worker serves. */
  enum Lane {
    /** The worker's stdin/stdout ({@code --stdio}). */
    PIPE,
    /** A Unix-domain socket ({@code --unix PATH}). */
    UNIX,
    /** Raw TCP on loopback ({@code --tcp 127.0.0.1:0}). */
    TCP,
    /** HTTP on loopback ({@code --http 0}). */
    HTTP;

    /** The lower-case name used in output lines. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Lane lane;
  private final List<String> command;
  private final String prefix;
  private Process process;
  private String address = "";

  private ClientWorker(Lane lane, List<String> command, String prefix) {
    this.lane = lane;
    this.command = command;
    this.prefix = prefix;
  }

  /** The interpreter the worker runs under (it may not exist: see {@link #unavailable()}). */
  static String python() {
    String configured = System.getProperty(PYTHON_PROPERTY, "");
    if (configured.isBlank()) {
      configured = Optional.ofNullable(System.getenv(PYTHON_ENV)).orElse("");
    }
    return configured.isBlank() ? Path.of("target", "venv", "bin", "python").toAbsolutePath().toString() : configured;
  }

  /**
   * Why the worker cannot run here: no interpreter, one older than 3.13, or no vgi-rpc in it.
   * Probed once.
   *
   * @return the reason, empty when the worker can run
   */
  static Optional<String> unavailable() {
    Optional<String> known = unavailable;
    if (known == null) {
      known = probe();
      unavailable = known;
    }
    return known;
  }

  private static Optional<String> probe() {
    String python = python();
    if (!Files.isExecutable(Path.of(python))) {
      return Optional.of("no Python with vgi-rpc at " + python + " (set -D" + PYTHON_PROPERTY + " or "
          + PYTHON_ENV + ", or run conformance/run-native-client.sh, which makes the virtualenv)");
    }
    try {
      Process check = new ProcessBuilder(python, "-c",
          "import sys\nif sys.version_info < (3, 13): sys.exit('Python ' + sys.version.split()[0] + ' < 3.13')\n"
              + "import " + MODULE)
          .redirectErrorStream(true).start();
      check.getOutputStream().close();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!check.waitFor(60, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return Optional.of(python + " did not answer within 60 s");
      }
      if (check.exitValue() != 0) {
        String last = output.lines().reduce((a, b) -> b).orElse("exit status " + check.exitValue());
        return Optional.of(python + " cannot run " + MODULE + ": " + last);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot run " + python + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while probing " + python);
    }
  }

  /**
   * Starts a worker.
   *
   * @param lane the transport
   * @param extra further worker flags ({@code --prefix /vgi}, {@code --producer-turn-bytes N}; HTTP
   *     only)
   * @return the worker, listening (a pipe worker starts with each {@link #connect})
   * @throws IOException when the worker does not start or does not accept
   */
  static ClientWorker start(Lane lane, List<String> extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(python(), "-m", MODULE));
    String prefix = "";
    for (int i = 0; i + 1 < extra.size(); i++) {
      if (extra.get(i).equals("--prefix")) {
        prefix = extra.get(i + 1);
      }
    }
    switch (lane) {
      case PIPE -> command.add("--stdio");
      case UNIX -> {
        Path scratch = Path.of(System.getProperty(SCRATCH_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(scratch);
        Path socket = Files.createTempFile(scratch, "client-worker", ".sock");
        Files.delete(socket);
        command.addAll(List.of("--unix", socket.toString()));
      }
      case TCP -> command.addAll(List.of("--tcp", "127.0.0.1:0"));
      case HTTP -> command.addAll(List.of("--http", "0"));
    }
    command.addAll(extra);
    ClientWorker worker = new ClientWorker(lane, List.copyOf(command), prefix);
    if (lane != Lane.PIPE) {
      try {
        worker.listen();
      } catch (IOException | RuntimeException e) {
        worker.close();
        throw e;
      }
    }
    return worker;
  }

  /** The transport. */
  Lane lane() {
    return lane;
  }

  /** The worker's command line. */
  List<String> commandLine() {
    return command;
  }

  /** The HTTP base URL, prefix included ({@code http://127.0.0.1:PORT/vgi}); HTTP only. */
  String baseUrl() {
    if (lane != Lane.HTTP) {
      throw new IllegalStateException("no URL on " + lane.label());
    }
    return address + prefix;
  }

  private void listen() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    process = builder.start();
    process.getOutputStream().close();
    pump(process.getErrorStream(), line -> System.err.println("[client-worker " + lane.label() + "] " + line));
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    pump(process.getInputStream(), lines::offer);
    String discovery = awaitDiscovery(lines);
    switch (lane) {
      case UNIX -> {
        String path = expect(discovery, "UNIX:");
        awaitReady(() -> UnixSocket.connect(Path.of(path)).close());
        address = path;
      }
      case TCP -> {
        String hostPort = expect(discovery, "TCP:");
        InetSocketAddress target = socketAddress(hostPort);
        awaitReady(() -> Tcp.connect(target).close());
        address = hostPort;
      }
      case HTTP -> {
        int port = Integer.parseInt(expect(discovery, "PORT:").strip());
        address = "http://127.0.0.1:" + port;
        URI health = URI.create(address + prefix + "/health");
        awaitReady(() -> {
          HttpURLConnection connection = (HttpURLConnection) health.toURL().openConnection();
          connection.setConnectTimeout(1000);
          connection.setReadTimeout(5000);
          try {
            int status = connection.getResponseCode();
            if (status != 200) {
              throw new IOException("GET " + health + " answered " + status);
            }
          } finally {
            connection.disconnect();
          }
        });
      }
      default -> throw new IllegalStateException(lane.label());
    }
  }

  private String awaitDiscovery(BlockingQueue<String> lines) throws IOException {
    long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String line = lines.poll(50, TimeUnit.MILLISECONDS);
        if (line != null) {
          return line;
        }
        if (!process.isAlive()) {
          String last = lines.poll(200, TimeUnit.MILLISECONDS);
          if (last != null) {
            return last;
          }
          throw new IOException("client_worker exited with status " + process.exitValue()
              + " before announcing its " + lane.label() + " address: " + String.join(" ", command));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the worker", e);
    }
    throw new IOException("client_worker printed no discovery line within " + DISCOVERY_TIMEOUT.toSeconds() + " s");
  }

  private static String expect(String discovery, String prefix) throws IOException {
    if (!discovery.startsWith(prefix)) {
      throw new IOException("expected a discovery line starting with " + prefix + ", got '" + discovery + "'");
    }
    return discovery.substring(prefix.length());
  }

  private static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1).strip()));
  }

  /** One attempt to reach the worker. */
  @FunctionalInterface
  private interface Attempt {
    void run() throws IOException;
  }

  private void awaitReady(Attempt attempt) throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        attempt.run();
        return;
      } catch (IOException e) {
        last = e;
      }
      if (!process.isAlive()) {
        throw new IOException("client_worker exited with status " + process.exitValue() + " before accepting");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the worker", e);
      }
    }
    throw new IOException("client_worker did not accept within " + READY_TIMEOUT.toSeconds() + " s", last);
  }

  private void pump(java.io.InputStream stream, Consumer<String> sink) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    Thread thread = new Thread(() -> {
      try (reader) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // the worker ended
      }
    }, "client-worker-" + lane.label());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Opens arrow-rpc's client to the worker (for a pipe, launches the worker).
   *
   * @param allocator the client's allocator (the caller checks it returns to zero)
   * @return the client; closing it ends a pipe worker
   * @throws IOException when the worker cannot be reached
   */
  RpcClient connect(BufferAllocator allocator) throws IOException {
    return switch (lane) {
      case PIPE -> RpcClient.builder(Subprocess.builder(command)
              .stderr(line -> System.err.println("[client-worker pipe] " + line)).launch())
          .allocator(allocator).build();
      case UNIX -> RpcClient.builder(UnixSocket.connect(Path.of(address))).allocator(allocator).build();
      case TCP -> RpcClient.builder(Tcp.connect(socketAddress(address))).allocator(allocator).build();
      case HTTP -> HttpRpc.builder(baseUrl()).allocator(allocator).build();
    };
  }

  /** Ends a listening worker: SIGTERM, then a forced kill if it lingers. Idempotent. */
  @Override
  public void close() {
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
        running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (lane == Lane.UNIX && !address.isEmpty()) {
      try {
        Files.deleteIfExists(Path.of(address));
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  @Override
  public String toString() {
    return "client_worker " + lane.label() + (prefix.isEmpty() ? "" : " " + prefix);
  }
}
