package dev.arrowrpc.core.client;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns calls on a typed proxy into calls over a {@link ClientCalls}, whatever carries them. A unary
 * method the interface's generated class ({@link GeneratedInvoker}) offers writes its parameters and
 * reads its result through that class; the others through the method's codecs.
 */
public final class ProxyHandler implements InvocationHandler {
  private final ClientCalls calls;
  private final ServiceSpec spec;
  private final Map<Method, MethodSpec> methods;
  private final Map<Method, GeneratedInvoker.Method<Object>> generated;
  private final ProtocolId protocol;

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
    Map<Method, GeneratedInvoker.Method<Object>> code = new HashMap<>();
    Optional<? extends GeneratedInvoker<?>> found =
        spec.type() == null ? Optional.empty() : GeneratedInvoker.find(spec.type());
    for (MethodSpec method : spec.methods().values()) {
      byMethod.put(method.method(), method);
      if (found.isPresent() && method.kind() == MethodKind.UNARY) {
        found.get().method(method.name()).ifPresent(m -> code.put(method.method(), cast(m)));
      }
    }
    this.methods = Map.copyOf(byMethod);
    this.generated = Map.copyOf(code);
    this.protocol = ProtocolId.of(spec);
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
    if (target.kind() != MethodKind.UNARY) {
      return calls.openStream(target, args, protocol);
    }
    GeneratedInvoker.Method<Object> code = generated.get(method);
    return code != null ? calls.unary(target, code, args, protocol) : calls.unary(target, args, protocol);
  }

  @SuppressWarnings("unchecked")
  private static GeneratedInvoker.Method<Object> cast(GeneratedInvoker.Method<?> method) {
    return (GeneratedInvoker.Method<Object>) method;
  }
}
