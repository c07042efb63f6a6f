package dev.arrowrpc.bench;

import java.util.Optional;

/**
 * HTTP ({@code rpc-transport-http}): not wired in yet, so its rows read "not yet available".
 *
 * <p>To enable it once the module exists: add it as a dependency of this module, start the target
 * with its HTTP server (in process for Java targets, {@code --http PORT} for workers), connect the
 * HTTP client (with {@code TCP_NODELAY}), and return {@link Connection#of} over that client;
 * {@link #baseline()} should then name the raw Undertow + OkHttp round trip.
 */
public final class HttpTransport implements BenchTransport {
  private static final String SERVER_CLASS = "dev.arrowrpc.transport.http.HttpRpcServer";

  /** Creates the transport. */
  public HttpTransport() {}

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return Optional.of(Modules.present(SERVER_CLASS)
        ? "rpc-transport-http is on the class path but this harness does not drive it yet"
        : "not yet available (rpc-transport-http is not wired into the benchmarks yet)");
  }

  @Override
  public Connection open(Target target) {
    throw new UnsupportedOperationException(unavailable(target).orElseThrow());
  }
}
