package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;

/** Holds the context of the call the current thread is serving (internal). */
public final class CurrentCall {
  private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

  private CurrentCall() {}

  /** Returns the current thread's call context, or null outside a call. */
  public static CallContext get() {
    return CURRENT.get();
  }

  static void set(CallContext context) {
    if (context == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(context);
    }
  }
}
