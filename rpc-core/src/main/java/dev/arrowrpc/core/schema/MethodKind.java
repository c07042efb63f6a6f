package dev.arrowrpc.core.schema;

/** The kinds of remote method. */
public enum MethodKind {
  /** One request, one result. */
  UNARY,
  /** A stream the server produces, one batch per client tick. */
  PRODUCER,
  /** A lockstep stream: one output batch per input batch. */
  EXCHANGE,
  /**
   * A {@link dev.arrowrpc.core.BatchStream}: producer or exchange, decided at run time by the
   * stream's input schema, with run-time schemas.
   */
  STREAM;

  /** {@return the reference's {@code method_type}: {@code unary} or {@code stream}} */
  public String wireName() {
    return this == UNARY ? "unary" : "stream";
  }
}
