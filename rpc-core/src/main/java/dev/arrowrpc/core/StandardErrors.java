package dev.arrowrpc.core;

import java.time.Duration;

/**
 * The errors of the protocol's own well-known kinds (WIRE_PROTOCOL.md §8 and §16), each with the
 * code its kind names, the details it carries, and the error type the reference reports for it.
 */
public final class StandardErrors {
  private StandardErrors() {}

  /**
   * The named protocol is hosted but has no such method.
   *
   * @param message the message
   * @return {@code MethodNotImplementedError}, {@code UNIMPLEMENTED}
   */
  public static RpcException methodNotImplemented(String message) {
    return classified("MethodNotImplementedError", message, ErrorCode.UNIMPLEMENTED,
        "method_not_implemented").build();
  }

  /**
   * The request carried no {@code vgi_rpc.protocol} routing key.
   *
   * @param message the message
   * @return {@code ProtocolNotSpecifiedError}, {@code INVALID_ARGUMENT}
   */
  public static RpcException protocolNotSpecified(String message) {
    return classified("ProtocolNotSpecifiedError", message, ErrorCode.INVALID_ARGUMENT,
        "protocol_not_specified").build();
  }

  /**
   * The server does not host the named protocol (or the path and the metadata named different
   * ones).
   *
   * @param message the message
   * @return {@code ProtocolNotSupportedError}, {@code UNIMPLEMENTED}
   */
  public static RpcException protocolNotSupported(String message) {
    return classified("ProtocolNotSupportedError", message, ErrorCode.UNIMPLEMENTED,
        "protocol_not_supported").build();
  }

  /**
   * The client's protocol version is incompatible with the one of the protocol the method belongs
   * to. Carries a {@code PreconditionFailure} with one {@code protocol_version} violation whose
   * subject is the protocol's name (none when the name is empty).
   *
   * @param message the message (directional: which side to upgrade)
   * @param protocol the protocol's name
   * @param clientVersion what the client declared, or empty when it declared none
   * @param serverVersion what the server's protocol declares
   * @return {@code ProtocolVersionError}, {@code FAILED_PRECONDITION}
   */
  public static RpcException protocolVersionMismatch(String message, String protocol,
      String clientVersion, String serverVersion) {
    RpcException.Builder builder = classified("ProtocolVersionError", message,
        ErrorCode.FAILED_PRECONDITION, "protocol_version_mismatch");
    if (!protocol.isEmpty()) {
      builder.detail(ErrorDetail.PreconditionFailure.of("protocol_version", protocol,
          "client declares " + (clientVersion.isEmpty() ? "<none>" : clientVersion)
              + ", server requires " + serverVersion + "; major and minor must match"));
    }
    return builder.build();
  }

  /**
   * A sticky-session token could not be honoured; retry the whole session, not the call.
   *
   * @param message the message
   * @return {@code SessionLostError}, {@code ABORTED}
   */
  public static RpcException sessionLost(String message) {
    return classified("SessionLostError", message, ErrorCode.ABORTED, "session_lost").build();
  }

  /**
   * The server is draining and refuses new sticky sessions.
   *
   * @param message the message
   * @param retryAfter how long to wait before retrying (the reference's default is one second)
   * @return {@code ServerDrainingError}, {@code UNAVAILABLE}, with {@code RetryInfo}
   */
  public static RpcException serverDraining(String message, Duration retryAfter) {
    return classified("ServerDrainingError", message, ErrorCode.UNAVAILABLE, "server_draining")
        .detail(ErrorDetail.RetryInfo.of(retryAfter)).build();
  }

  /**
   * An identity answer is not knowable now (a backing store is down). Transient; a caller must not
   * negative-cache it.
   *
   * @param message the message
   * @param retryAfter the delay the failing component asked for (required on this kind)
   * @return {@code IdentityUnavailableError}, {@code UNAVAILABLE}, with {@code RetryInfo}
   */
  public static RpcException identityUnavailable(String message, Duration retryAfter) {
    return classified("IdentityUnavailableError", message, ErrorCode.UNAVAILABLE,
        "identity_unavailable").detail(ErrorDetail.RetryInfo.of(retryAfter)).build();
  }

  /**
   * The caller has not authenticated recently enough.
   *
   * @param message the message
   * @return {@code StaleAuthError}, {@code UNAUTHENTICATED}
   */
  public static RpcException staleAuth(String message) {
    return classified("StaleAuthError", message, ErrorCode.UNAUTHENTICATED, "stale_auth").build();
  }

  /**
   * The caller may not introspect.
   *
   * @param message the message
   * @return {@code IntrospectionRefusedError}, {@code PERMISSION_DENIED}
   */
  public static RpcException introspectionRefused(String message) {
    return classified("IntrospectionRefusedError", message, ErrorCode.PERMISSION_DENIED,
        "introspection_refused").build();
  }

  /**
   * The worker declined to mint a grant.
   *
   * @param message the message
   * @return {@code GrantRefusedError}, {@code PERMISSION_DENIED}
   */
  public static RpcException grantRefused(String message) {
    return classified("GrantRefusedError", message, ErrorCode.PERMISSION_DENIED, "grant_refused")
        .build();
  }

  /**
   * The subject credential did not resolve.
   *
   * @param message the message
   * @return {@code TokenUnresolvedError}, {@code NOT_FOUND}
   */
  public static RpcException tokenUnresolved(String message) {
    return classified("TokenUnresolvedError", message, ErrorCode.NOT_FOUND, "token_unresolved")
        .build();
  }

  private static RpcException.Builder classified(String type, String message, ErrorCode code,
      String kind) {
    return RpcException.builder(type, message).code(code).kind(kind);
  }
}
