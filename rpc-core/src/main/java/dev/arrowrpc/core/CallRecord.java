package dev.arrowrpc.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One completed call, as a server reports it to its {@link CallListener}: one record per unary call,
 * per stream on a byte channel, per request (init or turn) on HTTP, and one per refused request.
 * It never holds a request or response value, nor a stream state token: only their shape and sizes.
 *
 * @param timestamp when the call completed
 * @param serverId the server's id
 * @param protocol the wire name of the protocol the call addressed (the server's primary protocol
 *     for requests that reached none)
 * @param protocolHash the 64-hex-digit hash of that protocol
 * @param method the method name, as requested
 * @param methodType {@code unary} or {@code stream}
 * @param requestId the call's request id
 * @param principal the authenticated principal, if any
 * @param authDomain the authentication domain, or an empty string
 * @param remoteAddress the peer's address, or an empty string for pipes
 * @param duration how long the call took
 * @param failure why the call failed, when it did
 * @param streamId for streams, a 32-hex-digit id shared by every record of the stream
 * @param cancelled whether the client cancelled the stream
 * @param request the request batch's shape, on unary calls and stream inits whose batch was read
 * @param transportFields what the transport adds to the record, by access-log field name (for
 *     example the status line it answered with); values are strings, numbers or booleans
 * @param requestBytes the request's size on the wire, when known
 * @param requestStateBytes the size of the stream state tokens received (HTTP stream turns)
 * @param responseStateBytes the size of the stream state tokens returned (HTTP stream init and turns)
 * @param session what the request did with a sticky session, on servers that offer them
 */
public record CallRecord(
    Instant timestamp,
    String serverId,
    String protocol,
    String protocolHash,
    String method,
    String methodType,
    String requestId,
    Optional<String> principal,
    String authDomain,
    String remoteAddress,
    Duration duration,
    Optional<Failure> failure,
    Optional<String> streamId,
    boolean cancelled,
    Optional<RequestShape> request,
    Map<String, Object> transportFields,
    OptionalLong requestBytes,
    OptionalLong requestStateBytes,
    OptionalLong responseStateBytes,
    Optional<Session> session) {

  /** The method types a record may carry. */
  public static final String UNARY = "unary";
  /** See {@link #UNARY}. */
  public static final String STREAM = "stream";

  /**
   * Why a call failed.
   *
   * @param type the error type in the reference's vocabulary, for example {@code ValueError}
   * @param message the full error message (never empty: the type stands in for a missing one)
   * @param code the canonical error code, one of the sixteen of the vgi-rpc error model
   * @param kind the error kind (the reason), when the error has one
   */
  public record Failure(String type, String message, String code, Optional<String> kind) {
    /**
     * Checks the parts and fills in an empty message.
     *
     * @param type the error type in the reference's vocabulary, for example {@code ValueError}
     * @param message the full error message (never empty: the type stands in for a missing one)
     * @param code the canonical error code, one of the sixteen of the vgi-rpc error model
     * @param kind the error kind (the reason), when the error has one
     */
    public Failure {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(kind, "kind");
      message = message == null || message.isEmpty() ? type : message;
    }
  }

  /**
   * What a request did with a sticky session (access log {@code session_action}, {@code
   * session_id}).
   *
   * @param action {@code none}, {@code open}, {@code resume} or {@code close}
   * @param id the id of the session touched (24 hex digits), absent on {@code none}
   */
  public record Session(String action, Optional<String> id) {
    /**
     * Checks the parts.
     *
     * @param action {@code none}, {@code open}, {@code resume} or {@code close}
     * @param id the id of the session touched (24 hex digits), absent on {@code none}
     */
    public Session {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * A record of a server without sticky sessions.
   *
   * @param timestamp when the call completed
   * @param serverId the server's id
   * @param protocol the wire name of the protocol the call addressed (the server's primary protocol for
   *     requests that reached none)
   * @param protocolHash the 64-hex-digit hash of that protocol
   * @param method the method name, as requested
   * @param methodType {@code unary} or {@code stream}
   * @param requestId the call's request id
   * @param principal the authenticated principal, if any
   * @param authDomain the authentication domain, or an empty string
   * @param remoteAddress the peer's address, or an empty string for pipes
   * @param duration how long the call took
   * @param failure why the call failed, when it did
   * @param streamId for streams, a 32-hex-digit id shared by every record of the stream
   * @param cancelled whether the client cancelled the stream
   * @param request the request batch's shape, on unary calls and stream inits whose batch was read
   * @param transportFields what the transport adds to the record, by access-log field name (for example the
   *     status line it answered with); values are strings, numbers or booleans
   * @param requestBytes the request's size on the wire, when known
   * @param requestStateBytes the size of the stream state tokens received (HTTP stream turns)
   * @param responseStateBytes the size of the stream state tokens returned (HTTP stream init and turns)
   */
  public CallRecord(Instant timestamp, String serverId, String protocol, String protocolHash, String method,
      String methodType, String requestId, Optional<String> principal, String authDomain, String remoteAddress,
      Duration duration, Optional<Failure> failure, Optional<String> streamId, boolean cancelled,
      Optional<RequestShape> request, Map<String, Object> transportFields, OptionalLong requestBytes,
      OptionalLong requestStateBytes, OptionalLong responseStateBytes) {
    this(timestamp, serverId, protocol, protocolHash, method, methodType, requestId, principal, authDomain,
        remoteAddress, duration, failure, streamId, cancelled, request, transportFields, requestBytes, requestStateBytes,
        responseStateBytes, Optional.empty());
  }

  /**
   * Checks the parts a record cannot do without.
   *
   * @param timestamp when the call completed
   * @param serverId the server's id
   * @param protocol the wire name of the protocol the call addressed (the server's primary protocol for
   *     requests that reached none)
   * @param protocolHash the 64-hex-digit hash of that protocol
   * @param method the method name, as requested
   * @param methodType {@code unary} or {@code stream}
   * @param requestId the call's request id
   * @param principal the authenticated principal, if any
   * @param authDomain the authentication domain, or an empty string
   * @param remoteAddress the peer's address, or an empty string for pipes
   * @param duration how long the call took
   * @param failure why the call failed, when it did
   * @param streamId for streams, a 32-hex-digit id shared by every record of the stream
   * @param cancelled whether the client cancelled the stream
   * @param request the request batch's shape, on unary calls and stream inits whose batch was read
   * @param transportFields what the transport adds to the record, by access-log field name (for example the
   *     status line it answered with); values are strings, numbers or booleans
   * @param requestBytes the request's size on the wire, when known
   * @param requestStateBytes the size of the stream state tokens received (HTTP stream turns)
   * @param responseStateBytes the size of the stream state tokens returned (HTTP stream init and turns)
   * @param session what the request did with a sticky session, on servers that offer them
   */
  public CallRecord {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(protocolHash, "protocolHash");
    Objects.requireNonNull(method, "method");
    transportFields = Map.copyOf(transportFields);
    if (!UNARY.equals(methodType) && !STREAM.equals(methodType)) {
      throw new IllegalArgumentException("methodType must be unary or stream, not " + methodType);
    }
    if (STREAM.equals(methodType) && streamId.isEmpty()) {
      throw new IllegalArgumentException("a stream record needs a stream id");
    }
  }

  /** {@return whether the call succeeded} */
  public boolean ok() {
    return failure.isEmpty();
  }
}
