package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RequestTransport;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.Request;

/**
 * A sticky-session scope over an {@link HttpTransport} (docs/sticky-sessions-spec.md of the
 * reference): a transport of its own, sharing the parent's connections, whose every request
 * carries {@code VGI-Session-Accept: true} (the opt-in without which a server method cannot open a
 * session), the session token once the server minted one ({@code VGI-Session}), and the headers the
 * server asked to have echoed ({@code VGI-Echo-<name>: <value>} on an answer, sent back as {@code
 * <name>: <value>}, the name in lowercase; a header the caller set itself wins). Each answer updates the token; {@code
 * VGI-Session-Close: true} ends the scope's session (token and echo headers cleared).
 *
 * <p>{@link #close()} ends a session that is still live with a best-effort {@code DELETE
 * {prefix}/__session__}, unless it was {@link #detach() detached}; the parent transport stays open.
 * Made by {@link HttpTransport#session(Optional)}. Thread-safe.
 */
public final class HttpSession implements RequestTransport {
  private static final String SESSION = "VGI-Session";
  private static final String SESSION_ACCEPT = "VGI-Session-Accept";
  private static final String SESSION_CLOSE = "VGI-Session-Close";
  private static final String ECHO_PREFIX = "vgi-echo-";

  private final HttpTransport transport;
  private final Map<String, String> echoHeaders = new LinkedHashMap<>();
  private final HttpTransport.Hooks hooks = new HttpTransport.Hooks() {
    @Override
    public void request(Request.Builder request) {
      addHeaders(request);
    }

    @Override
    public void response(okhttp3.Response response) {
      capture(response);
    }
  };
  private Optional<String> token;
  private boolean ended;

  HttpSession(HttpTransport transport, Optional<String> token) {
    this.transport = transport;
    this.token = token.filter(t -> !t.isEmpty());
  }

  @Override
  public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
    return transport.call(HttpTransport.route(protocol, method, kind), body, hooks);
  }

  /** {@return the session's token: the one resumed, or the last the server sent; empty when there is none} */
  public synchronized Optional<String> token() {
    return token;
  }

  /**
   * {@return the headers the server asked this session to echo, by name (without the {@code VGI-Echo-} prefix)}
   */
  public synchronized Map<String, String> echoHeaders() {
    return Map.copyOf(echoHeaders);
  }

  /**
   * Hands the session over: the scope forgets its token, so {@link #close()} leaves the session
   * alive on the server (until its expiry, or until whoever holds the token ends it).
   *
   * @return the token, or empty when no session was live
   */
  public synchronized Optional<String> detach() {
    Optional<String> detached = token;
    token = Optional.empty();
    ended = true;
    return detached;
  }

  /** Ends a live, undetached session on the server (best effort); the parent transport stays open. */
  @Override
  public void close() {
    Optional<String> live;
    synchronized (this) {
      live = ended ? Optional.empty() : token;
      ended = true;
    }
    live.ifPresent(transport::deleteSession);
  }

  private synchronized void addHeaders(Request.Builder request) {
    request.header(SESSION_ACCEPT, "true");
    token.ifPresent(t -> request.header(SESSION, t));
    Request probe = request.build();
    echoHeaders.forEach((name, value) -> {
      if (probe.header(name) == null) {
        request.header(name, value);
      }
    });
  }

  private synchronized void capture(okhttp3.Response response) {
    String minted = response.header(SESSION);
    if (minted != null && !minted.isEmpty()) {
      token = Optional.of(minted);
    }
    for (String name : response.headers().names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(ECHO_PREFIX) && lower.length() > ECHO_PREFIX.length()) {
        // header names are case-insensitive: kept lowercase, as the reference's client reports them
        echoHeaders.put(lower.substring(ECHO_PREFIX.length()), response.header(name));
      }
    }
    if ("true".equalsIgnoreCase(String.valueOf(response.header(SESSION_CLOSE)).strip())) {
      token = Optional.empty();
      echoHeaders.clear();
      ended = true;
    }
  }
}
