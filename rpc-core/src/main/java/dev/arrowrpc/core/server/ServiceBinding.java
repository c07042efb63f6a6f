package dev.arrowrpc.core.server;

import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One hosted protocol: a service interface bound to the object that implements it, with the spec,
 * one invoker per method, and the protocol's hash, all built once at registration.
 */
public final class ServiceBinding {
  private final ServiceSpec spec;
  private final Map<String, Invoker> invokers;
  private final Map<String, GeneratedInvoker.Method<Object>> generated;
  /** Per method, the last request schema (an interned instance) that matched its parameters. */
  private final java.util.concurrent.ConcurrentHashMap<String, org.apache.arrow.vector.types.pojo.Schema> matched =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** The methods whose parameters may hold Arrow data (released after each call). */
  private final java.util.Set<String> holdingArrowData;
  private final Object implementation;
  private final ClassLoader loader;
  private final boolean versionGated;
  private final String protocolHash;

  private ServiceBinding(ServiceSpec spec, Map<String, Invoker> invokers,
      Map<String, GeneratedInvoker.Method<Object>> generated, Object implementation, ClassLoader loader,
      boolean versionGated) {
    this.spec = spec;
    this.invokers = invokers;
    this.generated = generated;
    this.implementation = implementation;
    java.util.Set<String> holding = new java.util.HashSet<>();
    for (MethodSpec method : spec.methods().values()) {
      if (method.method() == null) {
        holding.add(method.name());
        continue;
      }
      for (java.lang.reflect.Type type : method.method().getGenericParameterTypes()) {
        if (dev.arrowrpc.core.schema.ArrowValues.typeMayHoldRoots(type)) {
          holding.add(method.name());
        }
      }
    }
    this.holdingArrowData = java.util.Set.copyOf(holding);
    this.loader = loader;
    this.versionGated = versionGated;
    this.protocolHash = ProtocolHash.of(spec);
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
    return bind(type, implementation, true);
  }

  /**
   * Binds a protocol of the framework's own (reflection), whose spec is built by the framework and
   * which is exempt from the version gate.
   */
  static ServiceBinding framework(ServiceSpec spec, Object implementation) {
    return bind(spec, implementation, false);
  }

  private static ServiceBinding bind(Class<?> type, Object implementation, boolean versionGated) {
    return bind(ServiceSpec.of(type), implementation, versionGated);
  }

  private static ServiceBinding bind(ServiceSpec spec, Object implementation, boolean versionGated) {
    Map<String, Invoker> invokers = new HashMap<>();
    Map<String, GeneratedInvoker.Method<Object>> generated = new HashMap<>();
    Optional<GeneratedInvoker<Object>> code = generatedFor(spec.type(), implementation);
    for (MethodSpec method : spec.methods().values()) {
      Invoker invoker = Invoker.bind(method, implementation);
      invokers.put(method.name(), invoker);
      if (code.isPresent() && !invoker.takesContext()) {
        code.get().method(method.name()).ifPresent(found -> generated.put(method.name(), found));
      }
    }
    ClassLoader loader = implementation.getClass().getClassLoader();
    return new ServiceBinding(spec, Map.copyOf(invokers), Map.copyOf(generated), implementation,
        loader == null ? ClassLoader.getSystemClassLoader() : loader, versionGated);
  }

  /**
   * The generated class of the interface ({@link GeneratedInvoker}), when it has one and the object
   * implements the interface (an object that only has the methods is called through reflection).
   */
  @SuppressWarnings("unchecked")
  private static Optional<GeneratedInvoker<Object>> generatedFor(Class<?> type, Object implementation) {
    if (type == null || !type.isInstance(implementation)) {
      return Optional.empty();
    }
    return GeneratedInvoker.find(type).map(found -> (GeneratedInvoker<Object>) found);
  }

  /** The protocol as reflection describes it. */
  HostedProtocol hosted() {
    return new HostedProtocol(spec.protocolName(), spec.protocolVersion(), spec.methods(), protocolHash);
  }

  /** {@return the service's spec} */
  public ServiceSpec spec() {
    return spec;
  }

  /** {@return the protocol's wire name, the routing key requests carry} */
  public String name() {
    return spec.protocolName();
  }

  /** {@return the protocol's hash, as reflection publishes it} */
  public String protocolHash() {
    return protocolHash;
  }

  /** The version calls must match, when the protocol declares one and is not exempt from the gate. */
  Optional<String> gatedVersion() {
    return versionGated ? spec.protocolVersion() : Optional.empty();
  }

  /** Whether the protocol is one the framework defines (its name has the reserved prefix). */
  boolean isFramework() {
    return spec.protocolName().startsWith(HostedProtocols.RESERVED_PREFIX);
  }

  Invoker invoker(String method) {
    return invokers.get(method);
  }

  /** The generated code of a method, when the interface's generated class offers it. */
  Optional<GeneratedInvoker.Method<Object>> generated(String method) {
    return Optional.ofNullable(generated.get(method));
  }

  /**
   * Compares a request's schema with a method's parameters (see {@link SchemaMatch#describeMismatch}),
   * remembering the last schema instance that matched: the stream reader interns schemas by their
   * bytes, so a client's next call of the method is recognised without a field by field walk.
   *
   * @return what does not match, or null
   */
  String parameterMismatch(MethodSpec method, org.apache.arrow.vector.types.pojo.Schema received) {
    if (matched.get(method.name()) == received) {
      return null;
    }
    String problem = SchemaMatch.describeMismatch(method.params().schema(), received);
    if (problem == null) {
      matched.put(method.name(), received);
    }
    return problem;
  }

  /** Whether a method's parameters may hold Arrow data, so releasing its arguments needs a walk. */
  boolean parametersMayHoldArrowData(String method) {
    return holdingArrowData.contains(method);
  }

  /** The object serving the protocol. */
  Object implementation() {
    return implementation;
  }
}
