package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.schema.MethodSpec;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Calls one method of the implementation object: bound and spread once at registration, so a call
 * costs one {@code invokeExact}. The implementation's method may take an extra {@link CallContext}
 * parameter at any position.
 */
final class Invoker {
  private final MethodHandle handle;
  private final int contextPosition;
  private final int arity;

  private Invoker(MethodHandle handle, int contextPosition, int arity) {
    this.handle = handle;
    this.contextPosition = contextPosition;
    this.arity = arity;
  }

  /**
   * Finds the implementation of an interface method on an object.
   *
   * @param spec the interface method
   * @param implementation the object serving it
   * @return the invoker
   * @throws IllegalArgumentException when the object has no matching public method
   */
  static Invoker bind(MethodSpec spec, Object implementation) {
    Method declared = spec.method();
    Class<?>[] wanted = declared.getParameterTypes();
    Method withContext = null;
    int contextPosition = -1;
    Method plain = null;
    for (Method candidate : implementation.getClass().getMethods()) {
      if (!candidate.getName().equals(declared.getName())) {
        continue;
      }
      Class<?>[] types = candidate.getParameterTypes();
      if (Arrays.equals(types, wanted)) {
        plain = candidate;
      } else if (types.length == wanted.length + 1) {
        for (int i = 0; i < types.length; i++) {
          if (types[i] == CallContext.class) {
            Class<?>[] rest = new Class<?>[wanted.length];
            System.arraycopy(types, 0, rest, 0, i);
            System.arraycopy(types, i + 1, rest, i, wanted.length - i);
            if (Arrays.equals(rest, wanted)) {
              withContext = candidate;
              contextPosition = i;
            }
          }
        }
      }
    }
    Method chosen = withContext != null ? withContext : plain;
    if (chosen == null) {
      throw new IllegalArgumentException(
          implementation.getClass().getName() + " has no public method " + declared.getName()
              + Arrays.toString(wanted) + " (optionally with a CallContext parameter)");
    }
    if (!declared.getReturnType().isAssignableFrom(chosen.getReturnType())
        && !(declared.getReturnType().isPrimitive() && declared.getReturnType() == chosen.getReturnType())) {
      throw new IllegalArgumentException(
          implementation.getClass().getName() + "." + chosen.getName() + " returns "
              + chosen.getReturnType().getName() + ", expected " + declared.getReturnType().getName());
    }
    try {
      chosen.setAccessible(true);
      int arity = chosen.getParameterCount();
      MethodHandle handle =
          MethodHandles.lookup()
              .unreflect(chosen)
              .bindTo(implementation)
              .asSpreader(Object[].class, arity)
              .asType(MethodType.methodType(Object.class, Object[].class));
      return new Invoker(handle, withContext != null ? contextPosition : -1, arity);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot access " + chosen + " (make the class public): " + e.getMessage(), e);
    }
  }

  /** {@return whether the implementation's method takes a {@link CallContext} (generated code cannot pass it)} */
  boolean takesContext() {
    return contextPosition >= 0;
  }

  /**
   * Calls the method.
   *
   * @param args the decoded parameters, in declaration order
   * @param context the call's context
   * @return what the method returned (null for void)
   * @throws Throwable whatever the method threw
   */
  Object invoke(Object[] args, CallContext context) throws Throwable {
    Object[] actual = args;
    if (contextPosition >= 0) {
      actual = new Object[arity];
      System.arraycopy(args, 0, actual, 0, contextPosition);
      actual[contextPosition] = context;
      System.arraycopy(args, contextPosition, actual, contextPosition + 1, args.length - contextPosition);
    }
    return (Object) handle.invokeExact(actual);
  }
}
