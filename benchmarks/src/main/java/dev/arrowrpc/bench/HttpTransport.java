package dev.arrowrpc.bench;

import dev.arrowrpc.transport.http.HttpRpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Optional;

/**
 * HTTP ({@code rpc-transport-http}): a worker process serving HTTP on loopback, started with the
 * reference worker's {@code --http 0} and announcing {@code PORT:<port>} (this project's benchmark
 * worker and conformance worker run {@code HttpRpcServer}; the Python reference runs its WSGI app
 * under waitress), and {@link HttpRpc}'s default client: OkHttp with TCP_NODELAY and a pooled
 * keep-alive connection, so calls after the first reuse one connection. Compared with the raw
 * Undertow + OkHttp round trip ({@link RawHttp}).
 */
public final class HttpTransport implements BenchTransport {
  private static final String HOST = "127.0.0.1";

  /** Creates the transport. */
  public HttpTransport() {}

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Optional<Baselines.Channel> baseline() {
    return Optional.of(Baselines.Channel.HTTP);
  }

  /**
   * A quick run measures the target's workload ({@code noop}), a stream (each of its 20 rounds is a
   * request carrying the stream's state in a signed token) and a small bulk exchange.
   *
   * @return the workload ids
   */
  @Override
  public Optional<List<String>> quickWorkloads() {
    return Optional.of(List.of("noop", "exchange20", "echo_stream_10k"));
  }

  /**
   * Why the target cannot be reached over HTTP: it is not installed. Every worker the harness
   * knows serves {@code --http}; a worker that refuses the flag fails to start, and the run reports
   * its exit status and stderr log.
   *
   * @param target the implementation
   * @return the reason, or empty
   */
  @Override
  public Optional<String> unavailable(Target target) {
    return target.unavailable();
  }

  @Override
  public Connection open(Target target) throws Exception {
    Launcher.SocketWorker worker = Launcher.socketWorker(target.command(List.of("--http", "0")), "PORT:");
    try {
      int port = Integer.parseInt(worker.announced());
      InetSocketAddress address = new InetSocketAddress(HOST, port);
      // the reference worker announces its port before it binds it
      Retry.connect(() -> {
        try (Socket probe = new Socket()) {
          probe.connect(address, 1000);
        }
        return address;
      });
      return Connection.of(HttpRpc.connect("http://" + HOST + ":" + port), worker);
    } catch (IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
  }
}
