package dev.arrowrpc.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The sticky sessions of the transport serving a call: state a method binds to the server process
 * that holds it, kept in memory (never serialized) and found again on later requests of the same
 * client, until it is closed or its lifetime ends. Only transports that route a client's requests
 * back to one process offer them (HTTP with sticky sessions enabled); elsewhere {@link
 * CallContext#sessions()} is empty.
 *
 * <p>A {@code Sessions} belongs to one request: {@link #state()} is the state bound by an earlier
 * request (or by {@link #open} in this one), and {@link #close()} ends it. State that implements
 * {@link AutoCloseable} is closed when its session ends: explicitly, by expiry, or when the server
 * shuts its sessions down (never on a crash).
 */
public interface Sessions {
  /** {@return the state bound to this request's session, if a session is bound} */
  Optional<Object> state();

  /** {@return the bound session's id (24 lowercase hex digits), for logs, if a session is bound} */
  Optional<String> id();

  /**
   * Opens a session holding {@code state} for the transport's default lifetime; the response
   * carries its token.
   *
   * @param state the state, returned by {@link #state()} on the session's later requests
   * @throws IllegalStateException when the client did not ask for sessions, or a session is already
   *     bound to this request
   * @throws RpcException {@code ServerDrainingError} when the server refuses new sessions
   */
  void open(Object state);

  /**
   * Opens a session holding {@code state} for {@code ttl}.
   *
   * @param state the state
   * @param ttl how long the session lives after it is opened
   * @throws IllegalStateException as {@link #open(Object)}
   * @throws RpcException as {@link #open(Object)}
   */
  void open(Object state, Duration ttl);

  /**
   * Ends the bound session: closes its state (when {@link AutoCloseable}), forgets it, and tells
   * the client to drop its token. Does nothing more when no session is bound.
   */
  void close();
}
