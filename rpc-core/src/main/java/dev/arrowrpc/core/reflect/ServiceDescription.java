package dev.arrowrpc.core.reflect;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One protocol's full description, as {@code describe} reports it ({@code ServiceDescription} of
 * WIRE_PROTOCOL.md §14): the summary's fields plus the methods, sorted by name. It carries no
 * server identity, so two servers hosting one protocol describe it identically.
 *
 * @param protocol the wire name
 * @param protocolVersion the declared semver, or empty
 * @param protocolHash 64 lowercase hex digits
 * @param deprecated whether callers should migrate off the protocol
 * @param deprecationMessage what to migrate to
 * @param features reserved: empty from servers, ignored by clients
 * @param methods the methods, sorted by name
 */
public record ServiceDescription(
    String protocol,
    String protocolVersion,
    String protocolHash,
    boolean deprecated,
    String deprecationMessage,
    List<String> features,
    List<MethodInfo> methods) {

  /**
   * Checks for nulls and copies the lists.
   *
   * @param protocol the wire name
   * @param protocolVersion the declared semver, or empty
   * @param protocolHash 64 lowercase hex digits
   * @param deprecated whether callers should migrate off the protocol
   * @param deprecationMessage what to migrate to
   * @param features reserved: empty from servers, ignored by clients
   * @param methods the methods, sorted by name
   */
  public ServiceDescription {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    Objects.requireNonNull(protocolHash, "protocolHash");
    Objects.requireNonNull(deprecationMessage, "deprecationMessage");
    features = List.copyOf(features);
    methods = List.copyOf(methods);
  }

  /**
   * Finds a method by name.
   *
   * @param name the method's wire name
   * @return the method, or empty when the protocol has none of that name
   */
  public Optional<MethodInfo> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** {@return the summary {@code list_protocols} gives of this protocol} */
  public ProtocolSummary summary() {
    return new ProtocolSummary(protocol, protocolVersion, protocolHash, deprecated, deprecationMessage, features);
  }
}
