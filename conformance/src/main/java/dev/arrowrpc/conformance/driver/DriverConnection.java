package dev.arrowrpc.conformance.driver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.spi.BatchCalls;
import dev.arrowrpc.transport.http.HttpFetcher;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpSession;
import dev.arrowrpc.transport.http.HttpTransport;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The one connection a driver process holds: arrow-rpc's client over the transport {@code connect}
 * named, with the server's log messages collected for the next response.
 */
final class DriverConnection implements AutoCloseable {
  private final String transport;
  private final String protocol;
  private final BufferAllocator allocator;
  private final RpcClient client;
  private final List<LogMessage> logs;
  private final Optional<HttpTransport> http;
  private final Optional<ExternalFetcher> fetcher;
  /** The open sticky-session scopes, innermost first. */
  private final Deque<SessionScope> sessions = new ArrayDeque<>();

  private DriverConnection(String transport, String protocol, BufferAllocator allocator, RpcClient client,
      List<LogMessage> logs, Optional<HttpTransport> http, Optional<ExternalFetcher> fetcher) {
    this.transport = transport;
    this.protocol = protocol;
    this.allocator = allocator;
    this.client = client;
    this.logs = logs;
    this.http = http;
    this.fetcher = fetcher;
  }

  /** One sticky-session scope: the client's session transport and the calls made over it. */
  private record SessionScope(HttpSession session, RpcClient client) {}

  /**
   * Connects as the {@code connect} op says.
   *
   * @param op the op
   * @return the connection
   * @throws DriverException when a field is missing or malformed
   * @throws IOException when the transport cannot be opened
   */
  static DriverConnection open(JsonNode op) throws IOException {
    String transport = requiredText(op, "transport");
    String protocol = requiredText(op, "protocol");
    JsonNode target = op.get("target");
    if (target == null || target.isNull()) {
      throw new DriverException("connect: 'target' is required");
    }
    boolean external = op.path("external").asBoolean(false);
    List<LogMessage> logs = new ArrayList<>();
    Consumer<LogMessage> onLog = logs::add;
    Optional<ExternalFetcher> fetcher = external ? Optional.of(HttpFetcher.builder().build()) : Optional.empty();
    BufferAllocator allocator = new RootAllocator();
    Optional<HttpTransport> http = Optional.empty();
    try {
      if (transport.equals("http")) {
        http = Optional.of(http(text(target, "target"), op));
      }
      RpcClient.Builder builder = switch (transport) {
        case "stdio" -> RpcClient.builder(subprocess(target, 0));
        case "shm" -> RpcClient.builder(subprocess(target, op.path("shm_size").asLong(DEFAULT_SHM_SIZE)));
        case "unix" -> RpcClient.builder(UnixSocket.connect(Path.of(text(target, "target"))));
        case "tcp" -> RpcClient.builder(tcp(text(target, "target")));
        case "http" -> RpcClient.builder(http.orElseThrow());
        default -> throw new DriverException("connect: transport '" + transport
            + "' is not supported (stdio, shm, unix, tcp, http)");
      };
      return new DriverConnection(transport, protocol, allocator, client(builder, allocator, onLog, fetcher), logs,
          http, fetcher);
    } catch (IOException | RuntimeException e) {
      http.ifPresent(HttpTransport::close);
      allocator.close();
      throw e;
    }
  }

  /** A client over the builder's transport, reading into the connection's allocator. */
  private static RpcClient client(RpcClient.Builder builder, BufferAllocator allocator, Consumer<LogMessage> onLog,
      Optional<ExternalFetcher> fetcher) {
    builder.allocator(allocator).onLog(onLog);
    fetcher.ifPresent(builder::external);
    return builder.build();
  }

  /** The segment size of a {@code shm} connection that names none (the protocol's default, 4 MiB). */
  private static final long DEFAULT_SHM_SIZE = 4L << 20;

