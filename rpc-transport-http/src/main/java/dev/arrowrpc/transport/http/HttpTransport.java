package dev.arrowrpc.transport.http;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * The HTTP {@link RequestTransport}, on OkHttp: posts each request to {@code {base URL}/{route}}
 * ({@link #route}) with the Arrow content type, optionally zstd-compressing the body, and hands
 * back the response body as a stream (decoding a zstd response); a refusal without an Arrow body
 * becomes an {@link RpcException} by its status ({@link Answer#arrowStream}). Thread-safe;
 * connections are pooled and kept alive. Made by {@link HttpRpc.Builder#transport()}.
 */
public final class HttpTransport implements RequestTransport {
  private static final MediaType ARROW = MediaType.get(Responses.ARROW);
  /** How much of a refusal's body an error message quotes. */
  private static final int MAX_QUOTED_BODY = 2048;

  private final OkHttpClient client;
  private final HttpUrl base;
  private final Map<String, String> headers;
  private final boolean compressRequests;
  private final boolean ownsClient;

  HttpTransport(OkHttpClient client, HttpUrl base, Map<String, String> headers, boolean compressRequests,
      boolean ownsClient) {
    this.client = client;
    this.base = base;
    this.headers = Map.copyOf(headers);
    this.compressRequests = compressRequests;
    this.ownsClient = ownsClient;
  }

  /** The base URL requests are posted under. */
  public String baseUrl() {
    return base.toString();
  }

  /**
   * Sends one call's request to its route and returns the Arrow answer; a refusal without one
   * becomes an {@link RpcException}: a 401 an {@code AuthenticationError}, a 413 a {@code
   * PayloadTooLarge}, anything else (a proxy's 502 page) a {@code TransportError}, each quoting the
   * status and the start of the text.
   */
  @Override
  public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
    return post(route(protocol, method, kind), body).arrowStream();
  }

  /**
   * The route of a request under the base URL: {@code protocol/method} for a unary call, {@code
   * protocol/method/init} to open a stream and {@code protocol/method/exchange} for each later turn.
   *
   * @param protocol the protocol
   * @param method the method
   * @param kind what the request is
   * @return the route, relative
   */
  public static String route(String protocol, String method, Kind kind) {
    return switch (kind) {
      case UNARY -> protocol + "/" + method;
      case INIT -> protocol + "/" + method + "/init";
      case TURN -> protocol + "/" + method + "/exchange";
    };
  }

  /**
   * Posts one request and returns the answer whatever its status (for tools that look at the
   * HTTP exchange itself).
   *
   * @param route the route, relative to the base URL ({@link #route})
   * @param body the request stream
   * @return the answer; the caller closes it
   * @throws IOException when the request fails
   */
  public Answer post(String route, byte[] body) throws IOException {
    HttpUrl.Builder url = base.newBuilder();
    for (String segment : route.split("/")) {
      url.addPathSegment(segment);
    }
    byte[] payload = compressRequests ? Zstd.compress(body, 1) : body;
    Request.Builder request = new Request.Builder().url(url.build()).post(new OneShot(payload));
    headers.forEach(request::header);
    if (compressRequests) {
      request.header("Content-Encoding", "zstd");
    }
    okhttp3.Response response = client.newCall(request.build()).execute();
    ResponseBody responseBody = response.body();
    InputStream stream = new Closing(responseBody.byteStream(), response);
    if ("zstd".equalsIgnoreCase(Optional.ofNullable(response.header("Content-Encoding"))
        .orElse(response.header("X-VGI-Content-Encoding", "")))) {
      stream = new Closing(new ZstdInputStreamNoFinalizer(stream), response);
    }
    MediaType type = responseBody.contentType();
    boolean arrow = type != null && (type.type() + "/" + type.subtype()).equalsIgnoreCase(Responses.ARROW);
    return new Answer(response.code(), arrow, stream);
  }

  /**
   * One HTTP answer.
   *
   * @param status the status code (200 for results; in-band errors carry an Arrow body too)
   * @param arrow whether the body is an Arrow IPC stream ({@code application/vnd.apache.arrow.stream})
   * @param body the body, already decoded from any content encoding
   */
  public record Answer(int status, boolean arrow, InputStream body) implements Closeable {
    /** Checks the body is present. */
    public Answer {
      Objects.requireNonNull(body, "body");
    }

    /**
     * The body when it is an Arrow stream; otherwise the refusal it explains, as an exception
     * (the body is closed then).
     *
     * @return the Arrow stream, closed by the caller
     * @throws RpcException for a body that is not Arrow
     * @throws IOException when the refusal's text cannot be read
     */
    public InputStream arrowStream() throws IOException {
      if (arrow) {
        return body;
      }
      try (body) {
        byte[] head = body.readNBytes(MAX_QUOTED_BODY);
        String text = new String(head, StandardCharsets.UTF_8).strip();
        String type = switch (status) {
          case 401 -> "AuthenticationError";
          case 413 -> "PayloadTooLarge";
          default -> "TransportError";
        };
        throw new RpcException(type, "HTTP " + status + (text.isEmpty() ? "" : ": " + text));
      }
    }

    /** Closes the body. */
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** Closes the connection pool and dispatcher threads, when this transport created the client. */
  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /**
   * A request body OkHttp must not send twice: once a request went out, a dropped connection may
   * mean the server ran the call, so resending it (OkHttp's default after a failure on a kept-alive
   * connection) could run a call that changes state twice. A connection found dead before anything
   * was sent is still retried; after that the caller sees a TransportError.
   */
  private static final class OneShot extends RequestBody {
    private final byte[] payload;

    OneShot(byte[] payload) {
      this.payload = payload;
    }

    @Override
    public MediaType contentType() {
      return ARROW;
    }

    @Override
    public long contentLength() {
      return payload.length;
    }

    @Override
    public void writeTo(okio.BufferedSink sink) throws IOException {
      sink.write(payload);
    }

    @Override
    public boolean isOneShot() {
      return true;
    }
  }

  /** A response body stream that releases its response when closed. */
  private static final class Closing extends FilterInputStream {
    private final okhttp3.Response response;

    Closing(InputStream in, okhttp3.Response response) {
      super(in);
      this.response = response;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        response.close();
      }
    }
  }
}
