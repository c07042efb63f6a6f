package dev.arrowrpc.bench;

import dev.arrowrpc.transport.flight.FlightRpc;
import java.util.List;
import java.util.Optional;

/**
 * Arrow Flight ({@code rpc-transport-flight}): the benchmark worker serving {@code FlightRpcServer}
 * on loopback ({@code --flight 127.0.0.1:0}, announcing {@code PORT:<port>}), and the typed client
 * over {@link FlightRpc} (every call one DoExchange; a stream keeps its DoExchange open until it
 * ends). Its raw baselines, a bare {@code FlightProducer} ({@link RawFlight}), are measured by
 * {@link FlightBench}, interleaved with the three Flight targets of issue 15.
 */
public final class FlightTransport implements BenchTransport {
  private static final String HOST = "127.0.0.1";

  /** Creates the transport. */
  public FlightTransport() {}

  @Override
  public String name() {
    return "flight";
  }

  /**
   * A quick run measures the unary noop, a stream of 20 rounds and a small bulk exchange (the
   * issue-15 targets have their own quick variant, see {@link FlightBench}).
   *
   * @return the workload ids
   */
  @Override
  public Optional<List<String>> quickWorkloads() {
    return Optional.of(List.of("noop", "exchange20", "echo_stream_10k"));
  }

  @Override
  public Optional<String> unavailable(Target target) {
    if (target.unavailable().isPresent()) {
      return target.unavailable();
    }
    return target.servesFlight() ? Optional.empty()
        : Optional.of("not served (this worker has no Flight server)");
  }

  @Override
  public Connection open(Target target) throws Exception {
    Launcher.SocketWorker worker = Launcher.socketWorker(target.command(List.of("--flight", HOST + ":0")), "PORT:");
    try {
      return Connection.of(FlightRpc.connect("grpc+tcp://" + HOST + ":" + worker.announced()), worker);
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
  }
}
