package dev.arrowrpc.transport.http;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.arrowrpc.core.RequestTransport;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * The HTTP {@link RequestTransport}, on OkHttp: posts each request to {@code {base URL}/{route}}
 * with the Arrow content type, optionally zstd-compressing the body, and hands back the response
 * body as a stream (decoding a zstd response). Thread-safe; connections are pooled and kept alive.
 * Made by {@link HttpRpc.Builder#transport()}.
 */
public final class HttpTransport implements RequestTransport {
  private static final MediaType ARROW = MediaType.get(Responses.ARROW);

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
   * Posts one request.
   *
   * @param route {@code method}, {@code method/init} or {@code method/exchange}
   * @param body the request stream
   * @return the response
   * @throws IOException when the request fails
   */
  @Override
  public RequestTransport.Response post(String route, byte[] body) throws IOException {
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
    return new RequestTransport.Response(response.code(), arrow, stream);
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
