package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.util.List;
import java.util.Optional;

/** A worker process spoken to over its stdin and stdout ({@link Subprocess}). */
public final class SubprocessPipeTransport implements BenchTransport {

  /** Creates the transport. */
  public SubprocessPipeTransport() {}

  @Override
  public String name() {
    return "subprocess pipe";
  }

  @Override
  public Optional<Baselines.Channel> baseline() {
    return Optional.of(Baselines.Channel.PIPE);
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return target.unavailable();
  }

  @Override
  public Connection open(Target target) throws Exception {
    Subprocess worker = Launcher.pipeWorker(target.command(List.of("--pipe")));
    return Connection.of(RpcClient.connect(worker));
  }
}
