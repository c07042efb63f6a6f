package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.external.ExternalRef;
import dev.arrowrpc.core.external.ExternalStorage;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.shm.SharedSegment;
import dev.arrowrpc.core.shm.ShmBatches;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes the data batches of one response (a unary answer, a stream's output on a byte channel, or
 * one HTTP request's answer): into the shared-memory segment of a call that uses one (large batches
 * that fit, see {@link ShmBatches#write}), else inline below the threshold, else uploaded to the storage as a
 * one-batch IPC stream (its metadata inside) and replaced on the wire by a pointer batch. Keeps the
 * response's upload budget: the upload that would pass {@code maxExternalizedResponseBytes} fails
 * before any byte of it leaves.
 */
final class Externalizer {
  private final ExternalLocations config;
  private final String method;
  private final boolean sharedMemory;
  private long uploaded;

  /**
   * Starts a response.
   *
   * @param config the server's external locations
   * @param method the method answered, for diagnostics
   */
  Externalizer(ExternalLocations config, String method) {
    this(config, method, true);
  }

  private Externalizer(ExternalLocations config, String method, boolean sharedMemory) {
    this.config = config;
    this.method = method;
    this.sharedMemory = sharedMemory;
  }

  /**
   * Starts a stream's header: never through shared memory, since clients (the reference's among
   * them) read the header without resolving shared-memory pointers.
   *
   * @param config the server's external locations
   * @param method the method answered, for diagnostics
   * @return the externalizer
   */
  static Externalizer forHeader(ExternalLocations config, String method) {
    return new Externalizer(config, method, false);
  }

  /**
   * Writes a data batch inline or through the storage, and flushes when asked.
   *
   * @param writer the response stream
   * @param batch the batch
   * @param metadata its custom metadata (inside the object when externalized)
   * @param memory the call's memory, for the pointer batch
   * @param flush whether to flush (false for the last batch, flushed with the end-of-stream marker)
   * @throws IOException when the response channel fails
   * @throws RpcException when the upload fails or would pass the response's upload cap; nothing has
   *     been written then
   */
  void write(IpcStreamWriter writer, Batch batch, Map<String, String> metadata, BufferAllocator memory,
      boolean flush) throws IOException {
    Optional<SharedSegment> shm = sharedMemory ? ShmConnection.current().flatMap(ShmConnection::forAnswers)
        : Optional.empty();
    if (shm.isPresent()) {
      // answering: this side holds the turn, so regions of input batches released by now are freed
      ShmBatches.freeReleased(shm.get());
      Optional<Map<String, String>> pointer = ShmBatches.write(shm.get(), writer.schema(), batch, metadata);
      if (pointer.isPresent()) {
        try (Batch empty = EmptyBatch.of(writer.schema(), memory)) {
          if (flush) {
            writer.write(empty, pointer.get());
          } else {
            writer.append(empty, pointer.get());
          }
        }
        return;
      }
    }
    Optional<ExternalStorage> storage = config.storage();
    if (storage.isEmpty() || ShmBatches.bufferBytes(batch) < config.thresholdBytes()) {
      if (flush) {
        writer.write(batch, metadata);
      } else {
        writer.append(batch, metadata);
      }
      return;
    }
    byte[] object = PointerBatches.encode(writer.schema(), batch, metadata);
    if (config.maxExternalizedResponseBytes().isPresent()) {
      long cap = config.maxExternalizedResponseBytes().getAsLong();
      if (uploaded + object.length > cap) {
        throw new RpcException("RuntimeError", "Externalised payload exceeds max_externalized_response_bytes ("
            + (uploaded + object.length) + " > " + cap + ") for method '" + method + "'");
      }
    }
    String digest = PointerBatches.sha256(object);
    String url;
    try {
      url = storage.get().upload(object);
    } catch (IOException e) {
      throw new RpcException("RuntimeError", "External storage upload failed for method '" + method + "': "
          + e.getMessage());
    }
    uploaded += object.length;
    writePointer(writer, url, Optional.of(digest), memory, flush);
  }

  /**
   * Writes the pointer of a pre-published reference (no upload, no threshold, no budget).
   *
   * @param writer the response stream
   * @param ref the reference
   * @param memory the call's memory
   * @throws IOException when the response channel fails
   */
  void writeRef(IpcStreamWriter writer, ExternalRef ref, BufferAllocator memory) throws IOException {
    writePointer(writer, ref.url(), ref.sha256(), memory, false);
  }

  private static void writePointer(IpcStreamWriter writer, String url, Optional<String> digest,
      BufferAllocator memory, boolean flush) throws IOException {
    try (Batch pointer = EmptyBatch.of(writer.schema(), memory)) {
      Map<String, String> metadata = PointerBatches.pointerMetadata(url, digest);
      if (flush) {
        writer.write(pointer, metadata);
      } else {
        writer.append(pointer, metadata);
      }
    }
  }
}
