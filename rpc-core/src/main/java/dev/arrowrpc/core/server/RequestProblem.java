package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;

/** Builders for the errors a malformed or mismatched request gets, in the reference's vocabulary. */
final class RequestProblem {
  private RequestProblem() {}

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
    return new RpcException("MethodNotImplementedError", message, "", "", "method_not_implemented");
  }

  static RpcException protocolVersion(String message) {
    return new RpcException("ProtocolVersionError", message, "", "", "protocol_version_mismatch");
  }
}
