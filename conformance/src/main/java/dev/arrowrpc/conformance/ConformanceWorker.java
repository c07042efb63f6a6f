package dev.arrowrpc.conformance;

import dev.arrowrpc.core.runtime.JsonlAccessLog;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.http.HttpWorker;
import dev.arrowrpc.transport.pipe.TcpServer;
import dev.arrowrpc.transport.pipe.UnixSocketServer;
import dev.arrowrpc.transport.pipe.Workers;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The conformance worker executable ({@code conformance/bin/conformance-worker}): serves {@link
 * ConformanceService} on stdio, a Unix socket, TCP or HTTP as the reference's conformance runner
 * ({@code vgi-rpc-test}) expects. See {@link WorkerOptions#USAGE} for the flags.
 *
 * <p>On a socket the first line on stdout is the discovery line ({@code UNIX:<path>}, {@code
 * TCP:<host>:<port>} or, over HTTP, {@code PORT:<port>}), printed once the socket listens; the
 * worker then serves until SIGTERM or SIGINT, on which it closes the socket (removing a Unix
 * socket's file; over HTTP after draining the requests in flight). On stdio it serves until stdin
 * ends. Exit status: 0 when stdin ends cleanly, 143 (the JVM's) after SIGTERM, 2 on a bad command
 * line, 1 when serving failed.
 *
 * <p>Over HTTP no stream lives on the server between requests: every stream state is serialized
 * into the token the client echoes ({@link dev.arrowrpc.core.server.StateCodec}), so workers
 * started with the same {@code --token-key} resume each other's streams.
 */
public final class ConformanceWorker {
  private ConformanceWorker() {}

  /**
   * Runs the worker.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    WorkerOptions options;
    StorageOptions storage;
    try {
      options = WorkerOptions.parse(List.of(args));
      storage = StorageOptions.parse(List.of(args));
    } catch (WorkerOptions.UsageException e) {
      System.err.println("conformance-worker: " + e.getMessage());
      System.err.println(WorkerOptions.USAGE);
      System.exit(2);
      return;
    }
    Optional<IdentityFixture.Mode> identity;
    try {
      identity = IdentityFixture.mode(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("conformance-worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    int status;
    try {
      status = run(options, identity, storage);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("conformance-worker: " + e);
      status = 1;
    }
    System.exit(status);
  }

  private static int run(WorkerOptions options, Optional<IdentityFixture.Mode> identity,
      StorageOptions storageOptions)
      throws IOException, InterruptedException {
    if (options.trainingStamp().isPresent()) {
      CdsTraining.run(options.trainingStamp().get());
      return 0;
    }
    Optional<JsonlAccessLog> accessLog = options.accessLog().isPresent()
        ? Optional.of(JsonlAccessLog.append(options.accessLog().get(), options.accessLogDebug()))
        : Optional.empty();
    // the application protocols, in the reference's order: the conformance service, then the second
    // one (or the other way round, a registration order that is not alphabetical)
    Optional<FakeStorage> storage = storageOptions.storage();
    ConformanceServiceImpl conformance = new ConformanceServiceImpl();
    storage.ifPresent(conformance::publishThrough);
    RpcServer.Builder builder = options.secondaryFirst()
        ? RpcServer.builder(SecondaryService.class, new SecondaryServiceImpl())
            .protocol(ConformanceService.class, conformance)
        : RpcServer.builder(ConformanceService.class, conformance)
            .protocol(SecondaryService.class, new SecondaryServiceImpl());
    if (options.kindProbe()) {
      builder.protocol(KindProbeService.class, new KindProbeService.Impl());
    }
    DiagnosticsService.Impl diagnostics = new DiagnosticsService.Impl();
    if (options.diagnostics()) {
      builder.protocol(DiagnosticsService.class, diagnostics);
    }
    accessLog.ifPresent(builder::listener);
    identity.ifPresent(mode -> {
      builder.identity(IdentityFixture.config(mode));
      if (mode == IdentityFixture.Mode.GRANTS) {
        builder.protocol(WhoamiService.class, new WhoamiServiceImpl());
      }
    });
    try (RpcServer server = builder.build()) {
      diagnostics.watch(server.allocator());
      server.external(storageOptions.locations(storage));
      WorkerOptions.Transport transport = options.transport();
      if (transport instanceof WorkerOptions.Unix unix) {
        serveUntilSignalled(UnixSocketServer.start(server, unix.path()), "UNIX:" + unix.path());
      } else if (transport instanceof WorkerOptions.Tcp tcp) {
        TcpServer listening = TcpServer.start(server, new InetSocketAddress(tcp.host(), tcp.port()));
        serveUntilSignalled(listening, "TCP:" + tcp.host() + ":" + listening.port());
      } else if (transport instanceof WorkerOptions.Http http) {
        // the PORT line is all stdout carries; anything else printed goes to stderr
        PrintStream stdout = System.out;
        System.setOut(System.err);
        // the identity fixture names its callers by header, as --sticky-auth does
        HttpWorker.run(server, http.options(), httpServer -> {
          http.sticky().apply(httpServer);
          identity.ifPresent(mode -> httpServer.authenticator(IdentityFixture.AUTHENTICATOR));
          storage.ifPresent(store -> {
            httpServer.uploadUrls(store, StorageOptions.MAX_UPLOAD_BYTES);
            if (http.options().maxRequestBytes().isEmpty()) {
              // as the reference's storage worker: requests above the threshold go through storage
              httpServer.maxRequestBytes(storageOptions.thresholdBytes());
            }
          });
          return httpServer;
        }, stdout);
      } else {
        Workers.serveStdio(server);
      }
    } finally {
      if (accessLog.isPresent()) {
        accessLog.get().close();
      }
    }
    return 0;
  }

  /**
   * Announces a listening socket on stdout, then waits for SIGTERM or SIGINT and closes it. Stdout
   * carries nothing else.
   */
  private static void serveUntilSignalled(AutoCloseable listening, String discoveryLine) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close(listening);
      stopped.countDown();
    }, "conformance-worker-shutdown"));
    PrintStream stdout = System.out;
    stdout.println(discoveryLine);
    stdout.flush();
    System.setOut(System.err);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(listening);
    }
  }

  private static void close(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      System.err.println("conformance-worker: closing " + resource + ": " + e);
    }
  }
}
