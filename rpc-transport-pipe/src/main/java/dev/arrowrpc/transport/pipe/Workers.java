package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.runtime.JsonlAccessLog;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.runtime.WorkerTransport;
import dev.arrowrpc.core.shm.ShmConnection;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The worker side of a subprocess: serves a service on the process's stdin and stdout.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Workers.serveStdio(Calculator.class, new CalculatorImpl());
 * }
 * }</pre>
 *
 * <p>Stdout carries the binary protocol, so serving first points {@link System#out} at {@link
 * System#err}: a stray {@code System.out.println} in service code lands on stderr (where the client
 * logs it) instead of corrupting the stream. {@link System#in} is replaced by an empty stream for the
 * same reason. Output printed to {@code System.out} <em>before</em> the call still reaches stdout
 * and breaks the protocol, so keep {@code main} quiet until then.
 *
 * <p>{@link #serve(String[], Class, Object)} serves as its command line asks: on stdin/stdout by
 * default, or, started by a {@link WorkerLauncher} (or the reference's {@code vgi-rpc launch}) with
 * {@code --unix PATH --idle-timeout SECONDS}, as a warm worker on that Unix-domain socket; with
 * {@code --access-log PATH} it appends one JSON record per call (the reference's access-log format).
 */
public final class Workers {
  private Workers() {}

  /**
   * Serves an implementation on stdin/stdout until the client closes stdin, then returns. The server
   * is created with its own allocator and closed on return, so leaked Arrow memory shows as an
   * exception (and a non-zero exit status).
   *
   * @param service the {@code @RpcService} interface
   * @param implementation the object serving it
   * @param <T> the service type
   * @throws IllegalArgumentException when the interface cannot be served
   * @throws UncheckedIOException when stdin or stdout fails before a clean end of input
   */
  public static <T> void serveStdio(Class<T> service, T implementation) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(implementation, "implementation");
    redirectStdout();
    try (RpcServer server = RpcServer.create(service, implementation)) {
      serveStdio(server);
    }
  }

  /**
   * Serves a configured server on stdin/stdout until the client closes stdin, then returns. The
   * server stays open; the caller closes it.
   *
   * @param server the server
   * @throws UncheckedIOException when stdin or stdout fails before a clean end of input
   */
  public static void serveStdio(RpcServer server) {
    Objects.requireNonNull(server, "server");
    OutputStream out = redirectStdout();
    InputStream in = detachStdin();
    // the client shares this host's memory: its connection may use a shared-memory segment
    try (ShmConnection shm = ShmConnection.open(ShmSegment::attach)) {
      server.serve(in, out, "", TransportKind.PIPE);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("stdio worker failed: " + e.getMessage(), e);
    }
  }

  /**
   * Serves an implementation as the worker's command line asks, then returns (the server is closed
   * on return, as by {@link #serveStdio(Class, Object)}). Without arguments it serves on
   * stdin/stdout. With {@code --unix PATH} it is a warm worker of the launcher contract: it
   * listens on that socket (replacing a stale one), prints one line {@code UNIX:<absolute path>}
   * to stdout once listening and nothing else there, serves any number of clients, and returns
   * after {@code --idle-timeout SECONDS} (default {@code $VGI_RPC_IDLE_TIMEOUT}, else 300; 0:
   * never) with no client connected, deleting its socket. Before the first client it waits at
   * least 60 s. {@code --max-connections N} (default {@code $VGI_RPC_MAX_CONNECTIONS}, else 64)
   * caps the clients served at once. {@code --access-log PATH} appends one JSON line per call in
   * the reference's access-log format ({@code --access-log-debug}: the access channel at DEBUG), as
   * the porting guide asks every worker to. Flags may also be written {@code --flag=value}.
   *
   * <pre>{@code
   * public static void main(String[] args) {
   *   Workers.serve(args, Calculator.class, new CalculatorImpl());
   * }
   * }</pre>
   *
   * @param args the worker's command-line arguments
   * @param service the {@code @RpcService} interface
   * @param implementation the object serving it
   * @param <T> the service type
   * @throws IllegalArgumentException when an argument is unknown or malformed, or the interface
   *     cannot be served
   * @throws UncheckedIOException when the socket cannot be bound (for example another worker
   *     listens on it) or stdin/stdout fail
   */
  public static <T> void serve(String[] args, Class<T> service, T implementation) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(implementation, "implementation");
    Optional<WorkerTransport> other = otherTransport(args);
    WorkerArgs parsed = other.isPresent() ? WorkerArgs.accessLogOf(args) : WorkerArgs.parse(args, System.getenv());
    OutputStream out = redirectStdout();
    JsonlAccessLog log = null;
    if (parsed.accessLog().isPresent()) {
      try {
        log = JsonlAccessLog.append(parsed.accessLog().get(), parsed.accessLogDebug());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the access log " + parsed.accessLog().get() + ": "
            + e.getMessage(), e);
      }
    }
    RpcServer.Builder builder = RpcServer.builder(service, implementation);
    if (log != null) {
      builder.listener(log);
    }
    try (JsonlAccessLog records = log; RpcServer server = builder.build()) {
      if (other.isPresent()) {
        serve(other.get(), WorkerArgs.withoutAccessLog(args), server, out);
      } else {
        serve(parsed, server, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the access log: " + e.getMessage(), e);
    }
  }

  /**
   * Serves a configured server as the worker's command line asks, as {@link #serve(String[], Class,
   * Object)} does. The server stays open; the caller closes it.
   *
   * @param args the worker's command-line arguments
   * @param server the server
   * @throws IllegalArgumentException when an argument is unknown or malformed
   * @throws UncheckedIOException when the socket cannot be bound or stdin/stdout fail
   */
  public static void serve(String[] args, RpcServer server) {
    Objects.requireNonNull(server, "server");
    Optional<WorkerTransport> other = otherTransport(args);
    WorkerArgs parsed = other.isPresent() ? WorkerArgs.accessLogOf(args) : WorkerArgs.parse(args, System.getenv());
    if (parsed.accessLog().isPresent()) {
      throw new IllegalArgumentException("--access-log needs a server built here: call serve(args, service,"
          + " implementation), or give your builder listener(JsonlAccessLog.append(path))");
    }
    if (other.isPresent()) {
      serve(other.get(), List.of(args), server, redirectStdout());
    } else {
      serve(parsed, server, redirectStdout());
    }
  }

  /**
   * Serves TCP on the address asked for, prints {@code TCP:<host>:<port>} on stdout once listening (as
   * the reference's workers do), and returns when SIGTERM or SIGINT has closed the listener.
   */
  private static void serveTcp(RpcServer server, WorkerArgs args, OutputStream out) {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    TcpServer tcp;
    try {
      tcp = TcpServer.builder(server).address(args.tcp().get()).maxConnections(args.maxConnections()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + args.tcp().get() + ": " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      tcp.close();
      stopped.countDown();
    }, "tcp-worker-shutdown"));
    PrintStream line = new PrintStream(out, true, StandardCharsets.UTF_8);
    line.println("TCP:" + tcp.address().getHostString() + ":" + tcp.port());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      tcp.close();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The transport of another module that the command line asks for by its flag ({@code --http} with
   * rpc-transport-http on the class path), if any.
   */
  private static Optional<WorkerTransport> otherTransport(String[] args) {
    for (WorkerTransport transport : ServiceLoader.load(WorkerTransport.class, Workers.class.getClassLoader())) {
      String flag = transport.flag();
      for (String arg : args) {
        if (arg.equals(flag) || arg.startsWith(flag + "=")) {
          return Optional.of(transport);
        }
      }
    }
    return Optional.empty();
  }

  /** Serves on another module's transport until the process is told to stop. */
  private static void serve(WorkerTransport transport, List<String> args, RpcServer server, OutputStream out) {
    detachStdin();
    try {
      transport.serve(server, args, new PrintStream(out, true, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new UncheckedIOException(new IOException(transport.flag() + " worker failed: " + e.getMessage(), e));
    }
  }

  private static void serve(WorkerArgs args, RpcServer server, OutputStream out) {
    if (args.tcp().isPresent()) {
      detachStdin();
      serveTcp(server, args, out);
      return;
    }
    if (args.unix().isEmpty()) {
      serveStdio(server);
      return;
    }
    detachStdin();
    try {
      WarmWorker.serve(server, args.unix().get(), args.idleTimeout(), args.maxConnections(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("warm worker failed: " + e.getMessage(), e);
    }
  }

  /**
   * Points {@code System.out} at {@code System.err} and returns a stream onto the real stdout.
   * Idempotent: the file descriptor stays the same however often {@code System.out} is swapped.
   */
  private static synchronized OutputStream redirectStdout() {
    if (System.out != System.err) {
      System.out.flush();
      System.setOut(System.err);
    }
    return StdioStreams.output(new FileOutputStream(FileDescriptor.out));
  }

  /** Replaces {@code System.in} with an empty stream and returns a stream onto the real stdin. */
  private static synchronized InputStream detachStdin() {
    System.setIn(InputStream.nullInputStream());
    return StdioStreams.input(new FileInputStream(FileDescriptor.in));
  }
}
