package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.ResponseCookie;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StandardErrors;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.AuthenticationException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.spi.CookieScope;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.spi.ServiceOutline;
import dev.arrowrpc.core.wire.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes HTTP requests: RPC calls ({@code POST {prefix}/{method}}, {@code /init}, {@code
 * /exchange}) to the core {@link RequestEngine}; {@code /health}, the landing and describe pages,
 * CORS preflights and refusals (401, 404, 405, 413, 415) itself. Every response carries the
 * request id and the capability headers.
 */
final class RpcHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RpcHttpHandler.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How much of a response is held back before it is committed as a 200 and streamed. */
  private static final int COMMIT_THRESHOLD = 64 * 1024;
  /** How much of a refused request body beyond the limit is read and thrown away, so the client sees the refusal. */
  private static final long DRAIN_BOUND = 16L << 20;
  /** How long a refused request body is drained before the connection is closed regardless. */
  private static final Duration DRAIN_TIME = Duration.ofSeconds(5);
  /** The largest body received whole, asynchronously, before a worker thread takes the call. */
  static final long IN_MEMORY_BODY = 16L << 20;
  /** The longest method name a path may carry. */
  static final int MAX_METHOD_NAME = 256;
  /** A method name: an ASCII identifier of at most {@link #MAX_METHOD_NAME} characters. */
  private static final java.util.regex.Pattern METHOD_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0," + (MAX_METHOD_NAME - 1) + "}");
  private static final HttpString CORP = new HttpString("Cross-Origin-Resource-Policy");
  private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
  private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
  private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
  private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
  private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
  private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
  private static final HttpString REQUEST_HEADERS = new HttpString("Access-Control-Request-Headers");
  private static final String DEFAULT_ALLOWED_HEADERS = "Content-Type, Content-Encoding, Accept-Encoding, Authorization, "
      + "X-Request-ID, X-VGI-Accept-Encoding, VGI-Accept-Max-Response-Bytes, VGI-Session, VGI-Session-Accept, "
      + "VGI-Proxy-Proof";

  private final RpcServer server;
  private final RequestEngine engine;
  private final HttpRpcServer.Settings settings;
  private final Map<HttpString, String> capabilities;
  private final String exposedHeaders;
  private final byte[] health;
  /** The OAuth protected-resource metadata document, when configured (else empty). */
  private final byte[] oauthDocument;
  private final String landing;
  private final String describe;
  private final String notFound;
  private final ServeStart serveStart;
  private final Optional<StickySessions> sticky;
  private final Optional<UploadUrlRoute> uploads;
  private final Semaphore streamedBodies;
  /** Decoders for zstd request bodies, reused across requests; the server frees them when it stops. */
  private final ZstdDecoders decoders;

  RpcHttpHandler(RpcServer server, RequestEngine engine, HttpRpcServer.Settings settings) {
    this(server, engine, settings, Optional.empty(), new ZstdDecoders(0));
  }

  RpcHttpHandler(RpcServer server, RequestEngine engine, HttpRpcServer.Settings settings,
      Optional<StickySessions> sticky, ZstdDecoders decoders) {
    this.decoders = decoders;
    this.sticky = sticky;
    this.server = server;
    this.engine = engine;
    this.settings = settings;
    this.streamedBodies = new Semaphore(settings.streamedBodies());
    Map<HttpString, String> caps = new LinkedHashMap<>();
    ExternalLocations external = server.external();
    caps.put(Responses.EXTERNALIZATION_ENABLED, Boolean.toString(external.externalizes()));
    if (external.externalizes()) {
      external.maxExternalizedResponseBytes().ifPresent(max ->
          caps.put(Responses.MAX_EXTERNALIZED_RESPONSE_BYTES, Long.toString(max)));
    }
    settings.uploads().provider().ifPresent(provider -> {
      caps.put(Responses.UPLOAD_URL_SUPPORT, "true");
      settings.uploads().maxUploadBytes().ifPresent(max -> caps.put(Responses.MAX_UPLOAD_BYTES, Long.toString(max)));
    });
    this.uploads = settings.uploads().provider()
        .map(provider -> new UploadUrlRoute(provider, server.serverId(), server.allocator()));
    caps.put(Responses.SUPPORTED_ENCODINGS, settings.responseCompression() ? "zstd, gzip" : "");
    caps.put(Responses.MAX_REQUEST_BYTES, Long.toString(settings.maxRequestBytes()));
    settings.maxResponseBytes().ifPresent(max -> caps.put(Responses.MAX_RESPONSE_BYTES, Long.toString(max)));
    caps.put(Responses.ACCEPT_MAX_RESPONSE_BYTES_SUPPORT, "true");
    if (settings.proxyAuth().proofRequired()) {
      caps.put(new HttpString(ProxyProof.REQUIRED_HEADER), "true");
    }
    sticky.ifPresent(s -> caps.putAll(s.capabilities()));
    this.capabilities = Map.copyOf(caps);
    List<String> exposed = new ArrayList<>(List.of("X-Request-ID", "X-VGI-RPC-Error", "X-VGI-Content-Encoding",
        "Content-Encoding", "WWW-Authenticate", "VGI-Auth-Reason", "VGI-Auth-Proxy-Required"));
    caps.keySet().forEach(name -> exposed.add(name.toString()));
    sticky.ifPresent(s -> exposed.addAll(s.exposedHeaders()));
    this.exposedHeaders = String.join(", ", exposed);
    ServiceOutline spec = server.outline();
    Map<String, String> healthBody = new LinkedHashMap<>();
    healthBody.put("status", "ok");
    healthBody.put("server_id", server.serverId());
    healthBody.put("protocol", spec.protocolName());
    this.health = Json.write(healthBody).getBytes(StandardCharsets.UTF_8);
    this.oauthDocument = settings.oauth().map(oauth -> Json.writeCompact(oauth.toJson()))
        .orElse("").getBytes(StandardCharsets.UTF_8);
    this.landing = Pages.landing(spec, server.serverId(), settings.prefix(), settings.describePage());
    this.describe = Pages.describe(spec);
    this.notFound = Pages.notFound(spec, settings.prefix());
    this.serveStart = new ServeStart(settings.serveStart());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      intake(exchange);
      return;
    }
    serve(exchange, requestId(exchange), Optional.empty());
  }

  /**
   * Decides, on the I/O thread, how a request's body is taken in, so that no worker thread waits
   * for bytes a client trickles: a body whose {@code Content-Length} is at most {@link
   * #IN_MEMORY_BODY} (and {@code maxRequestBytes}) is received asynchronously, bounded by the body
   * and read timeouts, and handed to a worker whole (a route other than a call ignores it); an
   * unparseable length is answered 400, and a call's length over {@code maxRequestBytes} 413, both
   * here. A call's body of unknown length or a large one is read on a worker as it is decoded,
   * under the {@code maxStreamedBodies} bound; any other route's such body is never read, and its
   * connection closes after the answer.
   */
  private void intake(HttpServerExchange exchange) {
    Optional<String> under = underPrefix(exchange.getRequestPath());
    boolean rpc = exchange.getRequestMethod().equalToString("POST") && under.isPresent()
        && Route.parse(underPrefix(rawPath(exchange)).orElse(under.get())).isPresent();
    HeaderValues lengths = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
    if (lengths == null || lengths.isEmpty()) {
      if (!rpc && exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
        // a body nobody reads: close the connection after the answer rather than drain it on a worker
        exchange.setPersistent(false);
      }
      exchange.dispatch(this);
      return;
    }
    String requestId = requestId(exchange);
    OptionalLong declared = declaredLength(lengths);
    if (declared.isEmpty()) {
      decorate(exchange, requestId);
      exchange.setPersistent(false);
      Intake.answer(exchange, 400, Map.of("title", "Bad Request", "description",
          "Content-Length must be one decimal integer of at most 18 digits"), true, true);
      return;
    }
    long length = declared.getAsLong();
    if (length == 0) {
      exchange.dispatch(ex -> serve(ex, requestId, Optional.of(new byte[0])));
      return;
    }
    if (rpc && length > settings.maxRequestBytes()) {
      decorate(exchange, requestId);
      exchange.setPersistent(false);
      Intake.refuseAndDrain(exchange, Map.of("title", "Request body exceeds max_request_bytes", "description",
          "Request body of " + length + " bytes exceeds the server's max_request_bytes=" + settings.maxRequestBytes()),
          Math.min(length, settings.maxRequestBytes() + DRAIN_BOUND), DRAIN_TIME);
      return;
    }
    if (length > Math.min(settings.maxRequestBytes(), IN_MEMORY_BODY)) {
      if (!rpc) {
        exchange.setPersistent(false);
      }
      exchange.dispatch(this);
      return;
    }
    // received whole without a thread; a route other than a call ignores it
    Intake.receive(exchange, (int) length, settings.bodyTimeout(), bytes -> exchange.dispatch(ex -> serve(ex, requestId,
        Optional.of(bytes))), () -> decorate(exchange, requestId));
  }

  /** One canonical {@code Content-Length}: ASCII digits, at most 18 of them (below 2^63). */
  static OptionalLong declaredLength(HeaderValues values) {
    String first = values.getFirst();
    for (String value : values) {
      if (!value.strip().equals(first.strip())) {
        return OptionalLong.empty();
      }
    }
    String raw = first.strip();
    if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(raw));
  }

  /** Handles a request on a worker thread, its body already received when given. */
  private void serve(HttpServerExchange exchange, String requestId, Optional<byte[]> received) {
    try {
      exchange.startBlocking();
      handle(exchange, requestId, received);
    } catch (IOException e) {
      // the connection failed under the exchange (a client that reset or went away): nothing to answer
      LOG.debug("request {}: the connection failed: {}", requestId, e.toString());
      exchange.setPersistent(false);
      exchange.endExchange();
    } catch (Throwable e) {
      lastResort(exchange, requestId, e);
    }
  }

  /**
   * Answers a request whose handling threw (an Error included), rather than letting Undertow send
   * a 500 with an empty body: a 500 whose JSON body names the request, when the response has not
   * started; otherwise the connection is closed after what was sent. Logged once.
   */
  private static void lastResort(HttpServerExchange exchange, String requestId, Throwable error) {
    if (error instanceof RejectedExecutionException && exchange.isResponseStarted()) {
      // the server is stopping: its I/O thread refused the connection's next read after the answer went out
      LOG.debug("request {}: answered while the server stopped: {}", requestId, error.toString());
      exchange.setPersistent(false);
      exchange.endExchange();
      return;
    }
    LOG.error("request {} failed", requestId, error);
    if (exchange.isResponseStarted()) {
      exchange.setPersistent(false);
      exchange.endExchange();
      return;
    }
    try {
      exchange.getResponseHeaders().remove(ResponseBody.ERROR_HEADER);
      exchange.getResponseHeaders().remove(Headers.CONTENT_ENCODING);
      exchange.getResponseHeaders().remove(Responses.VGI_CONTENT_ENCODING);
      exchange.getResponseHeaders().remove(Headers.CONTENT_LENGTH);
      exchange.getResponseHeaders().put(Responses.REQUEST_ID, requestId);
      exchange.setPersistent(false);
      Responses.json(exchange, 500, Map.of("title", "Internal Server Error", "description",
          "the server failed to answer the request " + requestId, "request_id", requestId));
    } catch (IOException | RuntimeException e) {
      LOG.debug("request {}: the error response could not be sent: {}", requestId, e.toString());
      exchange.endExchange();
    }
  }

  /** The headers every response carries: the request id, the capabilities, CORS. */
  private void decorate(HttpServerExchange exchange, String requestId) {
    exchange.getResponseHeaders().put(Responses.REQUEST_ID, requestId);
    capabilities.forEach((name, value) -> exchange.getResponseHeaders().put(name, value));
    corsHeaders(exchange);
  }

  private void handle(HttpServerExchange exchange, String requestId, Optional<byte[]> received) throws IOException {
    decorate(exchange, requestId);
    if (!serveStart.ensure(requestId)) {
      Responses.json(exchange, 500, Map.of("title", "Internal Server Error", "description",
          "the server failed to start serving; retry the request " + requestId));
      return;
    }
    String verb = exchange.getRequestMethod().toString();
    if (settings.oauth().isPresent() && (verb.equals("GET") || verb.equals("HEAD"))
        && oauthPath(exchange.getRequestPath())) {
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=60");
      Responses.send(exchange, 200, "application/json", oauthDocument);
      return;
    }
    Optional<String> under = underPrefix(exchange.getRequestPath());
    if (under.isEmpty()) {
      Responses.html(exchange, 404, notFound);
      return;
    }
    String path = under.get();
    boolean read = verb.equals("GET") || verb.equals("HEAD");
    if (verb.equals("OPTIONS")) {
      options(exchange);
      return;
    }
    if (path.equals("/health") && read) {
      Responses.send(exchange, 200, "application/json", health);
      return;
    }
    Optional<Identity> identity = authenticate(exchange, verb, path);
    if (identity.isEmpty()) {
      return;
    }
    if (sticky.isPresent() && sticky.get().route(exchange, verb, path, identity.get())) {
      return;
    }
    // routes are read from the raw path: a protocol segment is compared as it arrived, never decoded
    Optional<Route> route = Route.parse(underPrefix(rawPath(exchange)).orElse(path));
    if (read) {
      if ((path.isEmpty() || path.equals("/")) && settings.landingPage()) {
        Responses.html(exchange, 200, landing);
      } else if (path.equals("/describe") && settings.describePage()) {
        Responses.html(exchange, 200, describe);
      } else if (route.isPresent() && hosted(route.get())) {
        methodNotAllowed(exchange);
      } else {
        Responses.html(exchange, 404, notFound);
      }
      return;
    }
    if (!verb.equals("POST")) {
      if (route.isPresent()) {
        methodNotAllowed(exchange);
      } else {
        Responses.html(exchange, 404, notFound);
      }
      return;
    }
    if (route.isEmpty()) {
      Responses.html(exchange, 404, notFound);
      return;
    }
    call(exchange, route.get(), identity.get(), requestId, received);
  }

  // ------------------------------------------------------------------ RPC

  private void call(HttpServerExchange exchange, Route route, Identity identity, String requestId,
      Optional<byte[]> received) throws IOException {
    HeaderValues lengths = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
    OptionalLong length = lengths == null || lengths.isEmpty() ? OptionalLong.of(-1) : declaredLength(lengths);
    if (length.isEmpty()) {
      exchange.setPersistent(false);
      Responses.json(exchange, 400, Map.of("title", "Bad Request", "description",
          "Content-Length must be one decimal integer of at most 18 digits"));
      return;
    }
    long declared = length.getAsLong();
    if (declared > settings.maxRequestBytes()) {
      drainBeforeRefusing(exchange);
      tooLarge(exchange, "Request body of " + declared + " bytes exceeds the server's max_request_bytes="
          + settings.maxRequestBytes());
      return;
    }
    if ((route.protocol().isEmpty() || hosted(route)) && !METHOD_NAME.matcher(route.method()).matches()) {
      // never echoed: a segment that is no method name (an overlong one would also outgrow the
      // held-back response and be committed as a 200)
      String where = route.protocol().isEmpty() ? "This server" : "Protocol '" + route.protocol() + "'";
      byte[] body = Responses.arrowError(StandardErrors.methodNotImplemented(where + " has no such method: the"
          + " path segment is not a method name (a letter or underscore, then letters, digits or underscores,"
          + " at most " + MAX_METHOD_NAME + " characters)"), server.serverId(), requestId, server.allocator());
      Responses.send(exchange, 404, Responses.ARROW, body);
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (!isArrow(contentType)) {
      byte[] body = Responses.arrowError(new RpcException("TypeError", "Expected Content-Type: '" + Responses.ARROW
          + "', got '" + (contentType == null ? "" : contentType) + "'. All vgi-rpc HTTP requests must use"
          + " Content-Type: " + Responses.ARROW), server.serverId(), requestId, server.allocator());
      Responses.send(exchange, 415, Responses.ARROW, body);
      return;
    }
    Optional<Encodings.Codec> codec;
    try {
      codec = Encodings.requestCodec(exchange.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING));
    } catch (IllegalArgumentException e) {
      Responses.json(exchange, 415, Map.of("title", "Unsupported Content-Encoding", "description", e.getMessage()));
      return;
    }
    Optional<Encodings.Choice> compression = Encodings.negotiate(
        exchange.getRequestHeaders().getFirst(Responses.VGI_ACCEPT_ENCODING),
        exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING), settings.responseCompression());
    OptionalLong accepted;
    try {
      accepted = acceptedResponseBytes(exchange);
    } catch (IllegalArgumentException e) {
      byte[] body = Responses.arrowError(new RpcException("ValueError", e.getMessage()), server.serverId(),
          requestId, server.allocator());
      Responses.send(exchange, 400, Responses.ARROW, body);
      return;
    }
    boolean streamed = received.isEmpty();
    if (streamed && !admitStreamedBody()) {
      // load shed with an answer: too many bodies are being read as they arrive
      exchange.setPersistent(false);
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
      Responses.json(exchange, 503, Map.of("title", "Service Unavailable", "description",
          "too many request bodies of unknown or large size are being received; retry the request " + requestId));
      return;
    }
    long limit = Math.min(accepted.orElse(Long.MAX_VALUE), settings.maxResponseBytes().orElse(Long.MAX_VALUE));
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Responses.ARROW);
    ResponseBody out = new ResponseBody(exchange, COMMIT_THRESHOLD, compression, limit,
        settings.preferredResponseBytes());
    RequestEngine.Caller caller = new RequestEngine.Caller(identity, requestId, remoteAddress(exchange),
        outcome -> Map.of("http_status", statusCode(outcome)), out);
    InputStream raw = received.<InputStream>map(ByteArrayInputStream::new).orElseGet(exchange::getInputStream);
    try (RequestBody body = new RequestBody(raw, codec.orElse(null), settings.maxRequestBytes(),
        streamed ? settings.bodyTimeout() : Duration.ZERO, decoders)) {
      RequestEngine.Outcome status;
      List<ResponseCookie> cookiesSet = new ArrayList<>();
      try (CookieScope cookies = CookieScope.enter(new CookieScope.Cookies(requestCookies(exchange),
          route.kind() == RequestEngine.Route.UNARY ? Optional.of(cookiesSet::add) : Optional.empty()))) {
        status = uploads.isPresent() && UploadUrlRoute.matches(route.protocol(), route.method())
            ? uploads.get().handle(body, out, requestId)
            : sticky.isEmpty()
                ? engine.handle(route.kind(), route.protocol(), route.method(), body, out, caller)
                : sticky.get().serve(exchange, identity, requestId, out,
                    () -> engine.handle(route.kind(), route.protocol(), route.method(), body, out, caller));
      } catch (IOException | RuntimeException | Error e) {
        if (body.problem().isPresent() && !out.committed()) {
          refuseBody(exchange, body, out);
        } else if (out.committed() || e instanceof IOException) {
          // the client went away, or the response broke after it was committed: nothing to answer
          if (e instanceof IOException) {
            LOG.debug("request {} to {} ended early: {}", requestId, route.method(), e.toString());
          } else {
            LOG.error("request {} to {} failed after its response was committed", requestId, route.method(), e);
          }
          exchange.setPersistent(false);
        } else {
          LOG.error("request {} to {} failed", requestId, route.method(), e);
          out.discard();
          exchange.getResponseHeaders().remove(ResponseBody.ERROR_HEADER);
          Responses.json(exchange, 500, Map.of("title", "Internal Server Error", "description",
              "the server failed to answer the request " + requestId, "request_id", requestId));
        }
        return;
      }
      if (!status.isError() && !out.committed()) {
        // a compressed body must end with the IPC stream and pass its encoding's trailer check (an
        // error may have been answered before the body was read, as a lost sticky session is)
        body.finish();
      }
      if (body.problem().isPresent() && !out.committed()) {
        refuseBody(exchange, body, out);
        return;
      }
      int httpStatus = statusCode(status);
      boolean inBandError = status.isError() && httpStatus == 200;
      if (out.oversized()) {
        // never part of a response: the whole of it is replaced by the error, with no cursor in it
        out.replace(Responses.arrowError(new RpcException("ResponseTooLargeError", "HTTP body exceeds "
            + "max_response_bytes (" + out.written() + " > " + out.limitBytes().orElseThrow() + ") for method '"
            + route.method() + "'"),
            server.serverId(), requestId, server.allocator()));
        inBandError = true;
        httpStatus = 200;
      }
      if (httpStatus == 200 && !inBandError && !out.committed() && out.written() == 0) {
        // every answer is an IPC stream: an empty 200 would read as success with no result
        LOG.error("request {} to {} produced no response body ({})", requestId, route.method(), status);
        out.replace(Responses.arrowError(new RpcException("RuntimeError", "the server produced no response to"
            + " request " + requestId + " for method '" + route.method() + "'"),
            server.serverId(), requestId, server.allocator()));
        inBandError = true;
      }
      if (!cookiesSet.isEmpty()) {
        if (out.committed()) {
          LOG.warn("request {} to {}: {} cookie(s) set after the response was committed were not sent", requestId,
              route.method(), cookiesSet.size());
        } else {
          boolean secure = "https".equalsIgnoreCase(exchange.getRequestScheme());
          for (ResponseCookie cookie : cookiesSet) {
            exchange.getResponseHeaders().add(Headers.SET_COOKIE, cookie.headerValue(secure));
          }
        }
      }
      if (!out.finish(httpStatus, inBandError)) {
        LOG.debug("request {} to {} ended as {} after its response was committed", requestId, route.method(), status);
      }
    } finally {
      if (streamed) {
        streamedBodies.release();
      }
    }
  }

  /**
   * Takes one of the permits to read a body as it arrives, without waiting: a worker thread that
   * waited for a permit would itself be held by the slow bodies the bound is there to contain.
   */
  private boolean admitStreamedBody() {
    return streamedBodies.tryAcquire();
  }

  private void refuseBody(HttpServerExchange exchange, RequestBody body, ResponseBody out) throws IOException {
    out.discard();
    exchange.getResponseHeaders().remove(ResponseBody.ERROR_HEADER);
    if (body.problem().orElseThrow() == RequestBody.Problem.TOO_LARGE) {
      drainBeforeRefusing(exchange);
      tooLarge(exchange, body.detail());
    } else {
      body.refuse(exchange);
    }
  }

  /**
   * Reads and discards what is left of a refused request body, up to {@link #DRAIN_BOUND} bytes, before
   * the refusal is sent. A server that answers and closes while the client is still sending makes the
   * client's TCP stack see a reset, and most clients then lose the answer; reading the rest lets them see
   * the 413. A body that does not end within the bound closes the connection after the answer.
   */
  private static void drainBeforeRefusing(HttpServerExchange exchange) {
    byte[] sink = new byte[64 * 1024];
    long left = DRAIN_BOUND;
    try {
      InputStream in = exchange.getInputStream();
      while (left > 0) {
        int n = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          return; // all of it read: the connection stays usable
        }
        left -= n;
      }
    } catch (IOException e) {
      LOG.debug("refused request body could not be drained: {}", e.toString());
    }
    exchange.setPersistent(false);
  }

  private static void tooLarge(HttpServerExchange exchange, String description) throws IOException {
    Responses.json(exchange, 413, Map.of("title", "Request body exceeds max_request_bytes", "description", description));
  }

  private static boolean isArrow(String contentType) {
    if (contentType == null) {
      return false;
    }
    String base = contentType.split(";", 2)[0].strip();
    return base.equalsIgnoreCase(Responses.ARROW);
  }

  // ------------------------------------------------------------------ auth

  private Optional<Identity> authenticate(HttpServerExchange exchange, String verb, String path)
      throws IOException {
    Optional<ProxyProofGate> gate = settings.proxyAuth().gate();
    if (gate.isPresent() && !proofExempt(exchange, path)) {
      // the proof is a precondition ANDed with the authenticator, which a refused proof never reaches
      HeaderValues proofs = exchange.getRequestHeaders().get(ProxyProof.HEADER);
      try {
        gate.get().check(proofs == null ? List.of() : List.copyOf(proofs), remoteAddress(exchange));
      } catch (AuthenticationException e) {
        refuse(exchange, e);
        return Optional.empty();
      }
    }
    if (settings.authenticator().isEmpty()) {
      return Optional.of(Identity.ANONYMOUS);
    }
    Authenticator authenticator = settings.authenticator().get();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HeaderValues values : exchange.getRequestHeaders()) {
      headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(values));
    }
    AuthRequest request = AuthRequest.http(headers, remoteAddress(exchange));
    try {
      return Optional.of(authenticator.authenticate(request));
    } catch (AuthUnavailableException e) {
      // not a rejection: the authority could not be asked, so 503 with its hint, never 401
      LOG.warn("authentication unavailable for {} from {}: {}", exchange.getRequestPath(), request.peerAddress(),
          e.getMessage());
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
      Responses.json(exchange, 503, Map.of("title", "Service Unavailable", "description",
          "authentication authority unavailable"));
      return Optional.empty();
    } catch (AuthenticationException e) {
      LOG.warn("authentication failed for {} from {}: {} ({})", exchange.getRequestPath(), request.peerAddress(),
          e.reason().code(), e.detail());
      refuse(exchange, e);
      return Optional.empty();
    }
  }

  /** Whether a path is where the OAuth metadata is served: the well-known path, alone or with the prefix. */
  private boolean oauthPath(String path) {
    return path.equals(OAuthResourceMetadata.WELL_KNOWN)
        || (!settings.prefix().isEmpty() && path.equals(OAuthResourceMetadata.WELL_KNOWN + settings.prefix()));
  }

  /**
   * The request's cookies by name (the first of a repeated name); none when the header cannot be read
   * (Undertow refuses more than 200 cookies), which only the methods reading cookies could notice.
   */
  private static Map<String, String> requestCookies(HttpServerExchange exchange) {
    if (!exchange.getRequestHeaders().contains(Headers.COOKIE)) {
      return Map.of(); // most calls: nothing to parse
    }
    Map<String, String> cookies = new LinkedHashMap<>();
    try {
      for (io.undertow.server.handlers.Cookie cookie : exchange.requestCookies()) {
        cookies.putIfAbsent(cookie.getName(), cookie.getValue());
      }
    } catch (RuntimeException unreadable) {
      LOG.debug("the Cookie header of {} cannot be read: {}", exchange.getRequestPath(), unreadable.toString());
      return Map.of();
    }
    return cookies;
  }

  /** Paths reachable without a proxy proof in every mode: health, and anything under /.well-known/. */
  private static boolean proofExempt(HttpServerExchange exchange, String path) {
    return path.equals("/health") || path.startsWith("/.well-known/")
        || exchange.getRequestPath().startsWith("/.well-known/");
  }

  /** The 401 of docs/unauthorized-spec.md: reason header, no caching, JSON (or a page for a browser). */
  private void refuse(HttpServerExchange exchange, AuthenticationException e) throws IOException {
    exchange.getResponseHeaders().put(Responses.AUTH_REASON, e.reason().code());
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    settings.oauth().map(oauth -> oauth.challenge(settings.prefix()))
        .or(() -> settings.authenticator().flatMap(Authenticator::challenge))
        .ifPresent(c -> exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, c));
    Optional<String> hint = settings.proxyAuth().hint();
    if (hint.isPresent()) {
      exchange.getResponseHeaders().put(Responses.AUTH_PROXY_REQUIRED, "true");
    }
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
    if (accept != null && accept.contains("text/html")) {
      Responses.html(exchange, 401, Pages.unauthorized(e.reason(), e.detail(), hint));
    } else {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("error", "unauthorized");
      body.put("reason", e.reason().code());
      body.put("detail", e.detail());
      hint.ifPresent(h -> body.put("proxy_hint", h));
      Responses.json(exchange, 401, body);
    }
  }

  // ------------------------------------------------------------------ headers

  private String requestId(HttpServerExchange exchange) {
    String inbound = exchange.getRequestHeaders().getFirst(Responses.REQUEST_ID);
    if (inbound != null && !inbound.isEmpty() && inbound.length() <= 256
        && inbound.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return inbound;
    }
    byte[] raw = new byte[8];
    RANDOM.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  private static String remoteAddress(HttpServerExchange exchange) {
    InetSocketAddress source = exchange.getSourceAddress();
    return source == null ? "" : source.getHostString();
  }

  /** Per-response CORS headers, when CORS is configured and the origin allowed. */
  private void corsHeaders(HttpServerExchange exchange) {
    if (settings.cors().isEmpty()) {
      return;
    }
    HttpRpcServer.Cors cors = settings.cors().get();
    exchange.getResponseHeaders().put(CORP, "cross-origin");
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin == null || !cors.allows(origin)) {
      return;
    }
    exchange.getResponseHeaders().put(ALLOW_ORIGIN, cors.anyOrigin() ? "*" : origin);
    if (!cors.anyOrigin()) {
      exchange.getResponseHeaders().add(Headers.VARY, "Origin");
    }
    exchange.getResponseHeaders().put(EXPOSE_HEADERS, exposedHeaders);
  }

  private void options(HttpServerExchange exchange) throws IOException {
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=300");
    exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST, OPTIONS");
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    boolean preflight = settings.cors().isPresent() && origin != null && settings.cors().get().allows(origin)
        && exchange.getRequestHeaders().contains(REQUEST_METHOD);
    if (preflight) {
      exchange.getResponseHeaders().put(ALLOW_METHODS, "GET, HEAD, POST, OPTIONS");
      String requested = exchange.getRequestHeaders().getFirst(REQUEST_HEADERS);
      exchange.getResponseHeaders().put(ALLOW_HEADERS,
          requested == null || requested.isBlank() ? DEFAULT_ALLOWED_HEADERS : requested);
      exchange.getResponseHeaders().put(MAX_AGE, Long.toString(settings.cors().get().maxAge().toSeconds()));
    }
    exchange.setStatusCode(preflight ? 204 : 200);
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
    exchange.endExchange();
  }

  private static void methodNotAllowed(HttpServerExchange exchange) throws IOException {
    exchange.getResponseHeaders().put(Headers.ALLOW, "POST, OPTIONS");
    Responses.json(exchange, 405, Map.of("title", "405 Method Not Allowed"));
  }

  /** The lowest value of {@code VGI-Accept-Max-Response-Bytes}: 64 KiB. */
  private static final long MIN_ACCEPTED_RESPONSE_BYTES = 65_536;
  /** The highest: 2^53 - 1, the largest integer every client language holds exactly. */
  private static final long MAX_ACCEPTED_RESPONSE_BYTES = (1L << 53) - 1;

  /**
   * The response limit the client asked for, if it asked: one canonical positive decimal (no sign,
   * no leading zero, ASCII digits only) from 64 KiB to 2^53 - 1, sent once.
   *
   * @throws IllegalArgumentException when the header breaks that grammar
   */
  static OptionalLong acceptedResponseBytes(HttpServerExchange exchange) {
    var values = exchange.getRequestHeaders().get(Responses.ACCEPT_MAX_RESPONSE_BYTES);
    if (values == null || values.isEmpty()) {
      return OptionalLong.empty();
    }
    String name = Responses.ACCEPT_MAX_RESPONSE_BYTES.toString();
    String raw = values.size() == 1 ? values.getFirst() : "";
    if (!raw.matches("[1-9][0-9]{0,15}")) {
      throw new IllegalArgumentException(name + " must be one canonical positive decimal integer");
    }
    long value = Long.parseLong(raw);
    if (value < MIN_ACCEPTED_RESPONSE_BYTES) {
      throw new IllegalArgumentException(name + " must be at least " + MIN_ACCEPTED_RESPONSE_BYTES);
    }
    if (value > MAX_ACCEPTED_RESPONSE_BYTES) {
      throw new IllegalArgumentException(name + " exceeds " + MAX_ACCEPTED_RESPONSE_BYTES);
    }
    return OptionalLong.of(value);
  }

  /** Whether a route names a protocol this server hosts (a GET to it is 405 rather than 404). */
  private boolean hosted(Route route) {
    return !route.protocol().isEmpty() && server.protocols().contains(route.protocol());
  }

  /** The request's path as it arrived, not percent-decoded. */
  private static String rawPath(HttpServerExchange exchange) {
    String uri = exchange.getRequestURI();
    int scheme = uri.indexOf("://");
    if (scheme >= 0) {
      int slash = uri.indexOf('/', scheme + 3);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  private Optional<String> underPrefix(String path) {
    String prefix = settings.prefix();
    if (prefix.isEmpty()) {
      return Optional.of(path);
    }
    if (path.equals(prefix)) {
      return Optional.of("");
    }
    return path.startsWith(prefix + "/") ? Optional.of(path.substring(prefix.length())) : Optional.empty();
  }

  /**
   * The status line of an answer: a method's failure travels in band (200 with {@code
   * X-VGI-RPC-Error}); a refused request is 400; an unknown protocol or method 404.
   */
  static int statusCode(RequestEngine.Outcome outcome) {
    return switch (outcome) {
      case OK, METHOD_ERROR -> 200;
      case REFUSED -> 400;
      case NOT_FOUND -> 404;
    };
  }

  /**
   * An RPC route under the prefix: {@code /{protocol}/{method}}, with {@code /init} or {@code
   * /exchange} for streams, or {@code /{__name__}} for a reserved method of the server's own.
   *
   * @param protocol the protocol segment, raw (not percent-decoded); empty on the reserved route
   * @param method the method named in the URL
   * @param kind unary, stream init or stream turn
   */
  record Route(String protocol, String method, RequestEngine.Route kind) {
    static Optional<Route> parse(String path) {
      if (!path.startsWith("/") || path.length() < 2) {
        return Optional.empty();
      }
      String[] parts = path.substring(1).split("/", -1);
      for (String part : parts) {
        if (part.isEmpty()) {
          return Optional.empty();
        }
      }
      if (parts.length == 1) {
        String method = parts[0];
        return method.startsWith("__") && method.endsWith("__") && method.length() > 4
            ? Optional.of(new Route("", method, RequestEngine.Route.UNARY))
            : Optional.empty();
      }
      if (parts.length == 2) {
        return Optional.of(new Route(parts[0], parts[1], RequestEngine.Route.UNARY));
      }
      if (parts.length == 3 && parts[2].equals("init")) {
        return Optional.of(new Route(parts[0], parts[1], RequestEngine.Route.INIT));
      }
      if (parts.length == 3 && parts[2].equals("exchange")) {
        return Optional.of(new Route(parts[0], parts[1], RequestEngine.Route.EXCHANGE));
      }
      return Optional.empty();
    }
  }
}
