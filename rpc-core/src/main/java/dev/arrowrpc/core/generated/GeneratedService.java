package dev.arrowrpc.core.generated;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What rpc-codegen's annotation processor writes for each {@code @RpcService} interface, for the
 * runtime to read in place of reflection (as gRPC's generated stubs carry their method
 * descriptors): the protocol's name and version, each method's parameter names, so an interface
 * compiled without {@code javac -parameters} still names its request fields, and the Arrow schemas
 * the processor derived from the declarations, which the runtime checks against the ones it derives
 * from the class files (they differ only when the descriptor is stale).
 *
 * <p>For generated code only. The class is named after the interface, {@link #className(Class)},
 * and has a public no-argument constructor; the runtime loads it through the interface's class
 * loader once per interface and ignores it when it does not describe the interface as compiled
 * (a stale class from an earlier build). New members are added as default methods.
 */
public interface GeneratedService {
  /** The suffix of a generated class's simple name. */
  String SUFFIX = "_ArrowRpc";

  /** {@return the {@code @RpcService} interface described} */
  Class<?> serviceType();

  /** {@return the protocol name, as {@code @RpcService} states it or the interface's simple name} */
  String protocol();

  /** {@return the protocol's declared semver, if any} */
  Optional<String> version();

  /**
   * The names of a method's parameters, in order.
   *
   * @param method the method's name (a protocol has no overloads)
   * @return the names, or empty when the interface has no such method
   */
  Optional<List<String>> parameterNames(String method);

  /**
   * The erased types of a method's parameters as {@link Class#getTypeName()} spells them, in order,
   * so the runtime can tell the descriptor matches the method it reflects on.
   *
   * @param method the method's name
   * @return the type names, or empty when the interface has no such method
   */
  Optional<List<String>> parameterTypes(String method);

  /** What a method's schema describes. */
  enum SchemaRole {
    /** The request's parameters, one column each. */
    PARAMETERS,
    /** A unary method's result: one column {@code result}, or none for {@code void}. */
    RESULT,
    /** The rows a typed stream produces. */
    OUTPUT,
    /** The rows a typed exchange takes in. */
    INPUT,
    /** The stream header, when the method declares one. */
    HEADER
  }

  /**
   * The schemas the processor derived for a method, built by the generated code (no parsing): the
   * roles the method has, no more.
   *
   * @param method the method's name
   * @return the schemas by role; empty when the interface has no such method or the processor could
   *     not derive them exactly (a {@code @Wire} attribute given as a constant, or a record read from
   *     a class file by a compiler that does not see type annotations there, before JDK 22)
   */
  default Map<SchemaRole, Schema> schemas(String method) {
    return Map.of();
  }

  /**
   * The protocol's hash (WIRE_PROTOCOL.md §14) as the processor computed it from the schemas it
   * derived: the hash reflection publishes for the interface, known at compile time. The generated
   * class also holds it as the constant {@code PROTOCOL_HASH}, so that a test can pin the wire
   * contract ({@code assertEquals("3c7d…", Api_ArrowRpc.PROTOCOL_HASH)} fails when a change alters
   * what travels).
   *
   * @return the hash; empty when the processor could not derive every method's schemas
   */
  default Optional<String> protocolHash() {
    return Optional.empty();
  }

  /**
   * The binary name of the class generated for an interface: in the interface's package, the
   * simple names from the outermost class down joined by {@code _}, then {@link #SUFFIX} ({@code
   * a.b.Outer.Api} → {@code a.b.Outer_Api_ArrowRpc}).
   *
   * @param serviceType the interface
   * @return the generated class's name
   */
  static String className(Class<?> serviceType) {
    String name = serviceType.getName();
    String packageName = serviceType.getPackageName();
    String local = packageName.isEmpty() ? name : name.substring(packageName.length() + 1);
    return (packageName.isEmpty() ? "" : packageName + ".") + local.replace('$', '_') + SUFFIX;
  }
}
