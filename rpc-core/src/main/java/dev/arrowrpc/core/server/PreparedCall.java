package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.ArrowValues;
import dev.arrowrpc.core.schema.MethodSpec;

/** A validated call with its decoded arguments, ready to invoke. */
final class PreparedCall implements RequestParser.Prepared {
  private final ServiceBinding binding;
  private final MethodSpec spec;
  private final Object[] args;
  private final ServerCall context;
  private boolean closed;

  PreparedCall(ServiceBinding binding, MethodSpec spec, Object[] args, ServerCall context) {
    this.binding = binding;
    this.spec = spec;
    this.args = args;
    this.context = context;
  }

  /** The protocol the call addressed. */
  ServiceBinding binding() {
    return binding;
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
