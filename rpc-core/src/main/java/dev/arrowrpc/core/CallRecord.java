package dev.arrowrpc.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One completed call, as a server reports it to its {@link CallListener} (one record per unary
 * call, one per stream).
 *
 * @param timestamp when the call completed
 * @param serverId the server's id
 * @param protocol the protocol name
 * @param protocolHash the describe hash of the protocol
 * @param method the method name
 * @param methodType {@code unary} or {@code stream}
 * @param requestId the call's request id
 * @param principal the authenticated principal, if any
 * @param authDomain the authentication domain, or an empty string
 * @param remoteAddress the peer's address, or an empty string for pipes
 * @param duration how long the call took
 * @param errorType the error type when the call failed, else empty
 * @param errorMessage the error message when the call failed, else empty
 * @param streamId for streams, a 32-hex-digit id
 * @param cancelled whether the client cancelled the stream
 * @param requestData the request as a self-contained IPC stream, when the listener asked for it
 * @param requestTruncated whether the request was too large to keep in {@code requestData}
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
    Optional<String> errorType,
    Optional<String> errorMessage,
    Optional<String> streamId,
    boolean cancelled,
    Optional<byte[]> requestData,
    boolean requestTruncated) {

  /** Whether the call succeeded. */
  public boolean ok() {
    return errorType.isEmpty();
  }
}
