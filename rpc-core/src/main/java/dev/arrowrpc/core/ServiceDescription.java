package dev.arrowrpc.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a server's {@code __describe__} says about its service.
 *
 * @param protocolName the service's protocol name
 * @param protocolVersion the declared protocol version, if any
 * @param protocolHash SHA-256 over the described surface (64 hex digits)
 * @param serverId the server's id
 * @param describeVersion the describe layout version
 * @param methods the methods, sorted by name
 * @param metadata the response's raw metadata
 */
public record ServiceDescription(
    String protocolName,
    Optional<String> protocolVersion,
    String protocolHash,
    String serverId,
    String describeVersion,
    List<Method> methods,
    Map<String, String> metadata) {

  /** Copies the lists. */
  public ServiceDescription {
    methods = List.copyOf(methods);
    metadata = Map.copyOf(metadata);
  }

  /** Finds a method by name. */
  public Optional<Method> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * One described method.
   *
   * @param name the method name
   * @param methodType {@code unary} or {@code stream}
   * @param hasReturn whether a unary method returns a value
   * @param paramsSchema the request schema
   * @param resultSchema the result schema (empty for streams)
   * @param headerSchema the stream header's schema, if declared
   * @param isExchange for streams whose kind is declared: true for exchange, false for producer
   */
  public record Method(
      String name,
      String methodType,
      boolean hasReturn,
      Schema paramsSchema,
      Schema resultSchema,
      Optional<Schema> headerSchema,
      Optional<Boolean> isExchange) {}
}
