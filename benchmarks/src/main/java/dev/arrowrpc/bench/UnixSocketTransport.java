package dev.arrowrpc.bench;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A worker process serving a Unix-domain socket ({@link UnixSocket} on the client side). */
public final class UnixSocketTransport implements BenchTransport {

  /** Creates the transport. */
  public UnixSocketTransport() {}

  @Override
  public String name() {
    return "unix socket";
  }

  @Override
  public Optional<Baselines.Channel> baseline() {
    return Optional.of(Baselines.Channel.UNIX);
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return target.unavailable();
  }

  @Override
  public Connection open(Target target) throws Exception {
    Path path = Launcher.socketPath("uds");
    Launcher.SocketWorker worker =
        Launcher.socketWorker(target.command(List.of("--unix", path.toString())), "UNIX:");
    AutoCloseable removeFile = () -> Files.deleteIfExists(path);
    try {
      ByteTransport channel = Retry.connect(() -> UnixSocket.connect(path));
      return Connection.of(RpcClient.connect(channel), removeFile, worker);
    } catch (Exception e) {
      Launcher.closeAll(List.of(worker, removeFile));
      throw e;
    }
  }
}
