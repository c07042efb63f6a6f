package dev.arrowrpc.core.spi;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An error answered before any method ran, as a complete Arrow IPC stream: the empty schema, one
 * error batch (the protocol's error metadata), end of stream. Transports use it for refusals they
 * make themselves (a shed connection, a bad route, an oversized body).
 */
public final class ErrorStreams {
  private ErrorStreams() {}

  /**
   * Writes the error stream.
   *
   * @param out where the stream goes (left open)
   * @param error the error
   * @param serverId the server's id, carried in the error batch
   * @param requestId the request's id, or empty
   * @param memory scratch memory (nothing stays allocated)
   * @throws IOException when writing fails
   */
  public static void write(OutputStream out, RpcException error, String serverId, String requestId,
      BufferAllocator memory) throws IOException {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      writer.write(root, LogBatches.error(error, serverId, requestId));
    }
  }

  /**
   * The error stream's bytes.
   *
   * @param error the error
   * @param serverId the server's id
   * @param requestId the request's id, or empty
   * @param memory scratch memory (nothing stays allocated)
   * @return the complete stream
   */
  public static byte[] bytes(RpcException error, String serverId, String requestId, BufferAllocator memory) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out, error, serverId, requestId, memory);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }
}
