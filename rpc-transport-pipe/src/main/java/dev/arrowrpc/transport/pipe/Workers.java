package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.shm.ShmConnection;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

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
