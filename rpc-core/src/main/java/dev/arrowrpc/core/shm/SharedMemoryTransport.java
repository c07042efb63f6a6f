package dev.arrowrpc.core.shm;

import java.util.Optional;

/**
 * A client transport that owns a shared-memory segment its server confirmed it can use (through
 * {@code __transport_options__}, see {@link ShmNegotiation}). Client calls over it name the segment
 * in every request, send large stream inputs through it and resolve the pointer batches of answers
 * against it.
 */
public interface SharedMemoryTransport {
  /** {@return the segment, when the server confirmed shared memory; empty: every batch stays inline} */
  Optional<SharedSegment> sharedSegment();

  /**
   * {@return the segment of a transport, when it is a shared-memory transport that has one}
   *
   * @param transport any transport
   */
  static Optional<SharedSegment> of(Object transport) {
    return transport instanceof SharedMemoryTransport shared ? shared.sharedSegment() : Optional.empty();
  }
}
