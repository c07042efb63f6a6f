package dev.arrowrpc.core.client;

import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/** Turns calls on a typed proxy into calls over a {@link ClientCalls}, whatever carries them. */
public final class ProxyHandler implements InvocationHandler {
  private final ClientCalls calls;
  private final ServiceSpec spec;
  private final Map<Method, MethodSpec> methods;

  /**
   * Creates the handler for one service.
   *
   * @param calls how calls reach the server
   * @param spec the service
   */
  public ProxyHandler(ClientCalls calls, ServiceSpec spec) {
    this.calls = calls;
    this.spec = spec;
    Map<Method, MethodSpec> byMethod = new HashMap<>();
    for (MethodSpec method : spec.methods().values()) {
      byMethod.put(method.method(), method);
    }
    this.methods = Map.copyOf(byMethod);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "toString" -> spec.protocolName() + " proxy";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(method.getName());
      };
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    MethodSpec target = methods.get(method);
    if (target == null) {
      throw new UnsupportedOperationException(method + " is not a remote method");
    }
    return target.kind() == MethodKind.UNARY
        ? calls.unary(target, args, ProtocolId.of(spec))
        : calls.openStream(target, args, ProtocolId.of(spec));
  }
}
