package dev.arrowrpc.core;

/**
 * The kind of transport a call arrived on, as a method implementation sees it through {@link
 * CallContext#transportKind()}.
 */
public enum TransportKind {
  /** A pair of byte pipes: a worker's stdin/stdout, or an in-process pipe pair. */
  PIPE("pipe"),
  /** A Unix-domain socket connection. */
  UNIX("unix"),
  /** A TCP connection. */
  TCP("tcp"),
  /** HTTP requests. */
  HTTP("http"),
  /** Arrow Flight (gRPC) calls: actions, DoGet streams and DoExchange conversations. */
  FLIGHT("flight");

  private final String label;

  TransportKind(String label) {
    this.label = label;
  }

  /** {@return the lower-case name the protocol's conformance suite uses for this kind} */
  public String label() {
    return label;
  }
}
