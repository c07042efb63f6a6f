package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StandardErrors;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.spi.SessionScope;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sticky sessions of one running {@link HttpRpcServer} (docs/sticky-sessions-spec.md of the
 * reference): the registry of this process's live sessions, their tokens, the reaper that ends
 * expired ones, and the operator's drain switch. {@link HttpRpcServer#stickySessions()} returns it.
 *
 * <p>On the wire: a request opts in to new sessions with {@code VGI-Session-Accept: true} and
 * resumes one with {@code VGI-Session: <token>}; a response carries {@code VGI-Session} when a
 * session was opened (with the {@code VGI-Echo-*} headers) and {@code VGI-Session-Close: true}
 * when one was closed. Every response advertises {@code VGI-Sticky-Enabled}, {@code
 * VGI-Sticky-Default-TTL} and, when configured, {@code VGI-Sticky-Echo-Headers}. {@code DELETE
 * {prefix}/__session__} ends a session (204; 200 whatever else happened). A token that cannot be
 * honoured answers {@code SessionLostError}; opening a session while draining, {@code
 * ServerDrainingError}. Requests of one session run one at a time.
 */
public final class StickySessions {
  static final HttpString SESSION = new HttpString("VGI-Session");
  static final HttpString SESSION_ACCEPT = new HttpString("VGI-Session-Accept");
  static final HttpString SESSION_CLOSE = new HttpString("VGI-Session-Close");
  static final String ECHO_PREFIX = "VGI-Echo-";
  static final HttpString STICKY_ENABLED = new HttpString("VGI-Sticky-Enabled");
  static final HttpString STICKY_DEFAULT_TTL = new HttpString("VGI-Sticky-Default-TTL");
  static final HttpString STICKY_ECHO_HEADERS = new HttpString("VGI-Sticky-Echo-Headers");

  private static final Logger LOG = LoggerFactory.getLogger(StickySessions.class);
  private static final String SESSION_ROUTE = "/__session__";
  private static final String TEST_DRAIN_ROUTE = "/__test_drain__";

  private final StickyConfig config;
  private final SessionRegistry registry;
  private final SessionTokens tokens;
  private final String serverId;
  private final BufferAllocator allocator;
  private final ScheduledExecutorService reaper;

