package dev.arrowrpc.core.runtime;

import dev.arrowrpc.core.CallListener;
import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.RequestShape;
import dev.arrowrpc.core.wire.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one JSON object per completed call, one per line, in the vgi-rpc access-log format
 * (logger {@code vgi_rpc.access}, the 0.52 schema), flushing every record so readers can follow the
 * file live.
 *
 * <p>No record carries a request or response value, nor a stream state token, at any level: a
 * request is described by {@code request_fields} and {@code request_rows}, a token by its size.
 * The log's {@link Level} is the threshold of the access channel, as in the reference: at {@link
 * Level#DEBUG} the records are the same, and every record is written at level {@code INFO}, which
 * is the only level the access-log schema admits.
 */
public final class JsonlAccessLog implements CallListener, AutoCloseable {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The threshold of the access channel. */
  public enum Level {
    /** The default. */
    INFO,
    /** The access channel opened to DEBUG; adds nothing to the records (payloads are never logged). */
    DEBUG
  }

  private final Writer out;
  private final Level level;

  private JsonlAccessLog(OutputStream out, Level level) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    this.level = level;
  }

  /**
   * Appends to a file, creating it when missing, at level INFO.
   *
   * @param path the file
   * @return the log
   * @throws IOException when the file cannot be opened
   */
  public static JsonlAccessLog append(Path path) throws IOException {
    return append(path, Level.INFO);
  }

  /**
   * Appends to a file, creating it when missing.
   *
   * @param path the file
   * @param debug whether the access channel is at DEBUG (which adds nothing to the records)
   * @return the log
   * @throws IOException when the file cannot be opened
   */
  public static JsonlAccessLog append(Path path, boolean debug) throws IOException {
    return append(path, debug ? Level.DEBUG : Level.INFO);
  }

  /**
   * Appends to a file, creating it when missing.
   *
   * @param path the file
   * @param level the threshold of the access channel
   * @return the log
   * @throws IOException when the file cannot be opened
   */
  public static JsonlAccessLog append(Path path, Level level) throws IOException {
    return new JsonlAccessLog(
        Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND), level);
  }

  /**
   * Writes to a stream.
   *
   * @param out the stream (closed with the log)
   * @param level the threshold of the access channel
   * @return the log
   */
  public static JsonlAccessLog to(OutputStream out, Level level) {
    return new JsonlAccessLog(out, level);
  }

  /**
   * Writes to a stream.
   *
   * @param out the stream (closed with the log)
   * @param debug whether the access channel is at DEBUG (which adds nothing to the records)
   * @return the log
   */
  public static JsonlAccessLog to(OutputStream out, boolean debug) {
    return to(out, debug ? Level.DEBUG : Level.INFO);
  }

  /** {@return the threshold of the access channel} */
  public Level level() {
    return level;
  }

  @Override
  public void onCall(CallRecord call) {
    String text = Json.write(fields(call));
    synchronized (this) {
      try {
        out.write(text);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The JSON object written for a call, in writing order.
   *
   * @param call the call
   * @return its fields
   */
  static Map<String, Object> fields(CallRecord call) {
    Map<String, Object> line = new LinkedHashMap<>();
    String status = call.ok() ? "ok" : "error";
    line.put("timestamp", TIMESTAMP.format(call.timestamp()));
    line.put("level", "INFO");
    line.put("logger", "vgi_rpc.access");
    line.put("message", call.protocol() + "." + call.method() + " " + status);
    line.put("server_id", call.serverId());
    line.put("protocol", call.protocol());
    line.put("protocol_hash", call.protocolHash());
    line.put("method", call.method());
    line.put("method_type", call.methodType());
    line.put("principal", call.principal().orElse(""));
    line.put("auth_domain", call.authDomain());
    line.put("authenticated", call.principal().isPresent());
    line.put("remote_addr", call.remoteAddress());
    line.put("duration_ms", Math.round(call.duration().toNanos() / 10_000.0) / 100.0);
    line.put("status", status);
    line.put("error_type", call.failure().map(CallRecord.Failure::type).orElse(""));
    call.failure().ifPresent(failure -> {
      line.put("error_message", failure.message());
      line.put("error_code", failure.code());
    });
    if (!call.requestId().isEmpty()) {
      line.put("request_id", call.requestId());
    }
    new java.util.TreeMap<>(call.transportFields()).forEach(line::putIfAbsent);
    call.streamId().ifPresent(id -> line.put("stream_id", id));
    if (call.cancelled()) {
      line.put("cancelled", true);
    }
    call.request().ifPresent(shape -> {
      List<Map<String, Object>> params = shape.params().stream()
          .map(JsonlAccessLog::param)
          .toList();
      line.put("request_fields", params);
      line.put("request_rows", shape.rows());
    });
    call.requestBytes().ifPresent(n -> line.put("request_bytes", n));
    call.requestStateBytes().ifPresent(n -> line.put("request_state_bytes", n));
    call.responseStateBytes().ifPresent(n -> line.put("response_state_bytes", n));
    call.session().ifPresent(session -> {
      line.put("session_action", session.action());
      session.id().ifPresent(id -> line.put("session_id", id));
    });
    return line;
  }

  private static Map<String, Object> param(RequestShape.Param param) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", param.name());
    entry.put("type", param.type());
    return entry;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
