package dev.arrowrpc.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a method implementation knows about the call it serves: who is calling, the request's
 * metadata, and a channel for log messages to the client. Declare a {@code CallContext} parameter
 * (anywhere) on the implementation's method, or call {@link #current()}.
 */
public interface CallContext {
  /** {@return the authenticated principal, or empty for an anonymous caller} */
  Optional<String> principal();

  /** {@return the authentication domain (for example {@code bearer}), or an empty string} */
  String authDomain();

  /**
   * {@return what the caller's authentication established besides the principal (for example {@code
   * auth_time}, as the authenticator supplied it); empty when the transport authenticates no one}
   */
  default Map<String, Object> claims() {
    return Map.of();
  }

  /** {@return whether the caller was authenticated} */
  default boolean authenticated() {
    return principal().isPresent();
  }

  /** {@return the request id of this call} */
  String requestId();

  /** {@return the method being served} */
  String method();

  /**
   * {@return the protocol the call addressed (a server may host several)} Empty for a call served in-process
   * without a server.
   */
  default String protocol() {
    return "";
  }

  /**
   * {@return the kind of transport serving this call: set by the server's transports, empty for a call
   * served in-process without one or on a byte channel whose kind its owner did not say}
   */
  default Optional<TransportKind> transportKind() {
    return Optional.empty();
  }

  /**
   * {@return the caller's address as the transport sees it: the client's IP address over HTTP,
   * TCP and Flight (a proxy's, behind one), as the access record's {@code remote_addr} has it; empty
   * on a pipe, on a Unix socket (whose peer has no address) and in process}
   */
  default Optional<String> remoteAddress() {
    return Optional.empty();
  }

  /**
   * {@return the cookies the HTTP request carried, by name; empty on other transports, which have
   * none}
   */
  default Map<String, String> cookies() {
    return Map.of();
  }

  /**
   * Sets a cookie on the response ({@code Set-Cookie}), as the reference's {@code ctx.set_cookie}; {@link
   * ResponseCookie#deletion} deletes one. Only a unary method served over HTTP can: a stream's turns,
   * and other transports, have no response a cookie can ride.
   *
   * @param cookie the cookie
   * @throws IllegalStateException when the call is not a unary call over HTTP
   */
  default void setCookie(ResponseCookie cookie) {
    throw new IllegalStateException("setCookie() is only supported inside unary methods served over HTTP");
  }

  /** {@return the request batch's custom metadata (includes the framework keys)} */
  Map<String, String> requestMetadata();

  /**
   * Sends a log message to the client; it arrives before the call's result or the turn's batch.
   *
   * @param level severity (not {@link LogLevel#EXCEPTION})
   * @param message text
   * @param extra free-form extras
   */
  void log(LogLevel level, String message, Map<String, String> extra);

  /**
   * Sends a log message without extras.
   *
   * @param level severity (not {@link LogLevel#EXCEPTION})
   * @param message text
   */
  default void log(LogLevel level, String message) {
    log(level, message, Map.of());
  }

  /**
   * {@return the sticky sessions of the transport serving this call, when it has them (HTTP with sticky
   * sessions enabled); empty elsewhere}
   */
  default Optional<Sessions> sessions() {
    return Optional.empty();
  }

  /**
   * {@return the byte budget of the answer this call, or this turn of a stream, is writing: the
   * limit the transport enforces, the size the server prefers and what is left; {@link
   * ResponseBudget#UNBOUNDED} on transports that do not cap answers}
   */
  default ResponseBudget responseBudget() {
    return ResponseBudget.UNBOUNDED;
  }

  /** {@return the context of the call the current thread is serving, if any} */
  static Optional<CallContext> current() {
    return Optional.ofNullable(Scope.CURRENT.get());
  }

  /**
   * Makes {@code context} the current thread's call (what {@link #current()} returns) until the
   * returned scope is closed, which restores the call that was current before. The server enters one
   * around every method call and stream turn; a test can enter one to run a service method that calls
   * {@link #current()} without a server:
   *
   * <pre>{@code
   * try (CallContext.Scope scope = CallContext.enter(testContext)) {
   *   service.method(args);
   * }
   * }</pre>
   *
   * @param context the call the thread serves
   * @return the scope to close on the same thread
   */
  static Scope enter(CallContext context) {
    return new Scope(Objects.requireNonNull(context, "context"));
  }

  /** A span of one thread during which a call is current; see {@link #enter(CallContext)}. */
  final class Scope implements AutoCloseable {
    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    private final CallContext previous;
    private final Thread thread;

    private Scope(CallContext context) {
      this.previous = CURRENT.get();
      this.thread = Thread.currentThread();
      CURRENT.set(context);
    }

    /**
     * Restores the call that was current when this scope was entered.
     *
     * @throws IllegalStateException on a thread other than the one that entered the scope
     */
    @Override
    public void close() {
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("a call scope is closed on the thread that entered it");
      }
      // set, not remove: a worker thread serves call after call, and removing the entry makes the
      // next call allocate it again
      CURRENT.set(previous);
    }
  }
}
