package dev.arrowrpc.transport.http;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP {@link RequestTransport}, on OkHttp: posts each request to {@code {base URL}/{route}}
 * ({@link #route}) with the Arrow content type, optionally zstd-compressing the body, and hands
 * back the response body as a stream (decoding a zstd response); a refusal without an Arrow body
 * becomes an {@link RpcException} by its status ({@link Answer#arrowStream}). Thread-safe;
 * connections are pooled and kept alive. Made by {@link HttpRpc.Builder#transport()}.
 *
 * <p>Besides calls it speaks the transport's optional features as the reference's client does:
 * capability discovery ({@link #capabilities()}), upload URLs ({@link #requestUploadUrls(int)}) and
 * with them the externalization of requests too large to send inline (see {@link #call}), and
 * sticky-session scopes ({@link #session(Optional)}).
 *
 * <p><b>Response budget.</b> Unless built with {@link HttpRpc.Builder#unboundedResponses()}, every
 * request carries {@code VGI-Accept-Max-Response-Bytes} (256 MiB by default, {@link
 * HttpRpc.Builder#acceptMaxResponseBytes(long)}), as the reference's client does: before its first
 * request the transport discovers the server's capabilities and fails closed, with a {@code
 * ProtocolError} naming {@code VGI-Accept-Max-Response-Bytes-Support}, when the server does not
 * advertise support; every answer, a refusal as much as a result, must acknowledge the limit with
 * exactly one {@code VGI-Accept-Max-Response-Bytes-Support: true}, else it is a {@code
 * ProtocolError} quoting the status (and a refusal's text); and the decoded body (after any content coding) is
 * counted as it is read, so a body past the limit fails with a {@code ResponseTooLargeError} naming
 * both sizes, whatever an intermediary did with the header. A server that keeps the limit answers an
 * oversized result with its own {@code ResponseTooLargeError} envelope, which surfaces as that remote
 * error. Each of these {@code ProtocolError}s says the server does not speak the protocol as this
 * client needs it, and is caused by a {@link java.net.ProtocolException}, so that tools can count it
 * a transport failure rather than an error the service sent.
 *
 * <p><b>Request compression.</b> Unless turned off ({@link HttpRpc.Builder#compressRequests(boolean)}),
 * a request body of 1 KiB or more is encoded as the reference's client ({@code http_connect})
 * encodes it by default: with the first of zstd (level 1) and gzip that the server lists in {@code
 * VGI-Supported-Encodings}, else zstd (which servers decode whatever they produce). A smaller body
 * (a typical call's request) goes as it is, uncompressed and without {@code Content-Encoding}: the
 * few hundred bytes compression could save cost more to encode and decode than they save, where the
 * reference compresses every body whatever its size. The zstd contexts that encode bodies are kept
 * and reused across requests (a few idle at most, freed when the transport is closed). Every
 * request offers {@code Accept-Encoding: zstd, gzip} for the answer (unless the configured headers
 * name their own), so a server that compresses answers uses zstd rather than the gzip OkHttp would
 * otherwise ask for; an answer in either is decoded here. A 415 refusal of a compressed body that
 * names the server's codings is sent once more with another of them, or uncompressed when none is
 * left, and later requests keep to that until the capabilities are read again; a refusal of a body
 * sent as it is stands.
 */
public final class HttpTransport implements RequestTransport {
  private static final MediaType ARROW = MediaType.get(Responses.ARROW);
  /** How much of a refusal's body an error message quotes. */
  private static final int MAX_QUOTED_BODY = 2048;
  private static final String UPLOAD_URL_ROUTE = "__upload_url__/init";
  /** The codings this client offers for responses, in its order of preference. */
  private static final String OFFERED_ENCODINGS = "zstd, gzip";
  /**
   * The smallest request body that is compressed when compression is on (1 KiB): a smaller one is
   * sent as it is, since encoding it costs more per request than the bytes it would save.
   */
  static final int MIN_COMPRESSED_BYTES = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

  private final OkHttpClient client;
  private final HttpUrl base;
  private final Map<String, String> headers;
  /** Whether the configured headers name the answer's codings themselves (then they stand as given). */
  private final boolean offersOwnEncodings;
  private final Optional<Integer> compressionLevel;
  /** The zstd contexts request bodies are compressed with, when compression is on. */
  private final Optional<ZstdCompressors> compressors;
  private final OptionalLong responseBudget;
  private final boolean ownsClient;
  private final AtomicReference<Known> capabilities = new AtomicReference<>();
  /** The codings a 415 refusal named, which stand until the capabilities are read again. */
  private final AtomicReference<Optional<List<String>>> refusedWith = new AtomicReference<>(Optional.empty());

  // compressionLevel: the zstd level request bodies are compressed with, empty for none;
  // responseBudget: the limit on each decoded response body, empty for none
  HttpTransport(OkHttpClient client, HttpUrl base, Map<String, String> headers, Optional<Integer> compressionLevel,
      OptionalLong responseBudget, boolean ownsClient) {
    this.client = client;
    this.base = base;
    this.headers = Map.copyOf(headers);
    this.offersOwnEncodings = headers.keySet().stream().anyMatch("Accept-Encoding"::equalsIgnoreCase);
    this.compressionLevel = compressionLevel;
    this.compressors = compressionLevel.map(ZstdCompressors::forLevel);
    this.responseBudget = responseBudget;
    this.ownsClient = ownsClient;
  }

  /** {@return the base URL requests are posted under} */
  public String baseUrl() {
    return base.toString();
  }

  /**
   * Sends one call's request to its route and returns the Arrow answer; a refusal without one
   * becomes an {@link RpcException}: a 401 an {@code AuthenticationError}, a 413 a {@code
   * PayloadTooLarge}, anything else (a proxy's 502 page) a {@code TransportError}, each quoting the
   * status and the start of the text.
   *
   * <p>A request the server refuses as too large (413) travels again through an upload URL when the
   * server offers them ({@link HttpCapabilities#uploadUrlSupport()}): the client fetches one pair
   * ({@link #requestUploadUrls(int)}), PUTs the request stream to the upload URL and posts, in its
   * place, a zero-row pointer batch on the request's schema whose metadata is the request's plus
   * {@code vgi_rpc.location} naming the download URL. Once the capabilities are known (the first
   * 413 fetches them), a request over {@code VGI-Max-Request-Bytes} goes that way at once. A server
   * without upload URLs leaves the 413 as the {@code PayloadTooLarge} refusal.
   */
  @Override
  public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
    return call(route(protocol, method, kind), body, Hooks.NONE);
  }

  /** {@link #call(String, String, Kind, byte[])} on a route, with a session's hooks. */
  InputStream call(String route, byte[] body, Hooks hooks) throws IOException {
    byte[] sent = body;
    Optional<HttpCapabilities> known = cachedCapabilities();
    if (known.isPresent() && oversized(known.get(), body)) {
      sent = externalize(body, hooks);
    }
    Answer answer = send(route, sent, hooks);
    if (answer.status() == 413 && sent == body && offersUploadUrls()) {
      answer.close();
      answer = send(route, externalize(body, hooks), hooks);
    }
    return answer.arrowStream();
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
   * HTTP exchange itself). The response budget and the retry of a refused coding apply as for
   * calls.
   *
   * @param route the route, relative to the base URL ({@link #route})
   * @param body the request stream
   * @return the answer; the caller closes it
   * @throws IOException when the request fails
   */
  public Answer post(String route, byte[] body) throws IOException {
    return send(route, body, Hooks.NONE);
  }

  /** Posts one request, its body encoded with the codec (none: as it is), and returns the response. */
  private okhttp3.Response execute(String route, byte[] body, Optional<Encodings.Codec> codec, Hooks hooks)
      throws IOException {
    byte[] payload = codec.map(c -> compress(c, body)).orElse(body);
    Request.Builder request = new Request.Builder().url(url(route)).post(new OneShot(payload));
    headers.forEach(request::header);
    responseBudget.ifPresent(limit -> request.header(ResponseCap.HEADER, Long.toString(limit)));
    codec.ifPresent(c -> request.header("Content-Encoding", c.token()));
    if (!offersOwnEncodings) {
      // zstd first: a server that compresses its answers then uses zstd, not the gzip (level 6 at the
      // reference) that OkHttp would ask for on its own; both are decoded here
      request.header("Accept-Encoding", OFFERED_ENCODINGS);
    }
    hooks.request(request);
    okhttp3.Response response = client.newCall(request.build()).execute();
    try {
      requireAcknowledged(response);
      hooks.response(response);
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    return response;
  }

  /** A request body encoded with a codec: zstd with this transport's contexts, gzip at its default level. */
  private byte[] compress(Encodings.Codec codec, byte[] body) {
    return codec == Encodings.Codec.ZSTD
        ? compressors.orElseThrow().compress(body)
        : Encodings.compress(codec, body, compressionLevel.orElse(1));
  }

  private Answer send(String route, byte[] body, Hooks hooks) throws IOException {
    requireBudgetSupport();
    Optional<Encodings.Codec> codec = requestCodec(body);
    okhttp3.Response response = execute(route, body, codec, hooks);
    if (response.code() == 415 && codec.isPresent() && learnedFrom415(response, codec.get())) {
      // refused before dispatch, so sending it again runs nothing twice
      response.close();
      response = execute(route, body, requestCodec(body), hooks);
    }
    ResponseBody responseBody = response.body();
    InputStream stream = new Closing(responseBody.byteStream(), response);
    String coding = Optional.ofNullable(response.header("Content-Encoding"))
        .orElse(response.header("X-VGI-Content-Encoding", "")).strip();
    if ("zstd".equalsIgnoreCase(coding)) {
      stream = new Closing(new ZstdInputStreamNoFinalizer(stream, RecyclingBufferPool.INSTANCE), response);
    } else if ("gzip".equalsIgnoreCase(coding)) {
      // the request named its codings, so OkHttp left the body as it came
      stream = gunzip(stream, response);
    }
    MediaType type = responseBody.contentType();
    boolean arrow = type != null && (type.type() + "/" + type.subtype()).equalsIgnoreCase(Responses.ARROW);
    return new Answer(response.code(), arrow, budgeted(response, coding, arrow, stream));
  }

  private static InputStream gunzip(InputStream stream, okhttp3.Response response) throws IOException {
    try {
      return new Closing(new GZIPInputStream(stream), response);
    } catch (IOException e) {
      response.close();
      throw e;
    }
  }

  /**
   * A decoded body held to the response budget, when there is one: an Arrow answer whose identity
   * body declares more bytes than it allows is refused before a byte of it is read (the response
   * closed then).
   */
  private InputStream budgeted(okhttp3.Response response, String coding, boolean arrow, InputStream stream) {
    if (responseBudget.isEmpty()) {
      return stream;
    }
    long limit = responseBudget.getAsLong();
    long declared = response.body().contentLength();
    if (arrow && (coding.isEmpty() || coding.equalsIgnoreCase("identity")) && declared > limit) {
      response.close();
      throw ResponseCap.tooLarge("Content-Length " + declared, limit);
    }
    return new ResponseCap.Bounded(stream, limit);
  }

  /**
   * Under a response budget, checks an answer acknowledges it, whatever its status and body (as the
   * reference's client checks every response to a capped request, a 415 or 413 it acts on
   * included): an answer without it did not come from a server that keeps the budget, such as a
   * proxy's error page or another replica. A refusal's text, when it has one, is quoted in the
   * error. The caller closes the response.
   */
  private void requireAcknowledged(okhttp3.Response response) {
    if (responseBudget.isEmpty()) {
      return;
    }
    List<String> values = response.headers(ResponseCap.SUPPORT_HEADER);
    if (!ResponseCap.acknowledged(values)) {
      throw HttpCapabilities.notSpoken(ResponseCap.unacknowledged(values, response.code(), quoted(response)));
    }
  }

  /** The start of an answer's text when it is not Arrow and not content-coded, else empty. */
  private static Optional<String> quoted(okhttp3.Response response) {
    ResponseBody body = response.body();
    MediaType type = body.contentType();
    boolean arrow = type != null && (type.type() + "/" + type.subtype()).equalsIgnoreCase(Responses.ARROW);
    String coding = response.header("Content-Encoding", "").strip();
    if (arrow || !(coding.isEmpty() || coding.equalsIgnoreCase("identity"))) {
      return Optional.empty();
    }
    try {
      String text = response.peekBody(MAX_QUOTED_BODY).string().strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  // -- request compression -----------------------------------------------------------------

  /**
   * The codec for a request body, empty for none: none when compression is off or the body is under
   * {@link #MIN_COMPRESSED_BYTES}; otherwise, as {@link #requestCodec()} chooses.
   */
  private Optional<Encodings.Codec> requestCodec(byte[] body) {
    return body.length < MIN_COMPRESSED_BYTES ? Optional.empty() : requestCodec();
  }

  /**
   * The codec for the next request body large enough to compress, empty for none: none when
   * compression is off; after a 415 refusal, the first of this client's codecs (zstd, then gzip) the
   * refusal named, none when it named neither; otherwise, as the reference's client chooses, the
   * first the server's capabilities list, and zstd when they list neither or are not known (servers
   * decode it whatever they produce, and one that cannot answers 415).
   */
  private Optional<Encodings.Codec> requestCodec() {
    if (compressionLevel.isEmpty()) {
      return Optional.empty();
    }
    Optional<List<String>> refused = refusedWith.get();
    if (refused.isPresent()) {
      return firstAccepted(refused.get());
    }
    return cachedCapabilities().flatMap(caps -> firstAccepted(caps.supportedEncodings()))
        .or(() -> Optional.of(Encodings.Codec.ZSTD));
  }

  private static Optional<Encodings.Codec> firstAccepted(List<String> accepted) {
    for (Encodings.Codec codec : Encodings.Codec.values()) {
      if (accepted.contains(codec.token())) {
        return Optional.of(codec);
      }
    }
    return Optional.empty();
  }

  /**
   * After a 415 refusal of a body encoded with {@code refused}: when the answer names the codings
   * the server takes ({@code VGI-Supported-Encodings}, stamped on every answer; empty: none), they
   * are kept, less the refused one, for the requests that follow until the capabilities are read
   * again, and the request goes once more with the first of them this client has, or uncompressed.
   * False, leaving the 415 to stand, when the answer names nothing (it refused something else).
   */
  private boolean learnedFrom415(okhttp3.Response response, Encodings.Codec refused) {
    String named = response.header("VGI-Supported-Encodings");
    if (named == null) {
      return false;
    }
    List<String> accepted = new ArrayList<>(Encodings.parseList(named));
    accepted.remove(refused.token());
    refusedWith.set(Optional.of(List.copyOf(accepted)));
    LOG.debug("HTTP 415 for a {} request body (the server takes [{}]); sending it again {}", refused.token(), named,
        firstAccepted(accepted).map(c -> "with " + c.token()).orElse("uncompressed"));
    return true;
  }

  // -- response budget ---------------------------------------------------------------------

  /**
   * Before a request under a response budget: the server must have advertised {@code
   * VGI-Accept-Max-Response-Bytes-Support: true} in capabilities that are still fresh, read now
   * when there are none or they lacked it (as the reference's client, which keeps a snapshot only
   * once it passed).
   */
  private void requireBudgetSupport() throws IOException {
    if (responseBudget.isEmpty()) {
      return;
    }
    Optional<HttpCapabilities> known = cachedCapabilities().filter(HttpCapabilities::acceptMaxResponseBytesSupport);
    HttpCapabilities found;
    if (known.isPresent()) {
      found = known.get();
    } else {
      try {
        found = capabilities();
      } catch (RpcException e) {
        throw HttpCapabilities.notSpoken(e.errorMessage() + "; " + budgetHint());
      }
    }
    if (!found.acceptMaxResponseBytesSupport()) {
      throw HttpCapabilities.notSpoken("Server does not advertise VGI-Accept-Max-Response-Bytes support ("
          + ResponseCap.SUPPORT_HEADER + ": true is missing from OPTIONS " + url("health").encodedPath() + "); "
          + budgetHint());
    }
  }

  private String budgetHint() {
    return "this client sends a response budget of " + responseBudget.getAsLong() + " bytes only to a server that"
        + " advertises support (HttpRpc.Builder#unboundedResponses() sends none)";
  }

  /** A route's URL under the base: each segment appended (and escaped) in turn. */
  private HttpUrl url(String route) {
    HttpUrl.Builder url = base.newBuilder();
    for (String segment : route.split("/")) {
      url.addPathSegment(segment);
    }
    return url.build();
  }

  // -- capabilities ------------------------------------------------------------------------

  /**
   * Asks the server what it offers: {@code OPTIONS {prefix}/health}, whose capability headers are
   * read into a snapshot (kept for deciding when to externalize requests, for as long as its {@code
   * Cache-Control: max-age} allows, else for the life of this transport).
   *
   * @return the capabilities
   * @throws RpcException ({@code ProtocolError}, caused by a {@link java.net.ProtocolException}) when
   *     the answer is not a success
   * @throws IOException when the request fails
   */
  public HttpCapabilities capabilities() throws IOException {
    Request.Builder request = new Request.Builder().url(url("health")).method("OPTIONS", null);
    headers.forEach(request::header);
    responseBudget.ifPresent(limit -> request.header(ResponseCap.HEADER, Long.toString(limit)));
    try (okhttp3.Response response = client.newCall(request.build()).execute()) {
      if (!response.isSuccessful()) {
        throw HttpCapabilities.notSpoken("Capability discovery failed with HTTP " + response.code());
      }
      HttpCapabilities found = HttpCapabilities.from(response.headers());
      long expires = found.maxAge().map(age -> System.nanoTime() + age.toNanos()).orElse(Long.MAX_VALUE);
      capabilities.set(new Known(found, expires));
      refusedWith.set(Optional.empty());
      return found;
    }
  }

  /** The last capabilities read, while they are fresh. */
  private Optional<HttpCapabilities> cachedCapabilities() {
    Known known = capabilities.get();
    if (known == null || (known.expires != Long.MAX_VALUE && System.nanoTime() - known.expires > 0)) {
      return Optional.empty();
    }
    return Optional.of(known.capabilities);
  }

  /** Whether the server vends upload URLs, asking it when the snapshot is missing or stale. */
  private boolean offersUploadUrls() {
    Optional<HttpCapabilities> known = cachedCapabilities();
    if (known.isPresent()) {
      return known.get().uploadUrlSupport();
    }
    try {
      return capabilities().uploadUrlSupport();
    } catch (RpcException | IOException refused) {
      // a server that answers no capability probe offers nothing: the 413 stands
      LOG.debug("no capabilities after a 413: {}", refused.toString());
      return false;
    }
  }

  private static boolean oversized(HttpCapabilities capabilities, byte[] body) {
    return capabilities.uploadUrlSupport() && capabilities.maxRequestBytes().isPresent()
        && body.length > capabilities.maxRequestBytes().getAsLong();
  }

  /** One capability snapshot and when it goes stale ({@code System.nanoTime()}; MAX_VALUE: never). */
  private record Known(HttpCapabilities capabilities, long expires) {}

  // -- upload URLs -------------------------------------------------------------------------

  /**
   * Asks the server for upload URL pairs: {@code POST {prefix}/__upload_url__/init} with a request
   * of method {@code __upload_url__} carrying {@code count}.
   *
   * @param count how many pairs (the server clamps it to 1..100)
   * @return the pairs, in the server's order
   * @throws RpcException {@code NotSupported} when the server has no such route (404), the error the
   *     server answered with, or the refusal of a non-Arrow answer
   * @throws IOException when the request fails
   */
  public List<UploadUrl> requestUploadUrls(int count) throws IOException {
    return requestUploadUrls(count, Hooks.NONE);
  }

  private List<UploadUrl> requestUploadUrls(int count, Hooks hooks) throws IOException {
    Answer answer = send(UPLOAD_URL_ROUTE, UploadUrls.request(count), hooks);
    if (answer.status() == 404) {
      answer.close();
      throw new RpcException("NotSupported", "Server does not support upload URLs");
    }
    try (InputStream in = answer.arrowStream()) {
      return UploadUrls.read(in);
    }
  }

  /**
   * Uploads a request stream through a fresh upload URL and returns the pointer request that
   * stands for it.
   */
  private byte[] externalize(byte[] body, Hooks hooks) throws IOException {
    List<UploadUrl> urls = requestUploadUrls(1, hooks);
    if (urls.isEmpty()) {
      throw new RpcException("ProtocolError", "Server returned no upload URLs");
    }
    UploadUrl pair = urls.get(0);
    HttpUrl upload = HttpUrl.parse(pair.uploadUrl());
    if (upload == null) {
      throw new RpcException("ProtocolError", "the server vended an upload URL that is not http(s)");
    }
    // only the object and its type: the client's own headers (credentials) are not the storage's
    Request put = new Request.Builder().url(upload).put(RequestBody.create(body, ARROW)).build();
    try (okhttp3.Response response = client.newCall(put).execute()) {
      if (!response.isSuccessful()) {
        throw new RpcException("ExternalUploadFailed", "PUT to upload URL failed: HTTP " + response.code());
      }
    }
    return UploadUrls.pointerRequest(body, pair.downloadUrl());
  }

  // -- sticky sessions ---------------------------------------------------------------------

  /**
   * A sticky-session scope over this transport: its requests carry {@code VGI-Session-Accept:
   * true}, the session's token once there is one, and the {@code VGI-Echo-*} headers the opening
   * answer named; closing it ends the session on the server unless it was detached or ended there.
   *
   * @param token a session to resume, or empty to let the server mint one
   * @return the scope, a transport of its own sharing this one's connections
   */
  public HttpSession session(Optional<String> token) {
    return new HttpSession(this, token);
  }

  /** Ends a session on the server, best effort: {@code DELETE {prefix}/__session__}. */
  void deleteSession(String token) {
    Request.Builder request = new Request.Builder().url(url("__session__")).delete()
        .header("VGI-Session", token).header("VGI-Session-Accept", "true");
    headers.forEach(request::header);
    try (okhttp3.Response response = client.newCall(request.build()).execute()) {
      response.code();
    } catch (IOException | RuntimeException e) {
      // the server's expiry is the safety net
      LOG.debug("DELETE __session__ failed: {}", e.toString());
    }
  }

  /** What a session adds to each request and reads from each answer. */
  interface Hooks {
    /** No session. */
    Hooks NONE = new Hooks() {
      @Override
      public void request(Request.Builder request) {}

      @Override
      public void response(okhttp3.Response response) {}
    };

    /** Adds the session's headers. */
    void request(Request.Builder request);

    /** Reads the session's headers from an answer. */
    void response(okhttp3.Response response);
  }

  /**
   * One HTTP answer.
   *
   * @param status the status code (200 for results; in-band errors carry an Arrow body too)
   * @param arrow whether the body is an Arrow IPC stream ({@code application/vnd.apache.arrow.stream})
   * @param body the body, already decoded from any content encoding
   */
  public record Answer(int status, boolean arrow, InputStream body) implements Closeable {
    /**
     * Checks the body is present.
     *
     * @param status the status code (200 for results; in-band errors carry an Arrow body too)
     * @param arrow whether the body is an Arrow IPC stream ({@code application/vnd.apache.arrow.stream})
     * @param body the body, already decoded from any content encoding
     */
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

  /**
   * Frees the kept zstd contexts, and closes the connection pool and dispatcher threads when this
   * transport created the client.
   */
  @Override
  public void close() {
    compressors.ifPresent(ZstdCompressors::close);
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
