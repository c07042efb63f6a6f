package dev.arrowrpc.core;

import java.util.Map;
import java.util.Optional;

/**
 * What a method implementation knows about the call it serves: who is calling, the request's
 * metadata, and a channel for log messages to the client. Declare a {@code CallContext} parameter
 * (anywhere) on the implementation's method, or call {@link #current()}.
 */
public interface CallContext {
  /** The authenticated principal, or empty for an anonymous caller. */
  Optional<String> principal();

  /** The authentication domain (for example {@code bearer}), or an empty string. */
  String authDomain();

  /**
   * What the caller's authentication established besides the principal (for example {@code
   * auth_time}, as the authenticator supplied it); empty when the transport authenticates no one.
   */
  default Map<String, Object> claims() {
    return Map.of();
  }

  /** Whether the caller was authenticated. */
  default boolean authenticated() {
    return principal().isPresent();
  }

  /** The request id of this call. */
  String requestId();

  /** The method being served. */
  String method();

  /**
   * The protocol the call addressed (a server may host several). Empty for a call served in-process
   * without a server.
   */
  default String protocol() {
    return "";
  }

  /**
   * The kind of transport serving this call: set by the server's transports, empty for a call
   * served in-process without one or on a byte channel whose kind its owner did not say.
   */
  default Optional<TransportKind> transportKind() {
    return Optional.empty();
  }

  /** The request batch's custom metadata (includes the framework keys). */
  Map<String, String> requestMetadata();

  /**
   * Sends a log message to the client; it arrives before the call's result or the turn's batch.
   *
   * @param level severity (not {@link LogLevel#EXCEPTION})
   * @param message text
   * @param extra free-form extras
   */
  void log(LogLevel level, String message, Map<String, String> extra);

  /** Sends a log message without extras. */
  default void log(LogLevel level, String message) {
    log(level, message, Map.of());
  }

  /**
   * The sticky sessions of the transport serving this call, when it has them (HTTP with sticky
   * sessions enabled); empty elsewhere.
   */
  default Optional<Sessions> sessions() {
    return Optional.empty();
  }

  /** The context of the call the current thread is serving, if any. */
  static Optional<CallContext> current() {
    return Optional.ofNullable(dev.arrowrpc.core.server.CurrentCall.get());
  }
}
