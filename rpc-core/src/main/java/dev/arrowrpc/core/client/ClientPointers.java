package dev.arrowrpc.core.client;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalFetcher;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.shm.SharedMemoryTransport;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.LogBatches;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Resolves the pointer batches of responses, on every client transport: a data batch that is a
 * pointer is replaced by the batch its object holds (with that batch's metadata and the provenance
 * stamp), and every log batch inside the object is delivered like an inline one. A shared-memory
 * pointer is resolved against the client's segment (its region freed once the batch is released,
 * see {@link ShmBatches#resolve}).
 */
final class ClientPointers {
  private final Optional<ExternalFetcher> fetcher;
  private final Optional<SharedSegment> segment;

  ClientPointers(Optional<ExternalFetcher> fetcher) {
    this(fetcher, Optional.empty());
  }

  /**
   * Resolves external-location pointers with a fetcher and shared-memory pointers against the
   * client's segment.
   *
   * @param fetcher fetches the objects pointer batches name; empty: such a pointer is an error
   * @param segment the segment the server confirmed (see {@link SharedMemoryTransport}); empty: a
   *     shared-memory pointer is an error
   */
  ClientPointers(Optional<ExternalFetcher> fetcher, Optional<SharedSegment> segment) {
    this.fetcher = fetcher;
    this.segment = segment;
  }

  /** {@return the client's shared-memory segment, if the server confirmed one} */
  Optional<SharedSegment> segment() {
    return segment;
  }

  /**
   * The batch a data batch stands for: itself, or what its pointer resolves to.
   *
   * @param reader positioned on a data batch
   * @param memory where a resolved batch is allocated
   * @param logs receives the log messages inside a fetched object
   * @return the batch to decode, closed by the caller (never closes {@code reader} itself)
   * @throws RpcException when the pointer cannot be resolved, or the object holds an error batch
   */
  Resolved open(IpcStreamReader reader, BufferAllocator memory, Consumer<LogMessage> logs) {
    if (ShmBatches.isPointer(reader.rowCount(), reader.metadata())) {
      SharedSegment shared = segment.orElseThrow(() -> new RpcException("RuntimeError",
          "the response is a shared-memory pointer, but this client has no shared-memory segment"));
      IpcStreamReader resolved = ShmBatches.resolve(reader, shared, memory);
      return new Resolved(resolved, Optional.of(resolved), Optional.of(shared));
    }
    if (reader.rowCount() != 0 || !PointerBatches.isPointer(reader.metadata())) {
      return new Resolved(reader, Optional.empty(), Optional.empty());
    }
    ExternalFetcher fetch = fetcher.orElseThrow(() -> new RpcException("RuntimeError",
        "the response is an external-location pointer, but this client has no ExternalFetcher"));
    IpcStreamReader resolved = PointerBatches.resolve(reader, fetch, memory, metadata -> {
      LogBatches.Kind kind = LogBatches.classify(0, metadata);
      if (kind instanceof LogBatches.Log log) {
        logs.accept(log.message());
      } else if (kind instanceof LogBatches.Error error) {
        throw error.error();
      }
    });
    return new Resolved(resolved, Optional.of(resolved), Optional.empty());
  }

  /**
   * A data batch ready to decode.
   *
   * @param reader positioned on the batch
   * @param owned the resolved reader this closes, when the batch was a pointer
   * @param segment the segment a shared-memory pointer was resolved against: closing frees the
   *     regions released by then (the client has read the answer, so it holds the turn)
   */
  record Resolved(IpcStreamReader reader, Optional<IpcStreamReader> owned, Optional<SharedSegment> segment)
      implements AutoCloseable {
    @Override
    public void close() {
      owned.ifPresent(IpcStreamReader::close);
      segment.ifPresent(ShmBatches::freeReleased);
    }
  }
}
