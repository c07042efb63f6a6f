package dev.arrowrpc.transport.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An HTTP intermediary for client tests, on the JDK's HTTP server: it records each request, then
 * answers it itself ({@link #answer}) or forwards it (after {@link #forward} rewrote it) to an
 * upstream and hands back the upstream's answer as {@link #rewrite} changes it. Bodies pass as bytes:
 * content codings travel untouched.
 */
final class Intermediary implements AutoCloseable {
  /** Headers that belong to one connection, never forwarded. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "transfer-encoding", "keep-alive", "te", "date");
  private static final HttpClient UPSTREAM = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * One request as it arrived.
   *
   * @param method the method
   * @param path the path and query
   * @param headers the headers, by case-insensitive name
   * @param body the body, as sent (still encoded)
   */
  record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {
    /** The values of one header, none when absent. */
    List<String> values(String name) {
      return headers.getOrDefault(name, List.of());
    }

    /** The first value of one header. */
    Optional<String> header(String name) {
      return values(name).stream().findFirst();
    }

    /** A copy without one header. */
    Seen without(String name) {
      Map<String, List<String>> copy = caseless(headers);
      copy.remove(name);
      return new Seen(method, path, copy, body);
    }

    /** A copy with one header set to a value. */
    Seen with(String name, String value) {
      Map<String, List<String>> copy = caseless(headers);
      copy.put(name, List.of(value));
      return new Seen(method, path, copy, body);
    }
  }

  /**
   * One answer.
   *
   * @param status the status
   * @param headers the headers, by case-insensitive name
   * @param body the body, as sent (still encoded)
   */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    /** An answer with a body and one header, the content type. */
    static Reply of(int status, String contentType, byte[] body) {
      Map<String, List<String>> headers = caseless(Map.of());
      headers.put("Content-Type", List.of(contentType));
      return new Reply(status, headers, body);
    }

    /** The first value of one header. */
    Optional<String> header(String name) {
      return headers.getOrDefault(name, List.of()).stream().findFirst();
    }

    /** A copy with one header's values replaced (none: removed). */
    Reply with(String name, String... values) {
      Map<String, List<String>> copy = caseless(headers);
      if (values.length == 0) {
        copy.remove(name);
      } else {
        copy.put(name, List.of(values));
      }
      return new Reply(status, copy, body);
    }
  }

  private final HttpServer server;
  private final String upstream;
  /** Every request that arrived, in order. */
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  /** Every answer sent back, in order. */
  final List<Reply> sent = new CopyOnWriteArrayList<>();
  /** Answers a request itself when it gives an answer; else the request is forwarded. */
  volatile Function<Seen, Optional<Reply>> answer = request -> Optional.empty();
  /** Rewrites a request before it is forwarded. */
  volatile UnaryOperator<Seen> forward = request -> request;
  /** Rewrites the upstream's answer before it is sent back. */
  volatile BiFunction<Seen, Reply, Reply> rewrite = (request, reply) -> reply;
  /** Whether answers with a body go chunked, without a Content-Length. */
  volatile boolean chunked;

  /**
   * Starts an intermediary in front of a server.
   *
   * @param upstream the server's base URL, such as {@code http://127.0.0.1:8080}
   */
  Intermediary(String upstream) throws IOException {
    this.upstream = upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@return the intermediary's base URL} */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@return the requests that arrived with a method} */
  List<Seen> seen(String method) {
    return seen.stream().filter(s -> s.method().equals(method)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          caseless(exchange.getRequestHeaders()), body);
      seen.add(request);
      Reply reply = answer.apply(request).orElseGet(() -> rewrite.apply(request, send(forward.apply(request))));
      sent.add(reply);
      reply.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, new ArrayList<>(values)));
      exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : chunked ? 0 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private Reply send(Seen request) {
    HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(upstream + request.path())).method(request.method(),
        request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(value -> out.header(name, value));
      }
    });
    try {
      HttpResponse<byte[]> response = UPSTREAM.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, List<String>> headers = caseless(Map.of());
      response.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          headers.put(name, values);
        }
      });
      return new Reply(response.statusCode(), headers, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, List<String>> caseless(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return copy;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