  StickySessions(StickyConfig config, byte[] key, String serverId, BufferAllocator allocator, Clock clock) {
    this.config = config;
    this.registry = new SessionRegistry(config.defaultTtl(), clock);
    this.tokens = new SessionTokens(key, serverId, clock);
    this.serverId = serverId;
    this.allocator = allocator;
    this.reaper = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "sticky-session-reaper");
      thread.setDaemon(true);
      return thread;
    });
    reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ operator API

  /** Refuses new sessions from now on ({@code ServerDrainingError}); open sessions keep serving. */
  public void drain() {
    registry.draining(true);
  }

  /** Accepts new sessions again after {@link #drain()}. */
  public void undrain() {
    registry.draining(false);
  }

  /** {@return whether new sessions are refused} */
  public boolean draining() {
    return registry.draining();
  }

  /** Ends every live session now, closing their state (after a drain's grace period). */
  public void closeAll() {
    registry.closeAll();
  }

  /** {@return how many sessions are live} */
  public int liveSessions() {
    return registry.size();
  }

  /** {@return the lifetime of a session opened without one} */
  public Duration defaultTtl() {
    return registry.defaultTtl();
  }

  /** Stops the reaper and ends every session (the server is closing). */
  void shutdown() {
    reaper.shutdownNow();
    registry.closeAll();
  }

  private void reap() {
    try {
      registry.evictExpired();
    } catch (RuntimeException e) {
      LOG.warn("sticky-session reaper tick failed", e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  /** The capability headers every response carries. */
  Map<HttpString, String> capabilities() {
    Map<HttpString, String> caps = new LinkedHashMap<>();
    caps.put(STICKY_ENABLED, "true");
    caps.put(STICKY_DEFAULT_TTL, Long.toString(registry.defaultTtl().toSeconds()));
    if (!config.echoHeaders().isEmpty()) {
      caps.put(STICKY_ECHO_HEADERS, String.join(", ", config.echoHeaders().keySet()));
    }
    return caps;
  }

  /** The session headers a browser must be allowed to read. */
  List<String> exposedHeaders() {
    List<String> exposed = new ArrayList<>(List.of(SESSION.toString(), SESSION_CLOSE.toString()));
    config.echoHeaders().keySet().forEach(name -> exposed.add(ECHO_PREFIX + name));
    return exposed;
  }

  /** The echo headers of a session-opening response. */
  Map<String, String> echoHeaders() {
    return config.echoHeaders();
  }

  /**
   * Answers the sticky routes: {@code DELETE {prefix}/__session__}, and {@code POST/DELETE
   * {prefix}/__test_drain__} when configured.
   *
   * @param path the path under the prefix
   * @return whether the request was one of them (and is answered)
   */
  boolean route(HttpServerExchange exchange, String verb, String path, Identity identity) throws IOException {
    if (path.equals(SESSION_ROUTE) && verb.equals("DELETE")) {
      boolean ended = endSession(exchange.getRequestHeaders().getFirst(SESSION), identity);
      if (ended) {
        exchange.getResponseHeaders().put(SESSION_CLOSE, "true");
      }
      exchange.setStatusCode(ended ? 204 : 200);
      exchange.endExchange();
      return true;
    }
    if (path.equals(TEST_DRAIN_ROUTE) && config.testDrainRoute() && (verb.equals("POST") || verb.equals("DELETE"))) {
      registry.draining(verb.equals("POST"));
      exchange.setStatusCode(204);
      exchange.endExchange();
      return true;
    }
    return false;
  }

  /** Ends the session a token names, if it is live and the caller's; whatever else, nothing. */
  private boolean endSession(String token, Identity identity) {
    if (token == null || token.isBlank()) {
      return false;
    }
    byte[] id;
    try {
      id = tokens.open(token, identity);
    } catch (RpcException lost) {
      return false;
    }
    Optional<SessionRegistry.Entry> entry = registry.find(id, SessionTokens.principalKey(identity));
    if (entry.isEmpty()) {
      return false;
    }
    // waits for a request of the session in flight
    entry.get().lock().lock();
    try {
      return registry.close(id);
    } finally {
      entry.get().lock().unlock();
    }
  }

  /** Runs a call on the request path. */
  @FunctionalInterface
  interface Call {
    RequestEngine.Outcome run() throws IOException;
  }

  /**
   * Runs an RPC request with its sessions: resolves the session its token names (answering {@code
   * SessionLostError} when it cannot be honoured), holds the session's lock while the call runs,
   * and makes the request's {@link dev.arrowrpc.core.Sessions} reachable from the call's context.
   *
   * @param exchange the request
   * @param identity who calls
   * @param requestId the request id (for the error batch)
   * @param out the response body
   * @param call runs the call
   * @return how the response ended
   */
  RequestEngine.Outcome serve(HttpServerExchange exchange, Identity identity, String requestId, OutputStream out,
      Call call) throws IOException {
    String accept = exchange.getRequestHeaders().getFirst(SESSION_ACCEPT);
    boolean acceptsOpens = accept != null && accept.strip().toLowerCase(Locale.ROOT).equals("true");
    String principalKey = SessionTokens.principalKey(identity);
    String token = exchange.getRequestHeaders().getFirst(SESSION);
    SessionRegistry.Entry entry = null;
    if (token != null && !token.isBlank()) {
      try {
        entry = resume(token, identity, principalKey);
      } catch (RpcException lost) {
        out.write(Responses.arrowError(lost, serverId, requestId, allocator));
        return RequestEngine.Outcome.METHOD_ERROR;
      }
    }
    StickyRequest request = new StickyRequest(this, exchange, identity, principalKey, acceptsOpens, entry);
    try (SessionScope scope = SessionScope.enter(request)) {
      return call.run();
    } finally {
      request.finish();
    }
  }

  /**
   * The live session a token names, locked for the caller: requests of one session run one at a
   * time, so this waits for the one in flight (and fails if that one ended the session).
   */
  private SessionRegistry.Entry resume(String token, Identity identity, String principalKey) {
    byte[] id = tokens.open(token, identity);
    SessionRegistry.Entry entry = registry.find(id, principalKey).orElseThrow(StickySessions::notFound);
    entry.lock().lock();
    if (registry.find(id, principalKey).isEmpty()) {
      entry.lock().unlock();
      throw notFound();
    }
    return entry;
  }

  private static RpcException notFound() {
    return StandardErrors.sessionLost("session not found, expired, or principal mismatch");
  }

  SessionRegistry registry() {
    return registry;
  }

  SessionTokens tokens() {
    return tokens;
  }
}
