package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of log and error batches, both ways: building it on the server and classifying
 * batches on the client (a zero-row batch carrying a level and a message is a log, or an error when
 * its level is {@code EXCEPTION}; anything else is data).
 */
public final class LogBatches {
  private static final int MAX_TRACEBACK_CHARS = 16_000;
  private static final int MAX_FRAMES = 5;

  private LogBatches() {}

  /**
   * Metadata of a log batch.
   *
   * @param message the log message
   * @param serverId the server's id
   * @param requestId the call's request id
   * @return the batch metadata
   */
  public static Map<String, String> log(LogMessage message, String serverId, String requestId) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.LOG_LEVEL, message.level().name());
    metadata.put(MetadataKeys.LOG_MESSAGE, message.message());
    if (!message.extra().isEmpty()) {
      metadata.put(MetadataKeys.LOG_EXTRA, Json.write(message.extra()));
    }
    metadata.put(MetadataKeys.SERVER_ID, serverId);
    metadata.put(MetadataKeys.REQUEST_ID, requestId);
    return metadata;
  }

  /**
   * Metadata of an error batch describing an exception, with its traceback (the default).
   *
   * @param error the exception
   * @param serverId the server's id
   * @param requestId the call's request id
   * @return the batch metadata
   * @see #error(Throwable, String, String, boolean)
   */
  public static Map<String, String> error(Throwable error, String serverId, String requestId) {
    return error(error, serverId, requestId, true);
  }

  /**
   * Metadata of an error batch describing an exception, in the reference's layout: {@code
   * "<Type>: <message>"} as the message; the error model's code (always), kind (when classified)
   * and details (when any, they follow the rules and fit the cap) as top-level keys, mirrored in
   * the extras; and the type, message and, when {@code tracebacks} is on, the traceback, its last
   * frames and the cause's traceback in the extras.
   *
   * @param error the exception
   * @param serverId the server's id
   * @param requestId the call's request id
   * @param tracebacks whether the extras carry {@code traceback}, {@code frames} and {@code cause}
   *     (the server-wide setting; type, message, code, kind and details are sent either way)
   * @return the batch metadata
   */
  public static Map<String, String> error(Throwable error, String serverId, String requestId,
      boolean tracebacks) {
    String type = ErrorTypes.of(error);
    String text = ErrorTypes.message(error);
    String code = ErrorTypes.code(error).name();
    String kind = ErrorTypes.kind(error).orElse(null);
    List<Map<String, Object>> details = ErrorTypes.details(error);
    String encodedDetails = ErrorDetailsCodec.encode(details).orElse(null);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("exception_type", type);
    extra.put("exception_message", text);
    extra.put("error_code", code);
    if (kind != null) {
      extra.put("error_kind", kind);
    }
    if (encodedDetails != null) {
      extra.put("error_details", details);
    }
    if (tracebacks) {
      extra.put("traceback", truncate(stackTrace(error)));
      if (error.getCause() != null && error.getCause() != error) {
        extra.put("cause", truncate(stackTrace(error.getCause())));
      }
      List<Map<String, Object>> frames = new ArrayList<>();
      StackTraceElement[] stack = error.getStackTrace();
      for (int i = Math.min(MAX_FRAMES, stack.length) - 1; i >= 0; i--) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("file", String.valueOf(stack[i].getFileName()));
        frame.put("line", stack[i].getLineNumber());
        frame.put("function", stack[i].getClassName() + "." + stack[i].getMethodName());
        frame.put("code", null);
        frames.add(frame);
      }
      extra.put("frames", frames);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.LOG_LEVEL, LogLevel.EXCEPTION.name());
    metadata.put(MetadataKeys.LOG_MESSAGE, type + ": " + text);
    metadata.put(MetadataKeys.LOG_EXTRA, Json.write(extra));
    metadata.put(MetadataKeys.ERROR_CODE, code);
    if (kind != null) {
      metadata.put(MetadataKeys.ERROR_KIND, kind);
    }
    if (encodedDetails != null) {
      metadata.put(MetadataKeys.ERROR_DETAILS, encodedDetails);
    }
    metadata.put(MetadataKeys.SERVER_ID, serverId);
    metadata.put(MetadataKeys.REQUEST_ID, requestId);
    return metadata;
  }

  private static String stackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private static String truncate(String text) {
    return text.length() <= MAX_TRACEBACK_CHARS
        ? text
        : text.substring(0, MAX_TRACEBACK_CHARS) + "\n… <traceback truncated>";
  }

  /** What a received batch is. */
  public sealed interface Kind {}

  /** A data batch. */
  public record Data() implements Kind {}

  /**
   * A log batch.
   *
   * @param message the message
   */
  public record Log(LogMessage message) implements Kind {}

  /**
   * An error batch.
   *
   * @param error the error it reports
   */
  public record Error(RpcException error) implements Kind {}

  private static final Data DATA = new Data();

  /**
   * Classifies a received batch.
   *
   * @param rows the batch's row count
   * @param metadata the batch's custom metadata
   * @return data, log or error
   */
  public static Kind classify(int rows, Map<String, String> metadata) {
    if (rows > 0 || metadata.isEmpty()) {
      return DATA;
    }
    String level = metadata.get(MetadataKeys.LOG_LEVEL);
    String message = metadata.get(MetadataKeys.LOG_MESSAGE);
    if (level == null || message == null) {
      return DATA;
    }
    Map<String, Object> extra = parseExtra(metadata.get(MetadataKeys.LOG_EXTRA));
    if (LogLevel.EXCEPTION.name().equals(level)) {
      return new Error(exception(message, metadata, extra));
    }
    LogLevel parsed;
    try {
      parsed = LogLevel.valueOf(level);
    } catch (IllegalArgumentException e) {
      parsed = LogLevel.INFO;
    }
    Map<String, String> extras = new LinkedHashMap<>();
    extra.forEach((k, v) -> extras.put(k, v == null ? "None" : v instanceof String s ? s : Json.write(v)));
    return new Log(new LogMessage(parsed, message, extras));
  }

  /**
   * The error an EXCEPTION batch reports. The code, kind and details come from their top-level keys,
   * or from the {@code log_extra} mirror when a key is absent.
   */
  private static RpcException exception(String message, Map<String, String> metadata,
      Map<String, Object> extra) {
    String errorType = extra.get("exception_type") instanceof String s ? s : "EXCEPTION";
    String code = metadata.containsKey(MetadataKeys.ERROR_CODE) ? metadata.get(MetadataKeys.ERROR_CODE)
        : extra.get("error_code") instanceof String s ? s : "";
    String kind = metadata.containsKey(MetadataKeys.ERROR_KIND) ? metadata.get(MetadataKeys.ERROR_KIND)
        : extra.get("error_kind") instanceof String s ? s : null;
    List<Map<String, Object>> details = metadata.containsKey(MetadataKeys.ERROR_DETAILS)
        ? ErrorDetailsCodec.decode(metadata.get(MetadataKeys.ERROR_DETAILS))
        : ErrorDetailsCodec.objects(extra.get("error_details"));
    return RpcException.builder(errorType, stripPrefix(message, errorType))
        .remoteTraceback(extra.get("traceback") instanceof String s ? s : "")
        .requestId(metadata.get(MetadataKeys.REQUEST_ID))
        .codeName(code)
        .kind(kind)
        .detailsJson(details)
        .build();
  }

  private static String stripPrefix(String message, String type) {
    String prefix = type + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parseExtra(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      Object parsed = Json.parse(json);
      return parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }
}
