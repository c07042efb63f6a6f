package dev.arrowrpc.conformance;

import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Flight interop test server (issue 15, {@code conformance/run-flight-interop.sh}): the Java
 * {@link ConformanceService} with {@code conformance.Secondary.v1}, as the conformance worker hosts
 * them, behind a {@link FlightRpcServer} on a free port of localhost. Prints {@code PORT:<port>} on
 * stdout first, serves until stdin closes or the process is terminated, then closes both servers and
 * exits non-zero (printing {@code LEAK: ...} on stdout) when either one's memory is not empty.
 */
public final class FlightInteropServer {
  private FlightInteropServer() {}

  /**
   * Runs the server.
   *
   * @param args none
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // stdout carries only the PORT line and the verdict
    RootAllocator memory = new RootAllocator();
    RpcServer server = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl())
        .protocol(SecondaryService.class, new SecondaryServiceImpl())
        .allocator(memory)
        .build();
    FlightRpcServer flight = FlightRpcServer.builder(server).start();
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
    stop.await();
    try {
      try {
        flight.close(); // throws when the Flight server's memory leaked
      } catch (RuntimeException e) {
        out.println("LEAK: Flight server memory not empty on close: " + e.getMessage());
        status.set(1);
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
