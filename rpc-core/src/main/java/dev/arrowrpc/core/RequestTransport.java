package dev.arrowrpc.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request/response channel to one server, such as HTTP: every call is one request carrying one
 * Arrow IPC stream and one answer carrying the reply. Streams travel as a sequence of requests
 * whose state the server hands back in tokens inside the Arrow streams, so consecutive requests of
 * one stream may reach different server replicas.
 *
 * <p>The transport decides how a request names its target (a route, a header): it is given the
 * protocol, the method and the {@link Kind} of the request. An implementation must be safe to use
 * from several threads at once: one client may run calls and streams concurrently over it.
 */
public interface RequestTransport extends Closeable {
  /** What a request is, for a transport that addresses them differently. */
  enum Kind {
    /** A unary call. */
    UNARY,
    /** The request that opens a stream. */
    INIT,
    /** A later turn of a stream: an input batch, a producer tick, or a cancel, with the tokens. */
    TURN
  }

  /**
   * Sends one request and returns the server's answer.
   *
   * @param protocol the protocol addressed
   * @param method the method called
   * @param kind what the request is
   * @param body the request body: one Arrow IPC stream
   * @return the answer, an Arrow IPC stream (decoded from any content encoding); the caller reads
   *     and closes it
   * @throws RpcException when the server refused the request without an Arrow answer: type {@code
   *     AuthenticationError} for missing or rejected credentials, {@code PayloadTooLarge} for a
   *     request over the server's size limit, {@code TransportError} otherwise, with the server's
   *     explanation in the message
   * @throws IOException when the request could not be sent or the answer not received
   */
  InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException;

  /** Releases the channel's resources (connection pools, threads). */
  @Override
  void close() throws IOException;
}
