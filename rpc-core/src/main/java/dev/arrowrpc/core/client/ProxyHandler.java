package dev.arrowrpc.core.client;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns calls on a typed client of an interface into calls over a {@link ClientCalls}, whatever
 * carries them. The client is the class rpc-codegen generated for the interface ({@link
 * GeneratedInvoker#client}) when there is one that names exactly the interface's remote methods,
 * else a {@code java.lang.reflect.Proxy} with this handler. Either way a unary method the generated
 * class offers writes its parameters and reads its result through that class; the others through
 * the method's codecs.
 */
public final class ProxyHandler implements InvocationHandler {
  /**
   * Whether an interface has a generated class whose client names exactly its remote methods,
   * worked out once per interface (a pool makes a client per lease).
   */
  private static final ClassValue<Boolean> CLIENT_MATCHES = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return GeneratedInvoker.find(type)
          .map(found -> namesEveryMethod(ServiceSpec.of(type), found.clientMethods()))
          .orElse(false);
    }
  };

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

  /**
   * A typed client of a service, with the calls its generated client makes when it is the
   * generated one.
   *
   * @param calls how calls reach the server
   * @param type the {@code @RpcService} interface
   * @param <T> the service type
   * @return the client and its calls
   * @throws IllegalArgumentException when the interface cannot be mapped, saying what to fix
   */
  public static <T> Bound<T> bind(ClientCalls calls, Class<T> type) {
    ProxyHandler handler = new ProxyHandler(calls, ServiceSpec.of(type));
    Optional<GeneratedInvoker<T>> found = GeneratedInvoker.find(type);
    if (found.isPresent()) {
      Optional<Bound<T>> generated = handler.generatedClient(found.get());
      if (generated.isPresent()) {
        return generated.get();
      }
    }
    T proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    return new Bound<>(proxy, Optional.empty());
  }

  /**
   * The generated client of a service over calls of the caller's, by the rule {@link #bind}
   * follows: empty when {@code bind} makes a proxy.
   *
   * @param type the {@code @RpcService} interface
   * @param remote where the client's calls go, by the positions of {@link
   *     GeneratedInvoker#clientMethods}
   * @param <T> the service type
   * @return the generated client, or empty
   * @throws IllegalArgumentException when the interface has a generated client but cannot be mapped
   */
  public static <T> Optional<T> generatedClient(Class<T> type, GeneratedInvoker.Remote remote) {
    return CLIENT_MATCHES.get(type) ? GeneratedInvoker.find(type).orElseThrow().client(remote) : Optional.empty();
  }

  /**
   * A typed client of a service and, when it is the generated client, the calls it makes.
   *
   * @param client the client
   * @param remote the generated client's calls by position; empty for a proxy
   * @param <T> the service type
   */
  public record Bound<T>(T client, Optional<GeneratedInvoker.Remote> remote) {
    /**
     * Checks the parts.
     *
     * @param client the client
     * @param remote the generated client's calls by position; empty for a proxy
     */
    public Bound {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(remote, "remote");
    }
  }

  /**
   * The generated client, calling through this handler's methods by position; empty when the
   * generated class offers none or names other methods than the interface's (a class generated
   * from another version of it).
   */
  private <T> Optional<Bound<T>> generatedClient(GeneratedInvoker<T> invoker) {
    List<String> names = invoker.clientMethods();
    if (!namesEveryMethod(spec, names)) {
      return Optional.empty();
    }
    MethodSpec[] targets = new MethodSpec[names.size()];
    List<GeneratedInvoker.Method<Object>> code = new ArrayList<>();
    for (int i = 0; i < targets.length; i++) {
      targets[i] = spec.methods().get(names.get(i));
      code.add(generated.get(targets[i].method()));
    }
    GeneratedInvoker.Remote remote = new GeneratedInvoker.Remote() {
      @Override
      public Object call(int method, Object[] args) {
        return ProxyHandler.this.call(targets[method], code.get(method), args);
      }

      @Override
      public String toString() {
        return ProxyHandler.this.toString();
      }
    };
    return invoker.client(remote).map(client -> new Bound<>(client, Optional.of(remote)));
  }

  /** Whether a generated client's methods are the service's remote methods, each once. */
  private static boolean namesEveryMethod(ServiceSpec spec, List<String> names) {
    return names.size() == spec.methods().size() && new HashSet<>(names).equals(spec.methods().keySet());
  }

  /** {@return what a client of the service shows as its text} */
  @Override
  public String toString() {
    return spec.protocolName() + " proxy";
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "toString" -> toString();
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
    return call(target, generated.get(method), args);
  }

  /** One remote call: a stream opened, or a unary call through its generated code when it has some. */
  private Object call(MethodSpec target, GeneratedInvoker.Method<Object> code, Object[] args) {
    if (target.kind() != MethodKind.UNARY) {
      return calls.openStream(target, args, protocol);
    }
    return code != null ? calls.unary(target, code, args, protocol) : calls.unary(target, args, protocol);
  }

  @SuppressWarnings("unchecked")
  private static GeneratedInvoker.Method<Object> cast(GeneratedInvoker.Method<?> method) {
    return (GeneratedInvoker.Method<Object>) method;
  }
}
