package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.util.Json;
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
    metadata.put(Keys.LOG_LEVEL, message.level().name());
    metadata.put(Keys.LOG_MESSAGE, message.message());
    if (!message.extra().isEmpty()) {
      metadata.put(Keys.LOG_EXTRA, Json.write(message.extra()));
    }
    metadata.put(Keys.SERVER_ID, serverId);
    metadata.put(Keys.REQUEST_ID, requestId);
    return metadata;
  }

  /**
   * Metadata of an error batch describing an exception, in the reference's layout: {@code
   * "<Type>: <message>"} as the message, and the type, message, traceback and last frames in the
   * extras.
   *
   * @param error the exception
   * @param serverId the server's id
   * @param requestId the call's request id
   * @return the batch metadata
   */
  public static Map<String, String> error(Throwable error, String serverId, String requestId) {
    String type = ErrorTypes.of(error);
    String text = ErrorTypes.message(error);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("exception_type", type);
    extra.put("exception_message", text);
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
    String kind = error instanceof RpcException rpc ? rpc.errorKind().orElse(null) : null;
    if (kind != null) {
      extra.put("error_kind", kind);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Keys.LOG_LEVEL, LogLevel.EXCEPTION.name());
    metadata.put(Keys.LOG_MESSAGE, type + ": " + text);
    metadata.put(Keys.LOG_EXTRA, Json.write(extra));
    if (kind != null) {
      metadata.put(Keys.ERROR_KIND, kind);
    }
    metadata.put(Keys.SERVER_ID, serverId);
    metadata.put(Keys.REQUEST_ID, requestId);
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
    String level = metadata.get(Keys.LOG_LEVEL);
    String message = metadata.get(Keys.LOG_MESSAGE);
    if (level == null || message == null) {
      return DATA;
    }
    Map<String, Object> extra = parseExtra(metadata.get(Keys.LOG_EXTRA));
    if (LogLevel.EXCEPTION.name().equals(level)) {
      Object type = extra.get("exception_type");
      Object kind = metadata.getOrDefault(Keys.ERROR_KIND, stringOrNull(extra.get("error_kind")));
      String errorType = type instanceof String s ? s : "EXCEPTION";
      return new Error(
          new RpcException(
              errorType,
              stripPrefix(message, errorType),
              stringOrNull(extra.get("traceback")),
              metadata.get(Keys.REQUEST_ID),
              kind == null ? null : kind.toString()));
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

  private static String stripPrefix(String message, String type) {
    String prefix = type + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static String stringOrNull(Object value) {
    return value == null ? null : value.toString();
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
