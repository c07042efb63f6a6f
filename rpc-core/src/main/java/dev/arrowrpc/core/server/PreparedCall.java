package dev.arrowrpc.core.server;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.ArrowValues;
import dev.arrowrpc.core.schema.MethodSpec;
import java.util.Optional;

/**
 * A validated call with its decoded arguments, ready to invoke: an argument array for the
 * reflective invoker, or the call generated code read ({@link GeneratedInvoker.Call}), with the
 * values it decoded (released as the arguments are).
 */
final class PreparedCall implements RequestParser.Prepared {
  private final ServiceBinding binding;
  private final MethodSpec spec;
  private final Object[] args;
  /** The call generated code read; null when the method is called through reflection. */
  private final GeneratedInvoker.Call<Object> generated;
  private final ServerCall context;
  private boolean closed;

  PreparedCall(ServiceBinding binding, MethodSpec spec, Object[] args, ServerCall context) {
    this(binding, spec, args, (GeneratedInvoker.Call<Object>) null, context);
  }

  /**
   * A call read by generated code.
   *
   * @param decoded the values the generated code decoded through the runtime (to release)
   * @param generated the call
   */
  PreparedCall(ServiceBinding binding, MethodSpec spec, Object[] decoded,
      Optional<GeneratedInvoker.Call<Object>> generated, ServerCall context) {
    this(binding, spec, decoded, generated.orElse(null), context);
  }

  /**
   * A call read by generated code, or (with no call) through reflection.
   *
   * @param decoded the values decoded (to release)
   * @param generated the call generated code read, or null
   */
  PreparedCall(ServiceBinding binding, MethodSpec spec, Object[] decoded, GeneratedInvoker.Call<Object> generated,
      ServerCall context) {
    this.binding = binding;
    this.spec = spec;
    this.args = decoded;
    this.generated = generated;
    this.context = context;
  }

  /** The call generated code read, when the method has generated code. */
  Optional<GeneratedInvoker.Call<Object>> generated() {
    return Optional.ofNullable(generated);
  }

  /** The call generated code read, or null when the method is called through reflection. */
  GeneratedInvoker.Call<Object> generatedOrNull() {
    return generated;
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
      if (binding.parametersMayHoldArrowData(spec.name())) {
        ArrowValues.closeRoots(args);
      }
    }
  }
}
