package dev.arrowrpc.core;

import java.util.Optional;

/**
 * A call failed. On the client this is the error the server reported, with the remote exception's
 * type in the reference's (Python class-style) vocabulary, such as {@code ValueError}, {@code
 * TypeError} or {@code ProtocolError}. A server method may throw it to choose the error type sent.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final String errorMessage;
  private final String remoteTraceback;
  private final String requestId;
  private final String errorKind;

  /**
   * Creates an error with a type and a message.
   *
   * @param errorType the error type, for example {@code ValueError}
   * @param errorMessage the message
   */
  public RpcException(String errorType, String errorMessage) {
    this(errorType, errorMessage, "", "", null);
  }

  /**
   * Creates an error as received from a server.
   *
   * @param errorType the error type, for example {@code ValueError}
   * @param errorMessage the message
   * @param remoteTraceback the server's traceback (empty when unknown)
   * @param requestId the request id the server assigned (empty when unknown)
   * @param errorKind the stable error token, or null
   */
  public RpcException(
      String errorType,
      String errorMessage,
      String remoteTraceback,
      String requestId,
      String errorKind) {
    super(errorType + ": " + errorMessage);
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    this.remoteTraceback = remoteTraceback == null ? "" : remoteTraceback;
    this.requestId = requestId == null ? "" : requestId;
    this.errorKind = errorKind;
  }

  /** Returns the error type, for example {@code ValueError}. */
  public String errorType() {
    return errorType;
  }

  /** Returns the error message (without the type prefix). */
  public String errorMessage() {
    return errorMessage;
  }

  /** Returns the server's traceback, or an empty string. */
  public String remoteTraceback() {
    return remoteTraceback;
  }

  /** Returns the request id, or an empty string. */
  public String requestId() {
    return requestId;
  }

  /** Returns the stable error token (such as {@code method_not_implemented}), if any. */
  public Optional<String> errorKind() {
    return Optional.ofNullable(errorKind);
  }
}
