package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcServer;
import java.util.List;
import java.util.Optional;

/**
 * A server implementation under test: this project's benchmark service, or a conformance worker
 * (ours, the Python reference's, the Go reference's). A target is launched as a worker process
 * following the reference worker's command-line contract ({@code --pipe}, {@code --unix PATH}
 * printing {@code UNIX:<path>}, {@code --tcp HOST:PORT} printing {@code TCP:<host>:<port>}, {@code
 * --http 0} printing {@code PORT:<port>}), and a Java target can also be served in-process.
 */
public interface Target {

  /**
   * The column heading for this implementation.
   *
   * @return a short name
   */
  String name();

  /**
   * Why this implementation cannot run here, if it cannot.
   *
   * @return the reason, or empty when it is available
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /**
   * The command line that serves this implementation as a worker process.
   *
   * @param modeArgs the transport arguments: {@code --pipe}, {@code --unix PATH}, {@code --tcp
   *     HOST:PORT} or {@code --http PORT}
   * @return the command
   */
  List<String> command(List<String> modeArgs);

  /**
   * Whether the worker serves Arrow Flight ({@code --flight [[HOST:]PORT]}, announcing {@code
   * PORT:<port>}): only this project's benchmark worker does; the conformance workers do not.
   *
   * @return true when {@code --flight} is served
   */
  default boolean servesFlight() {
    return false;
  }

  /**
   * A server for this implementation in this JVM, for in-process transports.
   *
   * @return the server (the caller closes it), or empty when the implementation is not Java
   */
  default Optional<RpcServer> inProcess() {
    return Optional.empty();
  }
}
