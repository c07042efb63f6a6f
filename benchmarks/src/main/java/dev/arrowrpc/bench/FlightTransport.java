package dev.arrowrpc.bench;

import java.util.Optional;

/**
 * Arrow Flight ({@code rpc-transport-flight}): not started yet, so its rows read "not yet
 * available".
 *
 * <p>To enable it: start the target's Flight server, keep one {@code DoExchange} open for many
 * calls (a new exchange per call costs 0.5–1 ms here), warm up with a few thousand batches, and
 * compare with a raw Flight {@code DoExchange} echo.
 */
public final class FlightTransport implements BenchTransport {
  private static final String SERVER_CLASS = "dev.arrowrpc.transport.flight.FlightRpcServer";

  /** Creates the transport. */
  public FlightTransport() {}

  @Override
  public String name() {
    return "flight";
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return Optional.of(Modules.present(SERVER_CLASS)
        ? "rpc-transport-flight is on the class path but this harness does not drive it yet"
        : "not yet available (module rpc-transport-flight is not started)");
  }

  @Override
  public Connection open(Target target) {
    throw new UnsupportedOperationException(unavailable(target).orElseThrow());
  }
}
