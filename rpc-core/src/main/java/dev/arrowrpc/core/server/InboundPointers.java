package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Resolves pointer batches arriving at the server (request parameters, stream input): external
 * locations the same way on every transport, shared-memory pointers against the segment the
 * connection's client attached (see {@link ShmConnection}), which a request batch names.
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
    Map<String, String> metadata = reader.metadata();
    Optional<ShmConnection> shm = ShmConnection.current();
    // a batch has arrived: this side holds the turn, and frees the regions released since
    shm.ifPresent(ShmConnection::freeReleased);
    if (shm.isPresent() && metadata.containsKey(MetadataKeys.METHOD)) {
      shm.get().request(metadata); // a request batch: the segment it names, and whether the call uses it
    }
    int rows = reader.rowCount();
    if (ShmBatches.isPointer(rows, metadata)) {
      SharedSegment segment = shm.flatMap(ShmConnection::segment).orElseThrow(() -> new RpcException(
          "RuntimeError", "the batch is a shared-memory pointer, but no shared-memory segment is attached"
              + " to this connection (negotiate with __transport_options__ and name the segment in the request)"));
      return Optional.of(ShmBatches.resolve(reader, segment, memory));
    }
    if (rows != 0 || !PointerBatches.isPointer(metadata)) {
      return Optional.empty();
    }
    ExternalFetcher fetcher = server.external().fetcher().orElseThrow(() -> new RpcException("RuntimeError",
        "This server does not resolve external locations, but the batch is a pointer"));
    // log batches inside an inbound object have no one to go to on the server
    return Optional.of(PointerBatches.resolve(reader, fetcher, memory, logs -> { }));
  }
}
