package dev.arrowrpc.core.server;

import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A stream input batch as the method sees it: the batch itself, or the batch its pointer resolved
 * to (closed with this).
 *
 * @param reader the reader positioned on the batch the method reads
 * @param owned the resolved reader, when the batch was a pointer
 */
record Resolved(IpcStreamReader reader, Optional<IpcStreamReader> owned) implements AutoCloseable {
  /**
   * Resolves the input's current batch when it is a pointer.
   *
   * @throws dev.arrowrpc.core.RpcException when the pointer cannot be resolved
   */
  static Resolved of(ServerState server, IpcStreamReader input, BufferAllocator memory) {
    Optional<IpcStreamReader> resolved = InboundPointers.resolve(server, input, memory);
    return new Resolved(resolved.orElse(input), resolved);
  }

  /** Closes the resolved reader, if there is one (never the input itself). */
  @Override
  public void close() {
    owned.ifPresent(IpcStreamReader::close);
  }
}
