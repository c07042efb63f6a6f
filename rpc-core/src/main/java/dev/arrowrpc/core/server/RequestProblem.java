package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StandardErrors;

/**
 * Builders for the errors a malformed or mismatched request gets, in the reference's vocabulary
 * (exception type, and for the classified ones the kind and the code it names).
 */
final class RequestProblem {
  /** The kind of a request naming a method its protocol lacks. */
  static final String METHOD_NOT_IMPLEMENTED = "method_not_implemented";
  /** The kind of a request naming a protocol not hosted here. */
  static final String PROTOCOL_NOT_SUPPORTED = "protocol_not_supported";

  private RequestProblem() {}

  /** A malformed request: {@code ProtocolError}, unclassified ({@code UNKNOWN}). */
  static RpcException protocol(String message) {
    return new RpcException("ProtocolError", message);
  }

  /** A missing or unsupported framing version: {@code VersionError}, unclassified. */
  static RpcException version(String message) {
    return new RpcException("VersionError", message);
  }

  /** Arguments that do not fit the method: {@code TypeError}, unclassified. */
  static RpcException type(String message) {
    return new RpcException("TypeError", message);
  }

  /** No such method: {@code MethodNotImplementedError}, {@code method_not_implemented}, {@code UNIMPLEMENTED}. */
  static RpcException unknownMethod(String message) {
    return StandardErrors.methodNotImplemented(message);
  }

  /** No {@code vgi_rpc.protocol}: {@code ProtocolNotSpecifiedError}, {@code INVALID_ARGUMENT}. */
  static RpcException protocolNotSpecified(String message) {
    return StandardErrors.protocolNotSpecified(message);
  }

  /** A protocol this server does not host: {@code ProtocolNotSupportedError}, {@code UNIMPLEMENTED}. */
  static RpcException protocolNotSupported(String message) {
    return StandardErrors.protocolNotSupported(message);
  }

  /**
   * An incompatible protocol version: {@code ProtocolVersionError}, {@code
   * protocol_version_mismatch}, {@code FAILED_PRECONDITION}, with a {@code PreconditionFailure}
   * ({@code protocol_version}, subject the protocol; none when the protocol is empty).
   */
  static RpcException protocolVersion(String message, String protocol, String clientVersion,
      String serverVersion) {
    return StandardErrors.protocolVersionMismatch(message, protocol, clientVersion, serverVersion);
  }
}
