package dev.arrowrpc.conformance;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One cell of the client matrix: a conformance worker of one implementation ({@link Peer}) reached
 * over one {@link Transport}. {@link #start} launches the worker (for sockets and HTTP it waits for
 * the discovery line and for the socket to accept), {@link #connect} opens an arrow-rpc client to
 * it, {@link #close} ends the worker. A cell the peer cannot serve throws {@link Unsupported} from
 * {@link #start}, with the reason.
 */
final class PeerEndpoint implements AutoCloseable {
  private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /** The channels a worker can be reached over. */
  enum Transport {
    /** The worker's stdin and stdout ({@link Subprocess}). */
    PIPE,
    /** A Unix-domain socket ({@link UnixSocket}). */
    UNIX,
    /** A TCP socket on loopback ({@link Tcp}). */
    TCP,
    /** HTTP on loopback ({@link HttpRpc}). */
    HTTP;

    /** The lower-case name used on command lines and in the matrix output. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The transport with the given label. */
    static Transport of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  /** The implementations whose conformance workers the matrix drives, and their flags. */
  enum Peer {
    /** The reference's own worker, {@code vgi-rpc-conformance} from the pinned pip package. */
    PYTHON,
    /** The Go implementation's worker, {@code vgi-rpc-conformance-go}. */
    GO,
    /** This project's worker, {@code conformance/bin/conformance-worker}. */
    JAVA;

    /** The lower-case name used on command lines and in the matrix output. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The peer with the given label. */
    static Peer of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /**
     * The arguments that make this peer's worker serve a transport: the reference worker only
     * answers {@code __describe__} with {@code --describe}; each announces a listening socket on its
     * first stdout line ({@code UNIX:}, {@code TCP:}, {@code PORT:}).
     */
    List<String> arguments(Transport transport, Path socket) {
      List<String> args = new ArrayList<>();
      if (this == PYTHON) {
        args.add("--describe");
      }
      switch (transport) {
        case PIPE -> { }
        case UNIX -> args.addAll(List.of("--unix", socket.toString()));
        case TCP -> args.addAll(List.of("--tcp", "127.0.0.1:0"));
        case HTTP -> args.addAll(this == PYTHON ? List.of("--http", "0") : List.of("--http", "--port", "0"));
      }
      return args;
    }
  }

  /** The cell cannot run: the peer is missing or does not serve the transport. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the refusal with its reason. */
    Unsupported(String reason) {
      super(reason);
    }
  }

  private final Peer peer;
  private final Transport transport;
  private final List<String> command;
  private final Path scratch;
  private final Consumer<String> stderr;
  private Process listening;
  private String address;

  private PeerEndpoint(Peer peer, Transport transport, List<String> command, Path scratch, Consumer<String> stderr) {
    this.peer = peer;
    this.transport = transport;
    this.command = command;
    this.scratch = scratch;
    this.stderr = stderr;
  }

  /**
   * Starts a cell's worker (for a pipe, the worker is started by each {@link #connect}).
   *
   * @param peer whose worker
   * @param transport the channel
   * @param workerCommand the worker's program (and any fixed arguments)
   * @param scratch a directory for the Unix socket
   * @param stderr receives the worker's stderr lines
   * @return the running endpoint
   * @throws Unsupported when the worker refuses the transport or never announces it
   * @throws IOException when the worker cannot be started
   */
  static PeerEndpoint start(Peer peer, Transport transport, List<String> workerCommand, Path scratch,
      Consumer<String> stderr) throws Unsupported, IOException {
    PeerEndpoint endpoint = new PeerEndpoint(peer, transport, workerCommand, scratch, stderr);
    if (transport != Transport.PIPE) {
      try {
        endpoint.listen();
      } catch (Unsupported | IOException | RuntimeException e) {
        endpoint.close();
        throw e;
      }
    }
    return endpoint;
  }

  /** The worker's command line for this cell. */
  List<String> commandLine() {
    List<String> line = new ArrayList<>(command);
    line.addAll(peer.arguments(transport, scratch.resolve(peer.label() + ".sock")));
    return line;
  }

  /** Where the worker listens ({@code host:port}, a socket path or a URL); empty for a pipe. */
  String address() {
    return address == null ? "" : address;
  }

  /** The peer. */
  Peer peer() {
    return peer;
  }

  /** The transport. */
  Transport transport() {
    return transport;
  }

  private void listen() throws Unsupported, IOException {
    ProcessBuilder builder = new ProcessBuilder(commandLine());
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    listening = process;
    process.getOutputStream().close();
    pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr, "stderr");
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
        line -> lines.offer(line), "stdout");
    String discovery = awaitDiscovery(process, lines);
    switch (transport) {
      case UNIX -> {
        String path = expect(discovery, "UNIX:");
        // the reference worker announces the path before it binds: wait until a connection succeeds
        awaitReady(process, () -> UnixSocket.connect(Path.of(path)).close());
        address = path;
      }
      case TCP -> {
        String hostPort = expect(discovery, "TCP:");
        InetSocketAddress target = socketAddress(hostPort);
        awaitReady(process, () -> probe(target));
        address = hostPort;
      }
      case HTTP -> {
        int port = Integer.parseInt(expect(discovery, "PORT:").strip());
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        // the reference worker prints its port before the server binds it
        awaitReady(process, () -> probe(target));
        address = "http://127.0.0.1:" + port;
      }
      default -> throw new IllegalStateException(transport.label());
    }
  }

  private String awaitDiscovery(Process process, BlockingQueue<String> lines) throws Unsupported, IOException {
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
          int status = process.exitValue();
          if (status == 2) {
            throw new Unsupported(peer.label() + " worker rejects " + String.join(" ",
                peer.arguments(transport, Path.of("PATH"))) + " (exit status 2: no " + transport.label() + " transport)");
          }
          throw new IOException(peer.label() + " worker exited with status " + status
              + " before announcing its " + transport.label() + " address");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the worker", e);
    }
    throw new Unsupported(peer.label() + " worker printed no " + transport.label()
        + " discovery line within " + DISCOVERY_TIMEOUT.toSeconds() + " s (it may not serve " + transport.label() + ")");
  }

  private String expect(String discovery, String prefix) throws IOException {
    if (!discovery.startsWith(prefix)) {
      throw new IOException("expected a discovery line starting with " + prefix + ", got '" + discovery + "'");
    }
    return discovery.substring(prefix.length());
  }

  private static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1).strip()));
  }

  private static void probe(InetSocketAddress target) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(target, 1000);
    }
  }

  /** An attempt to reach the worker. */
  @FunctionalInterface
  private interface Attempt {
    void run() throws IOException;
  }

  private void awaitReady(Process process, Attempt attempt) throws IOException {
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
        throw new IOException(peer.label() + " worker exited with status " + process.exitValue() + " before accepting");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the worker", e);
      }
    }
    throw new IOException(peer.label() + " worker did not accept within " + READY_TIMEOUT.toSeconds() + " s", last);
  }

  private static void pump(BufferedReader reader, Consumer<String> sink, String what) {
    Thread thread = new Thread(() -> {
      try (reader) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // the worker ended
      }
    }, "peer-" + what);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Opens a client to the worker: launches a pipe worker, or connects to the listening one.
   *
   * @param allocator the client's allocator (the caller checks it returns to zero)
   * @param onLog receives the server's log messages
   * @return the client; closing it ends a pipe worker
   * @throws IOException when the worker cannot be reached
   */
  RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) throws IOException {
    switch (transport) {
      case HTTP -> {
        return HttpRpc.builder(address).allocator(allocator).onLog(onLog).build();
      }
      case PIPE -> {
        ByteTransport worker = Subprocess.builder(commandLine()).stderr(stderr).launch();
        return RpcClient.builder(worker).allocator(allocator).onLog(onLog).build();
      }
      case UNIX -> {
        return RpcClient.builder(UnixSocket.connect(Path.of(address))).allocator(allocator).onLog(onLog).build();
      }
      case TCP -> {
        InetSocketAddress target = socketAddress(address);
        return RpcClient.builder(Tcp.connect(target)).allocator(allocator).onLog(onLog).build();
      }
      default -> throw new IllegalStateException(transport.label());
    }
  }

  /** Ends a listening worker: SIGTERM, then a forced kill if it lingers. Idempotent. */
  @Override
  public void close() {
    Process process = listening;
    listening = null;
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (transport == Transport.UNIX && address != null) {
      try {
        Files.deleteIfExists(Path.of(address));
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  @Override
  public String toString() {
    return peer.label() + " " + transport.label();
  }

  /** The cell key used by system properties: {@code peer:transport}. */
  static Map.Entry<Peer, Transport> parseCell(String cell) {
    String[] parts = cell.split(":", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException("a cell is peer:transport, got '" + cell + "'");
    }
    return Map.entry(Peer.of(parts[0]), Transport.of(parts[1]));
  }
}