  /**
   * A worker subprocess; with {@code shmSize > 0} it is offered a shared-memory segment of that size
   * (kept when the worker confirms it, else every batch stays inline).
   */
  private static ByteTransport subprocess(JsonNode target, long shmSize) throws IOException {
    if (!target.isArray() || target.isEmpty()) {
      throw new DriverException("connect: a stdio target is an argv array");
    }
    List<String> argv = new ArrayList<>();
    for (Iterator<JsonNode> it = target.elements(); it.hasNext(); ) {
      argv.add(text(it.next(), "target element"));
    }
    // the worker's stderr goes to ours: stdout is the control channel
    Subprocess.Builder builder = Subprocess.builder(argv).stderr(line -> System.err.println(line));
    if (shmSize > 0) {
      if (shmSize > Integer.MAX_VALUE) {
        throw new DriverException("connect: shm_size " + shmSize + " is larger than a segment can be (2 GiB)");
      }
      builder.sharedMemory(shmSize);
    }
    return builder.launch();
  }

  private static ByteTransport tcp(String target) throws IOException {
    int colon = target.lastIndexOf(':');
    if (colon < 0) {
      throw new DriverException("connect: a tcp target is HOST:PORT, got '" + target + "'");
    }
    String host = target.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new DriverException("connect: a tcp target is HOST:PORT, got '" + target + "'");
    }
    return Tcp.connect(host.isEmpty() ? "127.0.0.1" : host, port);
  }

  private static HttpTransport http(String url, JsonNode op) {
    HttpRpc.Builder builder = HttpRpc.builder(url);
    for (Map.Entry<String, JsonNode> header : op.path("headers").properties()) {
      builder.header(header.getKey(), text(header.getValue(), "header " + header.getKey()));
    }
    // tri-state: absent = the client's default; null = off; an integer = on, at that zstd level
    JsonNode level = op.get("compression_level");
    if (level != null && level.isIntegralNumber() && level.canConvertToInt()) {
      builder.compressRequests(level.asInt());
    } else if (level != null) {
      builder.compressRequests(!level.isNull());
    }
    return builder.transport();
  }

  private static String requiredText(JsonNode op, String field) {
    JsonNode value = op.get(field);
    if (value == null || !value.isTextual()) {
      throw new DriverException("connect: '" + field + "' is required (a string)");
    }
    return value.asText();
  }

  private static String text(JsonNode value, String what) {
    if (!value.isTextual()) {
      throw new DriverException("connect: " + what + " must be a string");
    }
    return value.asText();
  }

  /** The transport's name as {@code connect} gave it. */
  String transport() {
    return transport;
  }

  /** The protocol every call addresses (the routing key). */
  String protocol() {
    return protocol;
  }

  /** Where request payloads are read into. */
  BufferAllocator allocator() {
    return allocator;
  }

  /** The client calls go through: the innermost session scope's, when one is open. */
  RpcClient client() {
    SessionScope scope = sessions.peekFirst();
    return scope == null ? client : scope.client();
  }

  /** The client's batch relay, in the innermost session scope when one is open. */
  BatchCalls batches() {
    return client().batches();
  }

  /** The HTTP client, for the HTTP-only ops. */
  HttpTransport http() {
    return http.orElseThrow(() -> new DriverException("op requires http transport"));
  }

  /**
   * Opens a sticky-session scope inside any open one.
   *
   * @param token the session to resume, or empty to let the server mint one
   */
  void beginSession(Optional<String> token) {
    HttpSession session = http().session(token);
    sessions.push(new SessionScope(session, client(RpcClient.builder(session), allocator, logs::add, fetcher)));
  }

  /** The innermost session scope's session, if one is open. */
  Optional<HttpSession> session() {
    http();
    return Optional.ofNullable(sessions.peekFirst()).map(SessionScope::session);
  }

  /** Closes the innermost session scope (ending its session unless detached); none open: nothing. */
  void endSession() throws IOException {
    http();
    SessionScope scope = sessions.pollFirst();
    if (scope != null) {
      closeClient(scope.client());
    }
  }

  /** The log messages received since the last call, removed. */
  List<LogMessage> drainLogs() {
    List<LogMessage> drained = List.copyOf(logs);
    logs.clear();
    return drained;
  }

  /** Closes the client (the transport: the worker process, the socket, the HTTP pool). */
  @Override
  public void close() throws IOException {
    try {
      while (!sessions.isEmpty()) {
        try {
          endSession();
        } catch (IOException | RuntimeException e) {
          System.err.println("client-driver: ending a session failed: " + e);
        }
      }
      closeClient(client);
    } finally {
      allocator.close();
    }
  }

  private static void closeClient(RpcClient client) throws IOException {
    try {
      client.close();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
