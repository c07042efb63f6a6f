package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.spi.ErrorStreams;
import dev.arrowrpc.core.wire.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/** Header names and the bodies the server writes itself: JSON, HTML, Arrow error streams. */
final class Responses {
  /** The content type of Arrow IPC request and response bodies. */
  static final String ARROW = "application/vnd.apache.arrow.stream";
  static final HttpString REQUEST_ID = new HttpString("X-Request-ID");
  static final HttpString VGI_ACCEPT_ENCODING = new HttpString("X-VGI-Accept-Encoding");
  static final HttpString VGI_CONTENT_ENCODING = new HttpString("X-VGI-Content-Encoding");
  static final HttpString AUTH_REASON = new HttpString("VGI-Auth-Reason");
  static final HttpString AUTH_PROXY_REQUIRED = new HttpString("VGI-Auth-Proxy-Required");
  static final HttpString SUPPORTED_ENCODINGS = new HttpString("VGI-Supported-Encodings");
  static final HttpString MAX_REQUEST_BYTES = new HttpString("VGI-Max-Request-Bytes");
  static final HttpString EXTERNALIZATION_ENABLED = new HttpString("VGI-Externalization-Enabled");
  static final HttpString MAX_EXTERNALIZED_RESPONSE_BYTES = new HttpString("VGI-Max-Externalized-Response-Bytes");
  static final HttpString UPLOAD_URL_SUPPORT = new HttpString("VGI-Upload-URL-Support");
  static final HttpString MAX_UPLOAD_BYTES = new HttpString("VGI-Max-Upload-Bytes");
  static final HttpString MAX_RESPONSE_BYTES = new HttpString("VGI-Max-Response-Bytes");
  static final HttpString ACCEPT_MAX_RESPONSE_BYTES = new HttpString("VGI-Accept-Max-Response-Bytes");
  static final HttpString ACCEPT_MAX_RESPONSE_BYTES_SUPPORT = new HttpString("VGI-Accept-Max-Response-Bytes-Support");

  private Responses() {}

  /**
   * Sends a JSON body.
   *
   * @param exchange the exchange
   * @param status the status code
   * @param body the object to serialize
   */
  static void json(HttpServerExchange exchange, int status, Map<String, ?> body) throws IOException {
    send(exchange, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends an HTML page.
   *
   * @param exchange the exchange
   * @param status the status code
   * @param page the page
   */
  static void html(HttpServerExchange exchange, int status, String page) throws IOException {
    send(exchange, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends a complete body (headers only for {@code HEAD}).
   *
   * @param exchange the exchange
   * @param status the status code
   * @param contentType the content type
   * @param body the body
   */
  static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    if (exchange.getRequestMethod().equalToString("HEAD")) {
      return;
    }
    if (!exchange.isBlocking()) {
      exchange.startBlocking();
    }
    try (OutputStream out = exchange.getOutputStream()) {
      out.write(body);
    }
  }

  /**
   * An Arrow IPC stream on the empty schema holding one error batch.
   *
   * @param error the error
   * @param serverId the server's id
   * @param requestId the request's id
   * @param allocator scratch memory (nothing is allocated for an empty schema)
   * @return the stream's bytes
   */
  static byte[] arrowError(RpcException error, String serverId, String requestId, BufferAllocator allocator) {
    return ErrorStreams.bytes(error, serverId, requestId, allocator);
  }

  /** Escapes text for HTML. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
