package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.ResponseBudget;
import dev.arrowrpc.core.ResponseCookie;
import dev.arrowrpc.core.Sessions;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.spi.CookieScope;
import dev.arrowrpc.core.spi.SessionScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The context of one call on the server. Log messages go to the sink currently attached (the
 * stream being written), or wait until one is.
 */
final class ServerCall implements CallContext {
  /** Receives the call's log messages. */
  interface LogSink {
    void log(LogMessage message) throws IOException;
  }

  private final String protocol;
  private final String method;
  private final String requestId;
  private final Map<String, String> requestMetadata;
  private final Identity identity;
  private final Optional<TransportKind> transportKind;
  /** The peer's address as the transport reports it; empty when it has none (a pipe). */
  private final String remoteAddress;
  /** Logs made before a sink was attached (made on the first one: most calls log nothing). */
  private List<LogMessage> pending = List.of();
  /** The sessions of the request this call was created for (transports that bind a scope). */
  private final Optional<Sessions> sessions = SessionScope.current();
  /** The cookies of the request this call was created for (HTTP). */
  private final Optional<CookieScope.Cookies> cookies = CookieScope.current();
  private LogSink sink;
  /** The answer's budget, as the engine last took it (unbounded unless the transport caps answers). */
  private ResponseBudget budget = ResponseBudget.UNBOUNDED;

  ServerCall(String protocol, String method, String requestId, Map<String, String> requestMetadata,
      Identity identity, Optional<TransportKind> transportKind, String remoteAddress) {
    this.protocol = protocol;
    this.method = method;
    this.requestId = requestId;
    this.requestMetadata = dev.arrowrpc.core.wire.MetadataKeys.readOnly(requestMetadata);
    this.identity = identity;
    this.transportKind = transportKind;
    this.remoteAddress = remoteAddress;
  }

  /** Attaches where logs go from now on, first delivering those that waited. */
  void attach(LogSink sink) throws IOException {
    this.sink = sink;
    if (sink != null) {
      List<LogMessage> waiting = pending;
      pending = List.of();
      for (LogMessage message : waiting) {
        sink.log(message);
      }
    }
  }

  /** Messages logged while no sink was attached. */
  List<LogMessage> takePending() {
    List<LogMessage> out = List.copyOf(pending);
    pending = List.of();
    return out;
  }

  @Override
  public Optional<String> principal() {
    return identity.principal();
  }

  @Override
  public String authDomain() {
    return identity.domain();
  }

  @Override
  public Map<String, Object> claims() {
    return identity.claims();
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public Optional<TransportKind> transportKind() {
    return transportKind;
  }

  @Override
  public Optional<String> remoteAddress() {
    return remoteAddress.isEmpty() ? Optional.empty() : Optional.of(remoteAddress);
  }

  @Override
  public Map<String, String> cookies() {
    return cookies.map(CookieScope.Cookies::received).orElse(Map.of());
  }

  @Override
  public void setCookie(ResponseCookie cookie) {
    java.util.Objects.requireNonNull(cookie, "cookie");
    cookies.flatMap(CookieScope.Cookies::sink).orElseThrow(() -> new IllegalStateException(
        "setCookie() is only supported inside unary methods served over HTTP")).accept(cookie);
  }

  @Override
  public Optional<Sessions> sessions() {
    return sessions;
  }

  @Override
  public ResponseBudget responseBudget() {
    return budget;
  }

  /** Sets the budget the method sees from now on (taken when a call or a turn starts). */
  void budget(ResponseBudget budget) {
    this.budget = budget;
  }

  @Override
  public Map<String, String> requestMetadata() {
    return requestMetadata;
  }

  @Override
  public void log(LogLevel level, String message, Map<String, String> extra) {
    if (level == LogLevel.EXCEPTION) {
      throw new IllegalArgumentException("EXCEPTION is reserved for errors: throw instead");
    }
    LogMessage entry = new LogMessage(level, message, extra);
    if (sink == null) {
      if (pending.isEmpty()) {
        pending = new ArrayList<>(); // the shared empty list until the first log
      }
      pending.add(entry);
      return;
    }
    try {
      sink.log(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
