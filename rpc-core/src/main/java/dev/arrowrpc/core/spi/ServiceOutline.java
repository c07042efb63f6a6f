package dev.arrowrpc.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A hosted protocol's methods with their Arrow schemas, for transports that show a service to people
 * (HTTP's landing and describe pages, a health body). Unlike the wire's reflection ({@code
 * reflect.ServiceDescription}), it carries the row schemas of typed streams. From {@code
 * RpcServer.outline()}.
 *
 * @param protocolName the protocol's name
 * @param protocolVersion its declared version, if any
 * @param methods its methods in declaration order
 */
public record ServiceOutline(String protocolName, Optional<String> protocolVersion, List<Method> methods) {
  /**
   * Checks and copies the parts.
   *
   * @param protocolName the protocol's name
   * @param protocolVersion its declared version, if any
   * @param methods its methods in declaration order
   */
  public ServiceOutline {
    Objects.requireNonNull(protocolName, "protocolName");
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    methods = List.copyOf(methods);
  }

  /** What a method is. */
  public enum Kind {
    /** One request, one answer. */
    UNARY,
    /** A stream of output batches. */
    PRODUCER,
    /** A stream of input batches each answered by an output batch. */
    EXCHANGE,
    /** A stream whose schemas are decided when it opens (an empty input schema makes a producer). */
    STREAM
  }

  /**
   * One method.
   *
   * @param name its wire name
   * @param kind what it is
   * @param params its request schema
   * @param result a unary method's result schema
   * @param output a typed stream's output rows
   * @param input a typed exchange's input rows
   * @param header a stream's header schema, if it declares one
   */
  public record Method(String name, Kind kind, Schema params, Optional<Schema> result, Optional<Schema> output,
      Optional<Schema> input, Optional<Schema> header) {
    /**
     * Checks the parts.
     *
     * @param name its wire name
     * @param kind what it is
     * @param params its request schema
     * @param result a unary method's result schema
     * @param output a typed stream's output rows
     * @param input a typed exchange's input rows
     * @param header a stream's header schema, if it declares one
     */
    public Method {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(params, "params");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(header, "header");
    }
  }
}
