package dev.arrowrpc.conformance;

import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Flight interop test server (issue 15, {@code conformance/run-flight-interop.sh}): the Java
 * {@link ConformanceService} with {@code conformance.Secondary.v1}, as the conformance worker hosts
 * them, behind a {@link FlightRpcServer} on a free port of localhost. Prints {@code PORT:<port>} on
 * stdout first, serves until stdin closes or the process is terminated, then closes the servers and
 * exits non-zero (printing {@code LEAK: ...} on stdout) when any one's memory is not empty.
 *
 * <p>The secured servers serve a second {@link RpcServer} (the same protocols plus {@link
 * WhoamiService} and {@link KindProbeService}, so a case sees what its credentials became):
 *
 * <ul>
 *   <li>always, an authenticating server: bearer token {@value #BEARER_TOKEN} (principal {@value
 *       #BEARER_PRINCIPAL}, domain {@code bearer}) through the core authenticator, and the basic-token
 *       handshake for user {@value #BASIC_USER}, password {@value #BASIC_PASSWORD} (domain {@code basic});
 *       its port follows as {@code AUTH_PORT:<port>};
 *   <li>with {@code --tls CERT.pem KEY.pem}, a TLS server ({@code TLS_PORT:<port>}), and with {@code
 *       --client-ca CA.pem} too, a mutual-TLS server requiring a client certificate from that authority
 *       ({@code MTLS_PORT:<port>}); neither authenticates.
 * </ul>
 */
public final class FlightInteropServer {
  /** The bearer token the authenticating server accepts. */
  static final String BEARER_TOKEN = "interop-token";
  /** Who presents {@link #BEARER_TOKEN}. */
  static final String BEARER_PRINCIPAL = "interop-bearer";
  /** The basic-token handshake's user. */
  static final String BASIC_USER = "interop";
  /** The basic-token handshake's password. */
  static final String BASIC_PASSWORD = "interop-password";

  private FlightInteropServer() {}

  private static Optional<Identity> basicLogin(String user, String password) {
    boolean ok = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), BASIC_USER.getBytes(StandardCharsets.UTF_8))
        & MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
            BASIC_PASSWORD.getBytes(StandardCharsets.UTF_8));
    return ok ? Optional.of(Identity.of(user, "basic")) : Optional.empty();
  }

  /**
   * Runs the server.
   *
   * @param args {@code [--tls CERT.pem KEY.pem [--client-ca CA.pem]]}
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    Optional<Path> cert = Optional.empty();
    Optional<Path> key = Optional.empty();
    Optional<Path> clientCa = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tls" -> {
          cert = Optional.of(Path.of(args[++i]));
          key = Optional.of(Path.of(args[++i]));
        }
        case "--client-ca" -> clientCa = Optional.of(Path.of(args[++i]));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (usage: [--tls CERT.pem KEY.pem [--client-ca CA.pem]])");
      }
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // stdout carries only the PORT line and the verdict
    RootAllocator memory = new RootAllocator();
    RpcServer server = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl())
        .protocol(SecondaryService.class, new SecondaryServiceImpl())
        .allocator(memory)
        .build();
    FlightRpcServer flight = FlightRpcServer.builder(server).start();
    RootAllocator securedMemory = new RootAllocator();
    RpcServer secured = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl())
        .protocol(SecondaryService.class, new SecondaryServiceImpl())
        .protocol(WhoamiService.class, new WhoamiServiceImpl())
        .protocol(KindProbeService.class, new KindProbeService.Impl())
        .allocator(securedMemory)
        .build();
    List<String> lines = new ArrayList<>();
    List<FlightRpcServer> securedServers = new ArrayList<>();
    FlightRpcServer auth = FlightRpcServer.builder(secured)
        .authenticator(BearerTokenAuthenticator.of(BEARER_TOKEN, BEARER_PRINCIPAL))
        .basicLogin(FlightInteropServer::basicLogin)
        .start();
    securedServers.add(auth);
    lines.add("AUTH_PORT:" + auth.port());
    if (cert.isPresent()) {
      FlightRpcServer tls = FlightRpcServer.builder(secured).tls(cert.get(), key.orElseThrow()).start();
      securedServers.add(tls);
      lines.add("TLS_PORT:" + tls.port());
      if (clientCa.isPresent()) {
        FlightRpcServer mtls = FlightRpcServer.builder(secured).tls(cert.get(), key.orElseThrow())
            .mutualTls(clientCa.get()).start();
        securedServers.add(mtls);
        lines.add("MTLS_PORT:" + mtls.port());
      }
    }
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger status = new AtomicInteger();
    CountDownLatch closed = new CountDownLatch(1);
    Thread shutdown = new Thread(() -> {
      stop.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "flight-interop-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    Thread stdin = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // ignore whatever the runner writes: only the end of input matters
        }
      } catch (IOException e) {
        // a broken stdin ends the server as its end does
      }
      stop.countDown();
    }, "flight-interop-stdin");
    stdin.setDaemon(true);
    stdin.start();
    out.println("PORT:" + flight.port());
    lines.forEach(out::println);
    stop.await();
    try {
      try {
        flight.close(); // throws when the Flight server's memory leaked
      } catch (RuntimeException e) {
        out.println("LEAK: Flight server memory not empty on close: " + e.getMessage());
        status.set(1);
      }
      for (FlightRpcServer each : securedServers) {
        try {
          each.close();
        } catch (RuntimeException e) {
          out.println("LEAK: secured Flight server memory not empty on close: " + e.getMessage());
          status.set(1);
        }
      }
      secured.close();
      long securedLeft = securedMemory.getAllocatedMemory();
      if (securedLeft != 0) {
        out.println("LEAK: secured RpcServer memory not empty on close: " + securedLeft + " bytes");
        status.set(1);
      } else {
        securedMemory.close();
      }
      server.close();
      long left = memory.getAllocatedMemory();
      if (left != 0) {
        out.println("LEAK: RpcServer memory not empty on close: " + left + " bytes");
        status.set(1);
      } else {
        memory.close();
      }
      if (status.get() == 0) {
        out.println("CLOSED: allocators empty");
      }
    } finally {
      closed.countDown();
    }
    Runtime.getRuntime().halt(status.get());
  }
}
