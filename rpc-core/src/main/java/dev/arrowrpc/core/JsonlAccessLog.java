package dev.arrowrpc.core;

import dev.arrowrpc.core.util.Json;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON object per completed call, one per line, in the vgi-rpc access-log format
 * (logger {@code vgi_rpc.access}), flushing every record so readers can follow the file live.
 */
public final class JsonlAccessLog implements CallListener, AutoCloseable {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Writer out;
  private final boolean requestData;

  private JsonlAccessLog(OutputStream out, boolean requestData) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    this.requestData = requestData;
  }

  /**
   * Appends to a file, creating it when missing.
   *
   * @param path the file
   * @param requestData whether records carry the request payload ({@code request_data})
   * @return the log
   * @throws IOException when the file cannot be opened
   */
  public static JsonlAccessLog append(Path path, boolean requestData) throws IOException {
    return new JsonlAccessLog(
        Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND), requestData);
  }

  /**
   * Writes to a stream.
   *
   * @param out the stream (closed with the log)
   * @param requestData whether records carry the request payload
   * @return the log
   */
  public static JsonlAccessLog to(OutputStream out, boolean requestData) {
    return new JsonlAccessLog(out, requestData);
  }

  @Override
  public boolean wantsRequestData() {
    return requestData;
  }

  @Override
  public void onCall(CallRecord call) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", TIMESTAMP.format(call.timestamp()));
    line.put("level", "INFO");
    line.put("logger", "vgi_rpc.access");
    line.put("message", call.protocol() + "." + call.method() + " " + (call.ok() ? "ok" : "error"));
    line.put("server_id", call.serverId());
    line.put("protocol", call.protocol());
    line.put("protocol_hash", call.protocolHash());
    line.put("method", call.method());
    line.put("method_type", call.methodType());
    line.put("principal", call.principal().orElse(""));
    line.put("auth_domain", call.authDomain());
    line.put("authenticated", call.principal().isPresent());
    line.put("remote_addr", call.remoteAddress());
    line.put("duration_ms", call.duration().toNanos() / 1_000_000.0);
    line.put("status", call.ok() ? "ok" : "error");
    line.put("error_type", call.errorType().orElse(""));
    call.errorMessage().ifPresent(m -> line.put("error_message", m.isEmpty() ? call.errorType().orElse("error") : m));
    line.put("request_id", call.requestId());
    call.streamId().ifPresent(id -> line.put("stream_id", id));
    if (call.cancelled()) {
      line.put("cancelled", true);
    }
    call.requestData().ifPresent(bytes -> line.put("request_data", Base64.getEncoder().encodeToString(bytes)));
    if (call.requestTruncated()) {
      line.put("truncated", "record_too_large");
    }
    String text = Json.write(line);
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

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
