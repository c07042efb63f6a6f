package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.RpcException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The exit statuses of {@code arrow-rpc}, and which failures are the transport's. */
final class Exit {
  /** Success. */
  static final int OK = 0;
  /** Any failure not classified below. */
  static final int FAILURE = 1;
  /** A usage error (picocli's own status for a bad command line). */
  static final int USAGE = 2;
  /**
   * The transport failed: cannot connect or launch, broken pipe, an HTTP or gRPC failure, a server
   * that does not speak the protocol.
   */
  static final int TRANSPORT = 3;
  /** The service answered with an error. */
  static final int REMOTE = 4;

  private Exit() {}

  /**
   * Whether a failure is the transport's rather than the service's. An {@link RpcException} is the
   * service's unless it is a {@code TransportError} or the client raised it over an I/O failure: the
   * HTTP client's {@code ProtocolError} for a server that does not speak the protocol (a failed
   * capability check, an answer without the response budget's acknowledgement) is caused by a
   * {@link java.net.ProtocolException}, while an error the service sent has no cause.
   *
   * @param e the failure
   * @return true for I/O failures (or errors caused by one), {@code TransportError}s and Flight
   *     (gRPC) failures
   */
  static boolean isTransport(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RpcException rpc && "TransportError".equals(rpc.errorType())) {
        return true;
      }
      if (t instanceof IOException || t instanceof UncheckedIOException
          || t.getClass().getName().startsWith("org.apache.arrow.flight.")
          || t.getClass().getName().startsWith("io.grpc.")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
