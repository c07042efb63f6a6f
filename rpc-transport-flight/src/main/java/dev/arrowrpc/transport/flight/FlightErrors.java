package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * vgi-rpc errors as Flight statuses. The status code comes from the error's {@code error_code} (gRPC
 * code names; those Flight lacks fold the way Flight folds gRPC's own), the description is {@code
 * "<ErrorType>: <message>"}, and the status metadata carries the rest under these keys (ASCII; JSON
 * values are ASCII-escaped):
 *
 * <ul>
 *   <li>{@value #TYPE}: the remote error type, {@value #CODE}: the vgi-rpc error code (exact, before
 *       folding), {@value #KIND}: its kind when classified, {@value #DETAILS}: its details as a JSON
 *       array (when any), {@value #REQUEST_ID}: the request id;
 *   <li>{@value #LOGS}: the server log messages the call emitted before it failed, as a JSON array of
 *       {@code {"level", "message", "extra"}} (when any).
 * </ul>
 */
final class FlightErrors {
  /** Metadata key: the remote error type. */
  static final String TYPE = "vgi-rpc-error-type";
  /** Metadata key: the vgi-rpc error code. */
  static final String CODE = "vgi-rpc-error-code";
  /** Metadata key: the error kind. */
  static final String KIND = "vgi-rpc-error-kind";
  /** Metadata key: the error details (JSON). */
  static final String DETAILS = "vgi-rpc-error-details";
  /** Metadata key: the request id. */
  static final String REQUEST_ID = "vgi-rpc-request-id";
  /** Metadata key: the logs emitted before the error (JSON). */
  static final String LOGS = "vgi-rpc-logs";

  private FlightErrors() {}

  /**
   * The Flight code of a vgi-rpc error code.
   *
   * @param code the vgi-rpc code
   * @return the Flight code
   */
  static FlightStatusCode code(ErrorCode code) {
    return switch (code) {
      case CANCELLED -> FlightStatusCode.CANCELLED;
      case UNKNOWN -> FlightStatusCode.UNKNOWN;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> FlightStatusCode.INVALID_ARGUMENT;
      case DEADLINE_EXCEEDED -> FlightStatusCode.TIMED_OUT;
      case NOT_FOUND -> FlightStatusCode.NOT_FOUND;
      case ALREADY_EXISTS -> FlightStatusCode.ALREADY_EXISTS;
      case PERMISSION_DENIED -> FlightStatusCode.UNAUTHORIZED;
      case RESOURCE_EXHAUSTED -> FlightStatusCode.RESOURCE_EXHAUSTED;
      case ABORTED, INTERNAL, DATA_LOSS -> FlightStatusCode.INTERNAL;
      case UNIMPLEMENTED -> FlightStatusCode.UNIMPLEMENTED;
      case UNAVAILABLE -> FlightStatusCode.UNAVAILABLE;
      case UNAUTHENTICATED -> FlightStatusCode.UNAUTHENTICATED;
    };
  }

  /**
   * The Flight exception reporting a vgi-rpc error.
   *
   * @param error the error the engine answered
   * @param logs the log messages the call emitted before it
   * @return the exception to throw or hand to a listener
   */
  static FlightRuntimeException of(RpcException error, List<LogMessage> logs) {
    ErrorFlightMetadata metadata = new ErrorFlightMetadata();
    metadata.insert(TYPE, FlightJson.ascii(error.errorType()));
    if (!error.errorCodeName().isEmpty()) {
      metadata.insert(CODE, FlightJson.ascii(error.errorCodeName()));
    }
    error.errorKind().ifPresent(kind -> metadata.insert(KIND, FlightJson.ascii(kind)));
    if (!error.errorDetailsJson().isEmpty()) {
      metadata.insert(DETAILS, FlightJson.write(error.errorDetailsJson()));
    }
    if (error.requestId() != null && !error.requestId().isEmpty()) {
      metadata.insert(REQUEST_ID, FlightJson.ascii(error.requestId()));
    }
    if (!logs.isEmpty()) {
      metadata.insert(LOGS, FlightJson.write(logsJson(logs)));
    }
    return new CallStatus(code(error.errorCode()), null, error.errorType() + ": " + error.errorMessage(), metadata)
        .toRuntimeException();
  }

  /**
   * Log messages as JSON objects.
   *
   * @param logs the messages
   * @return one {@code {"level", "message", "extra"}} object per message
   */
  static List<Map<String, Object>> logsJson(List<LogMessage> logs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LogMessage log : logs) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("level", log.level().name());
      entry.put("message", log.message());
      entry.put("extra", new LinkedHashMap<String, Object>(log.extra()));
      out.add(entry);
    }
    return out;
  }
}
