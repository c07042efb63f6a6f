package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * A service interface bound to the object that implements it: the spec and one invoker per method,
 * built once at registration.
 */
public final class ServiceBinding {
  private final ServiceSpec spec;
  private final Map<String, Invoker> invokers;
  private final ClassLoader loader;

  private ServiceBinding(ServiceSpec spec, Map<String, Invoker> invokers, ClassLoader loader) {
    this.spec = spec;
    this.invokers = invokers;
    this.loader = loader;
  }

  /** The class loader of the implementation, where stream state classes are found. */
  ClassLoader implementationClassLoader() {
    return loader;
  }

  /**
   * Binds an implementation to a service interface.
   *
   * @param type the {@code @RpcService} interface
   * @param implementation an object with a public method for each interface method
   * @return the binding
   * @throws IllegalArgumentException when the interface cannot be mapped or a method is missing
   */
  public static ServiceBinding bind(Class<?> type, Object implementation) {
    ServiceSpec spec = ServiceSpec.of(type);
    Map<String, Invoker> invokers = new HashMap<>();
    for (MethodSpec method : spec.methods().values()) {
      invokers.put(method.name(), Invoker.bind(method, implementation));
    }
    ClassLoader loader = implementation.getClass().getClassLoader();
    return new ServiceBinding(spec, Map.copyOf(invokers),
        loader == null ? ClassLoader.getSystemClassLoader() : loader);
  }

  /** The service's spec. */
  public ServiceSpec spec() {
    return spec;
  }

  Invoker invoker(String method) {
    return invokers.get(method);
  }
}
