package dev.arrowrpc.core.runtime;

import java.io.PrintStream;
import java.util.List;

/**
 * A transport a worker's command line can ask for by a flag (the porting guide's {@code --http}),
 * served by {@code Workers.serve} of the pipe module without that module depending on the
 * transport's: a transport module registers one in {@code
 * META-INF/services/dev.arrowrpc.core.runtime.WorkerTransport}, found with {@link
 * java.util.ServiceLoader} on the worker's class path.
 */
public interface WorkerTransport {
  /** {@return the flag that selects this transport, such as {@code --http}} */
  String flag();

  /**
   * Serves until the process is told to stop (SIGTERM or SIGINT), printing the transport's discovery
   * line (such as {@code PORT:<port>}) to {@code out} once it listens.
   *
   * @param server the server (left open: the process is ending)
   * @param args the worker's command line, the flag among it; flags the transport does not know are
   *     left for others
   * @param out standard output, for the discovery line
   * @throws Exception when the transport cannot start or is interrupted
   */
  void serve(RpcServer server, List<String> args, PrintStream out) throws Exception;
}
