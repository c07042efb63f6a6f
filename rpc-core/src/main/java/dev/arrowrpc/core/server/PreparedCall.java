package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.ArrowValues;
import dev.arrowrpc.core.schema.MethodSpec;

/** A validated call with its decoded arguments, ready to invoke. */
final class PreparedCall implements RequestParser.Prepared {
  private final MethodSpec spec;
  private final Object[] args;
  private final ServerCall context;
  private boolean closed;

  PreparedCall(MethodSpec spec, Object[] args, ServerCall context) {
    this.spec = spec;
    this.args = args;
    this.context = context;
  }

  MethodSpec spec() {
    return spec;
  }

  Object[] args() {
    return args;
  }

  ServerCall context() {
    return context;
  }

  /** Releases argument values that hold Arrow memory, once. */
  void close() {
    if (!closed) {
      closed = true;
      ArrowValues.closeRoots(args);
    }
  }
}
