package dev.arrowrpc.core.server;

import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protocols one server hosts, fixed when the server is built: the application protocols in
 * registration order (the primary first), then the framework's own. Requests are routed by the
 * protocol name they carry, then by method.
 */
public final class HostedProtocols {
  /** The name prefix reserved for protocols the framework defines. */
  public static final String RESERVED_PREFIX = ProtocolList.RESERVED_PREFIX;

  private final List<ServiceBinding> ordered;
  private final Map<String, ServiceBinding> byName;

  private HostedProtocols(List<ServiceBinding> ordered) {
    this.ordered = List.copyOf(ordered);
    Map<String, ServiceBinding> names = new LinkedHashMap<>();
    for (ServiceBinding binding : ordered) {
      names.put(binding.name(), binding);
    }
    this.byName = names;
  }

  /**
   * Checks and fixes the application protocols a server hosts.
   *
   * @param application the application protocols, primary first
   * @return the hosted set, not yet including the framework's protocols
   * @throws IllegalArgumentException when a name breaks the grammar, claims the reserved prefix, or
   *     repeats
   */
  static HostedProtocols of(List<ServiceBinding> application) {
    if (application.isEmpty()) {
      throw new IllegalArgumentException("a server hosts at least one protocol");
    }
    List<String> seen = new ArrayList<>();
    for (ServiceBinding binding : application) {
      String name = binding.name();
      ServiceSpec.protocolNameProblem(name).ifPresent(problem -> {
        throw new IllegalArgumentException(binding.spec().type().getName() + ": " + problem);
      });
      if (seen.contains(name)) {
        throw new IllegalArgumentException("protocol '" + name + "' is registered twice");
      }
      seen.add(name);
    }
    return new HostedProtocols(application);
  }

  /** This set plus one protocol of the framework's, listed last. */
  HostedProtocols withFramework(ServiceBinding framework) {
    List<ServiceBinding> all = new ArrayList<>(ordered);
    all.add(framework);
    return new HostedProtocols(all);
  }

  /**
   * {@return what is wrong with a protocol name, if anything: the grammar {@code [A-Za-z_][A-Za-z0-9_.]*}, at
   * most 255 bytes}
   *
   * @param name the name
   */
  public static Optional<String> nameProblem(String name) {
    return ServiceSpec.protocolNameGrammarProblem(name);
  }

  /**
   * {@return the protocol with this name, if hosted}
   *
   * @param name the name
   */
  public Optional<ServiceBinding> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** {@return every hosted protocol, application protocols in registration order first} */
  public List<ServiceBinding> all() {
    return ordered;
  }

  /** {@return the primary application protocol (the first registered)} */
  public ServiceBinding primary() {
    return ordered.get(0);
  }

  /** The hosted names, sorted, for error messages. */
  List<String> sortedNames() {
    return byName.keySet().stream().sorted().toList();
  }
}
