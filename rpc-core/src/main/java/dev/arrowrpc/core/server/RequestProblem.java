package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;

/** Builders for the errors a malformed or mismatched request gets, in the reference's vocabulary. */
final class RequestProblem {
  /** The kind of a request naming a method its protocol lacks. */
  static final String METHOD_NOT_IMPLEMENTED = "method_not_implemented";
  /** The kind of a request naming no protocol. */
  static final String PROTOCOL_NOT_SPECIFIED = "protocol_not_specified";
  /** The kind of a request naming a protocol not hosted here. */
  static final String PROTOCOL_NOT_SUPPORTED = "protocol_not_supported";

  private RequestProblem() {}

  static RpcException protocolNotSpecified(String message) {
    return new RpcException("ProtocolNotSpecifiedError", message, "", "", PROTOCOL_NOT_SPECIFIED);
  }

  static RpcException protocolNotSupported(String message) {
    return new RpcException("ProtocolNotSupportedError", message, "", "", PROTOCOL_NOT_SUPPORTED);
  }

  static RpcException protocol(String message) {
    return new RpcException("ProtocolError", message);
  }

  static RpcException version(String message) {
    return new RpcException("VersionError", message);
  }

  static RpcException type(String message) {
    return new RpcException("TypeError", message);
  }

  static RpcException unknownMethod(String message) {
    return new RpcException("MethodNotImplementedError", message, "", "", METHOD_NOT_IMPLEMENTED);
  }

  static RpcException protocolVersion(String protocol, String message) {
    return new RpcException("ProtocolVersionError", message, "", "", "protocol_version_mismatch");
  }
}
