package dev.arrowrpc.core;

import java.util.Map;
import java.util.Optional;

/**
 * The canonical code of an error: gRPC's sixteen non-{@code OK} codes, sent on the wire by name
 * ({@code vgi_rpc.error_code = "UNAVAILABLE"}). The set is closed: a value outside it reads as
 * {@link #UNKNOWN}.
 *
 * <p>The code is what generic handling keys on (retry or not, how to show the error); the kind
 * ({@code vgi_rpc.error_kind}) is what a client branches on.
 */
public enum ErrorCode {
  /** The caller cancelled the operation. */
  CANCELLED,
  /** Unclassified; what every error without a code is. */
  UNKNOWN,
  /** The request was wrong regardless of the server's state. */
  INVALID_ARGUMENT,
  /** The deadline passed before the operation finished. */
  DEADLINE_EXCEEDED,
  /** A requested entity does not exist. */
  NOT_FOUND,
  /** The entity to create already exists. */
  ALREADY_EXISTS,
  /** The caller may not do this. */
  PERMISSION_DENIED,
  /** A quota or capacity limit was hit; retryable only with {@code RetryInfo}. */
  RESOURCE_EXHAUSTED,
  /** The system is not in the state the operation requires. */
  FAILED_PRECONDITION,
  /** A concurrency conflict: retry the whole operation at a higher level, not this call. */
  ABORTED,
  /** An argument is past the valid range. */
  OUT_OF_RANGE,
  /** The operation, method or protocol is not implemented. */
  UNIMPLEMENTED,
  /** Reserved for faults an implementation detects in its own machinery. */
  INTERNAL,
  /** Transient: the service cannot answer now; retryable. */
  UNAVAILABLE,
  /** Unrecoverable data loss or corruption. */
  DATA_LOSS,
  /** The caller is not (or no longer) authenticated. */
  UNAUTHENTICATED;

  /**
   * The codes of the framework's well-known kinds (WIRE_PROTOCOL.md §8 and §16): every kind names
   * exactly one code.
   */
  private static final Map<String, ErrorCode> WELL_KNOWN_KINDS = Map.ofEntries(
      Map.entry("method_not_implemented", UNIMPLEMENTED),
      Map.entry("protocol_not_specified", INVALID_ARGUMENT),
      Map.entry("protocol_not_supported", UNIMPLEMENTED),
      Map.entry("protocol_version_mismatch", FAILED_PRECONDITION),
      Map.entry("session_lost", ABORTED),
      Map.entry("server_draining", UNAVAILABLE),
      Map.entry("identity_unavailable", UNAVAILABLE),
      Map.entry("stale_auth", UNAUTHENTICATED),
      Map.entry("introspection_refused", PERMISSION_DENIED),
      Map.entry("grant_refused", PERMISSION_DENIED),
      Map.entry("token_unresolved", NOT_FOUND));

  /**
   * Reads a wire value.
   *
   * @param value the {@code vgi_rpc.error_code} value, or null when absent
   * @return the code of that name; {@link #UNKNOWN} for null, empty or any other value (such as
   *     {@code OK} or a lower-case spelling)
   */
  public static ErrorCode parse(String value) {
    return lookup(value).orElse(UNKNOWN);
  }

  /**
   * Looks a wire value up without the {@link #UNKNOWN} fallback.
   *
   * @param value a code name, or null
   * @return the code of exactly that name, if it is one of the sixteen
   */
  public static Optional<ErrorCode> lookup(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    for (ErrorCode code : values()) {
      if (code.name().equals(value)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the code a well-known framework kind names (for example {@link #UNIMPLEMENTED} for
   * {@code method_not_implemented}).
   *
   * @param kind an error kind
   * @return its code, when the kind is one the protocol itself defines
   */
  public static Optional<ErrorCode> ofKind(String kind) {
    return Optional.ofNullable(kind == null ? null : WELL_KNOWN_KINDS.get(kind));
  }
}
