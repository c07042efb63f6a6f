package dev.arrowrpc.bench;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.Tcp;
import java.util.List;
import java.util.Optional;

/** A worker process serving loopback TCP ({@link Tcp} on the client side, TCP_NODELAY). */
public final class TcpTransport implements BenchTransport {

  /** Creates the transport. */
  public TcpTransport() {}

  @Override
  public String name() {
    return "tcp loopback";
  }

  @Override
  public Optional<Baselines.Channel> baseline() {
    return Optional.of(Baselines.Channel.TCP);
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return target.unavailable();
  }

  @Override
  public Connection open(Target target) throws Exception {
    Launcher.SocketWorker worker =
        Launcher.socketWorker(target.command(List.of("--tcp", "127.0.0.1:0")), "TCP:");
    try {
      String address = worker.announced();
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, colon);
      int port = Integer.parseInt(address.substring(colon + 1));
      ByteTransport channel = Retry.connect(() -> Tcp.connect(host, port));
      return Connection.of(RpcClient.connect(channel), worker);
    } catch (Exception e) {
      worker.close();
      throw e;
    }
  }
}
