package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.reflect.ProtocolList;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A service interface's remote surface: its protocol name and version, and its methods by name
 * (sorted). Built once per interface.
 *
 * @param type the interface
 * @param protocolName the name published by describe
 * @param protocolVersion the declared semver, if any
 * @param methods the methods, by name, sorted
 */
public record ServiceSpec(
    Class<?> type, String protocolName, Optional<String> protocolVersion, Map<String, MethodSpec> methods) {

  private static final Pattern SEMVER =
      Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$");

  /**
   * Derives the spec of an {@link RpcService} interface.
   *
   * @param type the interface
   * @return the spec
   * @throws IllegalArgumentException when the type is not an annotated interface or a method
   *     cannot be mapped; the message says what to fix
   */
  public static ServiceSpec of(Class<?> type) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface");
    }
    RpcService annotation = type.getAnnotation(RpcService.class);
    if (annotation == null) {
      throw new IllegalArgumentException(type.getName() + " is not annotated @RpcService");
    }
    String name = annotation.name().isEmpty() ? type.getSimpleName() : annotation.name();
    Optional<String> version =
        annotation.version().isEmpty() ? Optional.empty() : Optional.of(annotation.version());
    version.ifPresent(
        v -> {
          if (!SEMVER.matcher(v).matches()) {
            throw new IllegalArgumentException(
                type.getName() + ": version '" + v + "' is not canonical semver MAJOR.MINOR.PATCH");
          }
        });
    Map<String, MethodSpec> methods = new TreeMap<>();
    for (Method method : type.getMethods()) {
      if (!Modifier.isAbstract(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
        continue;
      }
      if (method.getName().startsWith("__")) {
        throw new IllegalArgumentException(
            type.getName() + "." + method.getName() + ": names starting with __ are reserved");
      }
      MethodSpec spec = MethodSpec.of(type, method);
      if (methods.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException(
            type.getName() + "." + method.getName() + ": overloaded methods cannot share a wire name");
      }
    }
    return new ServiceSpec(type, name, version, Collections.unmodifiableMap(methods));
  }

  private static final Pattern PROTOCOL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  private static final int MAX_PROTOCOL_NAME_BYTES = 255;

  /**
   * What is wrong with a protocol name as the wire routes it, if anything: the grammar {@code
   * [A-Za-z_][A-Za-z0-9_.]*} (WIRE_PROTOCOL.md §3.1), at most 255 bytes. Framework names pass.
   *
   * @param name the name
   * @return the problem, if any
   */
  public static Optional<String> protocolNameGrammarProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("a protocol name cannot be empty");
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PROTOCOL_NAME_BYTES) {
      return Optional.of("a protocol name is at most " + MAX_PROTOCOL_NAME_BYTES + " bytes");
    }
    if (!PROTOCOL_NAME.matcher(name).matches()) {
      return Optional.of("a protocol name must match [A-Za-z_][A-Za-z0-9_.]*");
    }
    return Optional.empty();
  }

  /**
   * What is wrong with an application protocol's name, if anything, in the words the server uses
   * when it refuses the name: {@link #protocolNameGrammarProblem(String)}, and not under the prefix
   * {@code vgi_rpc.} reserved for the framework ({@link ProtocolList#RESERVED_PREFIX}).
   *
   * @param name the name
   * @return the problem, if any
   */
  public static Optional<String> protocolNameProblem(String name) {
    Optional<String> grammar = protocolNameGrammarProblem(name);
    if (grammar.isPresent()) {
      return grammar;
    }
    if (name.startsWith(ProtocolList.RESERVED_PREFIX)) {
      return Optional.of("protocol name '" + name + "' uses the prefix '" + ProtocolList.RESERVED_PREFIX
          + "', which is reserved for the framework's protocols");
    }
    return Optional.empty();
  }

  /**
   * {@return whether a version string is canonical semver}
   *
   * @param version the version
   */
  public static boolean isSemver(String version) {
    return SEMVER.matcher(version).matches();
  }
}
