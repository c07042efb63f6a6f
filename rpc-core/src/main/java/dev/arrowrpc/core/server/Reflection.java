package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcService;

/**
 * The framework's introspection protocol, {@code vgi_rpc.Reflection.v1} (WIRE_PROTOCOL.md §14): two
 * unary methods whose replies are serialized payloads in a binary {@code result} column, decoded
 * with {@link ReflectionPayloads}. It describes itself like any hosted protocol; its hash is {@value
 * #HASH}.
 */
@RpcService(name = Reflection.NAME)
public interface Reflection {
  /** The protocol's wire name. */
  String NAME = "vgi_rpc.Reflection.v1";

  /** The protocol's canonical hash, the same in every port. */
  String HASH = "3c7db4cae8cdfc93dc4a76e73b8b759e18e45e6a5811adba4e520366344b919a";

  /**
   * Lists what the server hosts: the cheap question, answerable on every warm path because the
   * hashes say whether anything changed.
   *
   * @return a serialized {@link dev.arrowrpc.core.reflect.ProtocolList}
   */
  byte[] list_protocols();

  /**
   * Describes one hosted protocol.
   *
   * @param protocol the protocol's wire name
   * @return a serialized {@link dev.arrowrpc.core.reflect.ServiceDescription}
   * @throws dev.arrowrpc.core.RpcException {@code ProtocolNotSupportedError} (error kind {@code
   *     protocol_not_supported}) when the server does not host it
   */
  byte[] describe(String protocol);
}
