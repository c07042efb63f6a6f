package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.pipe.PipePair;
import java.util.Optional;

/** The in-process pipe ({@link PipePair}): server and client threads in this JVM. */
public final class InProcessPipeTransport implements BenchTransport {

  /** Creates the transport. */
  public InProcessPipeTransport() {}

  @Override
  public String name() {
    return "in-process pipe";
  }

  @Override
  public Optional<String> unavailable(Target target) {
    return target.inProcess().isPresent() ? Optional.empty()
        : Optional.of("not a Java implementation");
  }

  @Override
  public Connection open(Target target) {
    RpcServer server = target.inProcess().orElseThrow();
    PipePair pair = PipePair.serve(server);
    return Connection.of(RpcClient.connect(pair.client()), server, pair);
  }
}
