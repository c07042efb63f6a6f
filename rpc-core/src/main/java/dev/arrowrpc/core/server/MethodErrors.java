package dev.arrowrpc.core.server;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.wire.ErrorTypes;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs a method's failure on the server, at a level chosen by its canonical code as the reference
 * does (docs/api/logging.md, "Method error log levels"), so that expected outcomes do not fill logs
 * with stack traces: a caller's mistake at INFO and a transient failure at WARN, one line each; an
 * unclassified error ({@code UNKNOWN}), {@code INTERNAL} or {@code DATA_LOSS} at ERROR with its stack
 * trace. Logger {@value #LOGGER}; each event carries {@code error_code}, {@code error_kind} (when
 * set), {@code error_type}, {@code method}, {@code request_id} and {@code server_id} as key-value
 * pairs. The client's answer and the access record are the same whatever is logged here.
 */
final class MethodErrors {
  /** The logger's name. */
  static final String LOGGER = "dev.arrowrpc.method";
  /** The codes that say the caller was wrong. */
  static final Set<ErrorCode> CLIENT = EnumSet.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND,
      ErrorCode.ALREADY_EXISTS, ErrorCode.OUT_OF_RANGE, ErrorCode.FAILED_PRECONDITION, ErrorCode.PERMISSION_DENIED,
      ErrorCode.UNAUTHENTICATED, ErrorCode.UNIMPLEMENTED, ErrorCode.CANCELLED);
  /** The codes of failures worth retrying. */
  static final Set<ErrorCode> TRANSIENT = EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED,
      ErrorCode.RESOURCE_EXHAUSTED, ErrorCode.ABORTED);
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private MethodErrors() {}

  /** The level a failure with this code is logged at. */
  static Level levelOf(ErrorCode code) {
    return CLIENT.contains(code) ? Level.INFO : TRANSIENT.contains(code) ? Level.WARN : Level.ERROR;
  }

  /**
   * Logs a method's failure.
   *
   * @param context the call that failed
   * @param serverId the server's id
   * @param error what it threw
   */
  static void log(ServerCall context, String serverId, Throwable error) {
    ErrorCode code = ErrorTypes.code(error);
    Level level = levelOf(code);
    if (!LOG.isEnabledForLevel(level)) {
      return;
    }
    String type = ErrorTypes.of(error);
    Optional<String> kind = ErrorTypes.kind(error).filter(k -> !k.isEmpty());
    String where = context.protocol().isEmpty() ? context.method() : context.protocol() + "." + context.method();
    LoggingEventBuilder event = LOG.atLevel(level)
        .addKeyValue("error_code", code.name())
        .addKeyValue("error_type", type)
        .addKeyValue("method", context.method())
        .addKeyValue("request_id", context.requestId())
        .addKeyValue("server_id", serverId);
    if (kind.isPresent()) {
      event = event.addKeyValue("error_kind", kind.get());
    }
    if (level == Level.ERROR) {
      event.setCause(error).log("Error in {}: {}: {}", where, type, ErrorTypes.message(error));
    } else {
      event.log("Error in {}: {}{} {}: {}", where, code.name(), kind.map(k -> " (" + k + ")").orElse(""), type,
          ErrorTypes.message(error));
    }
  }
}
