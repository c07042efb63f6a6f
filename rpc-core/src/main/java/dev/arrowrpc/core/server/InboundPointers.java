package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Resolves pointer batches arriving at the server (request parameters, stream input), the same way
 * on every transport.
 */
final class InboundPointers {
  private InboundPointers() {}

  /**
   * Resolves the reader's current batch when it is a pointer.
   *
   * @param server the server (its fetcher)
   * @param reader a reader positioned on a batch
   * @param memory the call's memory
   * @return a reader positioned on the resolved batch, which the caller closes; empty when the batch
   *     is not a pointer
   * @throws RpcException when the pointer cannot be resolved
   */
  static Optional<IpcStreamReader> resolve(ServerState server, IpcStreamReader reader, BufferAllocator memory) {
    if (reader.rowCount() != 0 || !PointerBatches.isPointer(reader.metadata())) {
      return Optional.empty();
    }
    ExternalFetcher fetcher = server.external().fetcher().orElseThrow(() -> new RpcException("RuntimeError",
        "This server does not resolve external locations, but the batch is a pointer"));
    // log batches inside an inbound object have no one to go to on the server
    return Optional.of(PointerBatches.resolve(reader, fetcher, memory, logs -> { }));
  }
}
