package dev.arrowrpc.core.reflect;

import java.util.List;
import java.util.Objects;

/**
 * One hosted protocol without its methods, as {@code list_protocols} reports it ({@code
 * ProtocolSummary} of WIRE_PROTOCOL.md §14): enough to decide whether a {@code describe} round trip
 * is needed, since an unchanged hash means an unchanged surface.
 *
 * @param protocol the wire name, the routing key
 * @param protocolVersion the declared semver, or empty
 * @param protocolHash 64 lowercase hex digits; the hash of its canonical description (WIRE_PROTOCOL.md, reflection)
 * @param deprecated whether callers should migrate off the protocol
 * @param deprecationMessage what to migrate to; empty unless deprecated
 * @param features reserved: servers send an empty list and clients ignore its contents
 */
public record ProtocolSummary(
    String protocol,
    String protocolVersion,
    String protocolHash,
    boolean deprecated,
    String deprecationMessage,
    List<String> features) {

  /**
   * Checks for nulls and copies the list.
   *
   * @param protocol the wire name, the routing key
   * @param protocolVersion the declared semver, or empty
   * @param protocolHash 64 lowercase hex digits; the hash of its canonical description (WIRE_PROTOCOL.md,
   *     reflection)
   * @param deprecated whether callers should migrate off the protocol
   * @param deprecationMessage what to migrate to; empty unless deprecated
   * @param features reserved: servers send an empty list and clients ignore its contents
   */
  public ProtocolSummary {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    Objects.requireNonNull(protocolHash, "protocolHash");
    Objects.requireNonNull(deprecationMessage, "deprecationMessage");
    features = List.copyOf(features);
  }
}
