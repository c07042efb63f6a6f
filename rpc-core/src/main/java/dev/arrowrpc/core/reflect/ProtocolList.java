package dev.arrowrpc.core.reflect;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server hosts, as {@code list_protocols} reports it ({@code ProtocolList} of
 * WIRE_PROTOCOL.md §14). A statement about a server, so it carries the server's identity.
 *
 * @param serverId the server instance's id
 * @param serverVersion the server's build version string (may be empty)
 * @param requestVersion the framing version ({@code "1"})
 * @param protocols every hosted protocol, reflection included; application protocols in
 *     registration order, the primary first
 */
public record ProtocolList(
    String serverId, String serverVersion, String requestVersion, List<ProtocolSummary> protocols) {

  /** The name prefix reserved for protocols the framework defines. */
  public static final String RESERVED_PREFIX = "vgi_rpc.";

  /**
   * Checks for nulls and copies the list.
   *
   * @param serverId the server instance's id
   * @param serverVersion the server's build version string (may be empty)
   * @param requestVersion the framing version ({@code "1"})
   * @param protocols every hosted protocol, reflection included; application protocols in registration order,
   *     the primary first
   */
  public ProtocolList {
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(requestVersion, "requestVersion");
    protocols = List.copyOf(protocols);
  }

  /**
   * Finds a protocol by wire name.
   *
   * @param name the protocol's wire name
   * @return the protocol, or empty when the server does not host it
   */
  public Optional<ProtocolSummary> protocol(String name) {
    return protocols.stream().filter(p -> p.protocol().equals(name)).findFirst();
  }

  /** {@return the primary application protocol: the first whose name does not start with {@code vgi_rpc.}} */
  public Optional<ProtocolSummary> primary() {
    return protocols.stream().filter(p -> !p.protocol().startsWith(RESERVED_PREFIX)).findFirst();
  }
}
