package dev.arrowrpc.core;

/**
 * One-time startup work of a service implementation, as the reference's {@code on_serve_start(kind)}:
 * an implementation that implements it is called once per server, with the kind of transport that
 * serves first, before that transport dispatches its first request (on pipes and sockets when the
 * first connection is served; on HTTP and Flight with the first request). A failure propagates, so a
 * misconfigured worker dies loudly rather than serving broken: a byte-channel connection ends with
 * it, an HTTP request is answered 500, and the next connection or request tries again.
 */
@FunctionalInterface
public interface ServeStart {
  /**
   * Prepares the implementation for requests.
   *
   * @param kind the transport that serves first
   * @throws Exception to refuse to serve
   */
  void onServeStart(TransportKind kind) throws Exception;
}
