package dev.arrowrpc.core.spi;

import dev.arrowrpc.core.auth.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The request/response seam of the server engine, for transports that carry one call or one stream
 * turn per request (HTTP; Flight's unary actions): each request body is one Arrow IPC stream in, each
 * answer one IPC stream out, and a stream's state travels between requests in signed tokens, so any
 * replica holding the signing key serves any turn. Obtain one from {@code RpcServer.requestEngine}.
 */
public interface RequestEngine {
  /** How an answer ended; the transport derives its status line (if it has one) from it. */
  enum Outcome {
    /** Success. */
    OK,
    /** The method failed; the answer carries the error in band. */
    METHOD_ERROR,
    /** The request was malformed or refused before it reached a method; the answer carries the error. */
    REFUSED,
    /** No such protocol or method; the answer carries the error. */
    NOT_FOUND;

    /** {@return whether the answer is an error} */
    public boolean isError() {
      return this != OK;
    }
  }

  /** What a request asks for; a transport names these its own way (HTTP by route). */
  enum Route {
    /** A unary call, or a reserved {@code __name__} method. */
    UNARY,
    /** A stream's init: the call that opens a producer or exchange stream. */
    INIT,
    /** One turn of an open stream (its state in the request's token), or its cancel. */
    EXCHANGE
  }

  /**
   * Who asks and how to answer.
   *
   * @param identity the authenticated caller
   * @param requestId the request id (echoed in log and error batches)
   * @param remoteAddress the peer's address, for access records
   * @param recordFields the fields the transport adds to a call's access record, given how the
   *     answer ended (for example the status line a transport derives from it)
   * @param responseLimit the byte limits the transport puts on the answer ({@link ResponseLimit#NONE}
   *     when it puts none)
   */
  record Caller(Identity identity, String requestId, String remoteAddress,
      java.util.function.Function<Outcome, Map<String, Object>> recordFields, ResponseLimit responseLimit) {
    /**
     * Checks the parts.
     *
     * @param identity the authenticated caller
     * @param requestId the request id (echoed in log and error batches)
     * @param remoteAddress the peer's address, for access records
     * @param recordFields the fields the transport adds to a call's access record, given how the answer ended
     *     (for example the status line a transport derives from it)
     * @param responseLimit the byte limits the transport puts on the answer
     */
    public Caller {
      java.util.Objects.requireNonNull(recordFields, "recordFields");
      java.util.Objects.requireNonNull(responseLimit, "responseLimit");
    }

    /**
     * A caller whose answer has no byte limits.
     *
     * @param identity the authenticated caller
     * @param requestId the request id (echoed in log and error batches)
     * @param remoteAddress the peer's address, for access records
     * @param recordFields the fields the transport adds to a call's access record, given how the answer ended
     */
    public Caller(Identity identity, String requestId, String remoteAddress,
        java.util.function.Function<Outcome, Map<String, Object>> recordFields) {
      this(identity, requestId, remoteAddress, recordFields, ResponseLimit.NONE);
    }

    /**
     * A caller whose transport adds nothing to access records and puts no limits on the answer.
     *
     * @param identity the authenticated caller
     * @param requestId the request id (echoed in log and error batches)
     * @param remoteAddress the peer's address, for access records
     */
    public Caller(Identity identity, String requestId, String remoteAddress) {
      this(identity, requestId, remoteAddress, outcome -> Map.of());
    }
  }

  /**
   * Answers one request.
   *
   * @param route what the request asks for
   * @param urlProtocol the protocol the request names outside its body (an HTTP path segment, exactly
   *     as it arrived), or empty for a reserved {@code __name__} method
   * @param urlMethod the method the request names outside its body
   * @param body the request body (an Arrow IPC stream, already decompressed)
   * @param out the answer
   * @param caller who asks
   * @return how the answer ended
   * @throws IOException when writing the answer fails
   */
  Outcome handle(Route route, String urlProtocol, String urlMethod, InputStream body, OutputStream out,
      Caller caller) throws IOException;
}
