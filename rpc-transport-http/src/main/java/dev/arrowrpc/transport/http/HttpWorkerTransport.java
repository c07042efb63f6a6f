package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.runtime.WorkerTransport;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code --http} for any worker that serves through {@code Workers.serve}: the flags of {@link
 * HttpWorker} ({@code --host}, {@code --port}, {@code --prefix}, ...), {@code PORT:<port>} on standard
 * output, served until SIGTERM or SIGINT. Registered for {@link java.util.ServiceLoader}.
 */
public final class HttpWorkerTransport implements WorkerTransport {
  /** For {@link java.util.ServiceLoader}. */
  public HttpWorkerTransport() {}

  @Override
  public String flag() {
    return "--http";
  }

  @Override
  public void serve(RpcServer server, List<String> args, PrintStream out) throws InterruptedException {
    HttpWorker.run(server, HttpWorker.Options.parse(args), out);
  }
}
