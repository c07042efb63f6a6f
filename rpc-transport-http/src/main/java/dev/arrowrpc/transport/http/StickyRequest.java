package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.Sessions;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.spi.SessionActivity;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Sessions} of one HTTP request: the session its token resumed (whose lock it holds
 * until {@link #finish()}), or the one a method opens; the response headers that tell the client.
 * Used only on the thread answering the request.
 */
final class StickyRequest implements Sessions, SessionActivity {
  /** What the request did with a session, as the access log names it. */
  enum Action {
    NONE, OPEN, RESUME, CLOSE;

    String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final StickySessions sessions;
  private final HttpServerExchange exchange;
  private final Identity identity;
  private final String principalKey;
  private final boolean acceptsOpens;
  private SessionRegistry.Entry bound;
  private SessionRegistry.Entry locked;
  private String touchedId;
  private Action action;

  StickyRequest(StickySessions sessions, HttpServerExchange exchange, Identity identity, String principalKey,
      boolean acceptsOpens, SessionRegistry.Entry resumed) {
    this.sessions = sessions;
    this.exchange = exchange;
    this.identity = identity;
    this.principalKey = principalKey;
    this.acceptsOpens = acceptsOpens;
    this.bound = resumed;
    this.locked = resumed;
    this.touchedId = resumed == null ? null : resumed.hexId();
    this.action = resumed == null ? Action.NONE : Action.RESUME;
  }

  @Override
  public Optional<Object> state() {
    return bound == null ? Optional.empty() : Optional.of(bound.state());
  }

  @Override
  public Optional<String> id() {
    return bound == null ? Optional.empty() : Optional.of(bound.hexId());
  }

  @Override
  public void open(Object state) {
    open(state, Optional.empty());
  }

  @Override
  public void open(Object state, Duration ttl) {
    open(state, Optional.of(Objects.requireNonNull(ttl, "ttl")));
  }

  private void open(Object state, Optional<Duration> ttl) {
    Objects.requireNonNull(state, "state");
    if (!acceptsOpens) {
      throw new IllegalStateException("cannot open a sticky session: the request does not carry "
          + StickySessions.SESSION_ACCEPT + ": true (the client is not tracking sessions)");
    }
    if (bound != null) {
      throw new IllegalStateException("a sticky session is already active for this request");
    }
    if (exchange.isResponseStarted()) {
      throw new IllegalStateException("cannot open a sticky session after the response has started");
    }
    SessionRegistry.Opened opened = sessions.registry().open(state, ttl, principalKey);
    String token = sessions.tokens().seal(opened.entry().id(), opened.expiresAtSeconds(), identity);
    exchange.getResponseHeaders().put(StickySessions.SESSION, token);
    sessions.echoHeaders().forEach((name, value) ->
        exchange.getResponseHeaders().put(new HttpString(StickySessions.ECHO_PREFIX + name), value));
    bound = opened.entry();
    touchedId = bound.hexId();
    action = Action.OPEN;
  }

  @Override
  public void close() {
    if (bound != null) {
      SessionRegistry.Entry ending = bound;
      bound = null;
      sessions.registry().close(ending.id());
      touchedId = ending.hexId();
    }
    if (!exchange.isResponseStarted()) {
      exchange.getResponseHeaders().put(StickySessions.SESSION_CLOSE, "true");
    }
    action = Action.CLOSE;
  }

  @Override
  public String sessionAction() {
    return action.wireName();
  }

  @Override
  public Optional<String> sessionId() {
    return Optional.ofNullable(touchedId);
  }

  /** Releases the resumed session's lock (the request is answered). */
  void finish() {
    if (locked != null) {
      locked.lock().unlock();
      locked = null;
    }
  }
}
