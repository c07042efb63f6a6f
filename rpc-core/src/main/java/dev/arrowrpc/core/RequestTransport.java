package dev.arrowrpc.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A request/response channel to one server, such as HTTP: every call is one request carrying one
 * Arrow IPC stream and one response carrying the answer. Streams travel as a sequence of requests
 * whose state the server hands back in tokens, so consecutive requests of one stream may reach
 * different server replicas.
 *
 * <p>Routes are relative and name the protocol, then the method: {@code protocol/method} for a unary
 * call, {@code protocol/method/init} to open a stream and {@code protocol/method/exchange} for each
 * later turn of it. An implementation must be safe to use from
 * several threads at once: one client may run calls and streams concurrently over it.
 */
public interface RequestTransport extends Closeable {
  /**
   * Sends one request and returns the server's response, whatever its status.
   *
   * @param route {@code protocol/method}, {@code protocol/method/init} or {@code
   *     protocol/method/exchange}
   * @param body the request body: one Arrow IPC stream
   * @return the response; the caller reads and closes its body
   * @throws IOException when the request could not be sent or the response not received
   */
  Response post(String route, byte[] body) throws IOException;

  /** Releases the channel's resources (connection pools, threads). */
  @Override
  void close() throws IOException;

  /**
   * One response.
   *
   * @param status the status code (HTTP semantics: 200 for results and in-band errors)
   * @param arrow whether the body is an Arrow IPC stream ({@code
   *     application/vnd.apache.arrow.stream}); other bodies are transport-level refusals such as a
   *     401 or a 413 whose text explains the refusal
   * @param body the body, already decoded from any content encoding
   */
  record Response(int status, boolean arrow, InputStream body) implements Closeable {
    /** Checks the body is present. */
    public Response {
      Objects.requireNonNull(body, "body");
    }

    /** Closes the body. */
    @Override
    public void close() throws IOException {
      body.close();
    }
  }
}
