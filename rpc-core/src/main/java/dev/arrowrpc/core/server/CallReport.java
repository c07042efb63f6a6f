package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.spi.SessionActivity;
import dev.arrowrpc.core.wire.ErrorTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a transport knows about one completed call, gathered for its access record ({@link
 * ServerState#report}). The protocol name and hash are whatever the caller says the call addressed:
 * the owning protocol for a dispatched method, the server's primary for a request that reached none.
 */
final class CallReport {
  private final String protocol;
  private final String protocolHash;
  private final String method;
  private final String methodType;
  private final long startedNanos;
  private String requestId = "";
  private Optional<String> principal = Optional.empty();
  private String authDomain = "";
  private String remoteAddress = "";
  private Throwable error;
  private String streamId;
  private boolean cancelled;
  private RequestShape request;
  private Map<String, Object> transportFields = Map.of();
  private OptionalLong requestBytes = OptionalLong.empty();
  private OptionalLong requestStateBytes = OptionalLong.empty();
  private OptionalLong responseStateBytes = OptionalLong.empty();
  private Optional<CallRecord.Session> session = Optional.empty();

  private CallReport(String protocol, String protocolHash, String method, String methodType, long startedNanos) {
    this.protocol = protocol;
    this.protocolHash = protocolHash;
    this.method = method;
    this.methodType = methodType;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts a report.
   *
   * @param protocol the wire name of the protocol the call addressed
   * @param protocolHash that protocol's hash
   * @param method the method name
   * @param methodType {@code unary} or {@code stream}
   * @param startedNanos {@link System#nanoTime()} when the call started
   * @return the report
   */
  static CallReport of(String protocol, String protocolHash, String method, String methodType, long startedNanos) {
    return new CallReport(protocol, protocolHash, method, methodType, startedNanos);
  }

  /** Who called, from the call's context (and what the request did with a sticky session). */
  CallReport call(ServerCall context) {
    this.session = context.sessions().filter(SessionActivity.class::isInstance).map(SessionActivity.class::cast)
        .map(activity -> new CallRecord.Session(activity.sessionAction(), activity.sessionId()));
    this.requestId = context.requestId();
    this.principal = context.principal();
    this.authDomain = context.authDomain();
    return this;
  }

  /** Who called, for a request that never became a call. */
  CallReport caller(String requestId, Identity identity) {
    this.requestId = requestId;
    this.principal = identity.principal();
    this.authDomain = identity.domain();
    return this;
  }

  /** The peer's address (empty for pipes). */
  CallReport remote(String address) {
    this.remoteAddress = address;
    return this;
  }

  /** The failure, or null when the call succeeded. */
  CallReport failure(Throwable failure) {
    this.error = failure;
    return this;
  }

  /** The stream id, or null for a unary call. */
  CallReport stream(String id) {
    this.streamId = id;
    return this;
  }

  /** Marks the stream cancelled by the client. */
  CallReport cancelled(boolean byClient) {
    this.cancelled = byClient;
    return this;
  }

  /** The request batch's shape, or null when none was read (or the record is a stream turn). */
  CallReport request(RequestShape shape) {
    this.request = shape;
    return this;
  }

  /** The fields the transport adds to the record. */
  CallReport transportFields(Map<String, Object> fields) {
    this.transportFields = fields;
    return this;
  }

  /** The request's size on the wire. */
  CallReport requestBytes(long bytes) {
    this.requestBytes = OptionalLong.of(bytes);
    return this;
  }

  /** The size of the state tokens received. */
  CallReport requestStateBytes(long bytes) {
    this.requestStateBytes = OptionalLong.of(bytes);
    return this;
  }

  /** The size of the state tokens returned. */
  CallReport responseStateBytes(long bytes) {
    this.responseStateBytes = OptionalLong.of(bytes);
    return this;
  }

  /** The size of the state tokens among some batch metadata (0 when there are none). */
  static long stateBytes(Map<String, String> metadata) {
    long total = 0;
    for (String key : new String[] {RequestHandler.CURSOR_KEY, RequestHandler.CALL_KEY}) {
      String token = metadata.get(key);
      total += token == null ? 0 : token.length(); // base64 text: one byte per character
    }
    return total;
  }

  /** The record, completed now. */
  CallRecord toRecord(String serverId) {
    Optional<CallRecord.Failure> failure = Optional.ofNullable(error).map(e -> new CallRecord.Failure(
        ErrorTypes.of(e), ErrorTypes.message(e), codeOf(e), kindOf(e)));
    return new CallRecord(Instant.now(), serverId, protocol, protocolHash, method, methodType, requestId,
        principal, authDomain, remoteAddress, Duration.ofNanos(System.nanoTime() - startedNanos), failure,
        Optional.ofNullable(streamId), cancelled, Optional.ofNullable(request), transportFields, requestBytes,
        requestStateBytes, responseStateBytes, session);
  }

  private static Optional<String> kindOf(Throwable error) {
    return error instanceof RpcException rpc ? rpc.errorKind().filter(k -> !k.isEmpty()) : Optional.empty();
  }

  /**
   * The canonical error code of a failure (WIRE_PROTOCOL.md section 8), the one its answer carries:
   * the code an {@link RpcException} declares, else the code its error kind maps to, else {@code
   * UNKNOWN}, as the reference answers every unclassified error.
   */
  static String codeOf(Throwable error) {
    return dev.arrowrpc.core.wire.ErrorTypes.code(error).name();
  }
}
