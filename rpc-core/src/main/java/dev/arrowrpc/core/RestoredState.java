package dev.arrowrpc.core;

/**
 * A stream state ({@link ProducerState}, {@link ExchangeState}, {@link BatchState}) that is told when
 * a stateless transport has rebuilt it from its token, as the reference's {@code
 * StreamState.rehydrate(implementation)}: over HTTP a state travels to the client and back between
 * turns, and only its non-{@code transient} fields make the trip, so a state holding something that
 * cannot travel (a connection, a handle, a cache) rebuilds it here, from the service's implementation.
 * Called before each turn that restored the state, never on transports that keep the state in memory
 * (pipes, sockets, Flight), where the fields are simply still there.
 */
@FunctionalInterface
public interface RestoredState {
  /**
   * Rebuilds what the token did not carry.
   *
   * @param implementation the object serving the stream's protocol
   */
  void restored(Object implementation);
}
