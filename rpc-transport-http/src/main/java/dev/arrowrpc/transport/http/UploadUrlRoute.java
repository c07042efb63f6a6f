package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.spi.ErrorStreams;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code POST {prefix}/__upload_url__/init}: a unary request of method {@value #METHOD} with an
 * optional {@code count} (int64, clamped to 1..100), answered with one row per pair ({@code
 * upload_url}, {@code download_url}, {@code expires_at} as UTC microseconds). The body arrives
 * through the same capped reader as every call, so an oversized request is refused (413) before any
 * storage is allocated.
 */
final class UploadUrlRoute {
  /** The method name the request batch carries. */
  static final String METHOD = "__upload_url__";
  /** The most pairs one request gets. */
  static final int MAX_COUNT = 100;
  /** The response schema. */
  static final Schema SCHEMA = new Schema(List.of(
      new Field("upload_url", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
      new Field("download_url", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
      new Field("expires_at", FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")), null)));

  private final UploadUrlProvider provider;
  private final String serverId;
  private final BufferAllocator allocator;

  UploadUrlRoute(UploadUrlProvider provider, String serverId, BufferAllocator allocator) {
    this.provider = provider;
    this.serverId = serverId;
    this.allocator = allocator;
  }

  /** Whether a route is this one: {@code /__upload_url__/init}, which parses as protocol and method. */
  static boolean matches(String protocol, String method) {
    return protocol.equals(METHOD) && method.equals("init");
  }

  /**
   * Answers one request.
   *
   * @param body the decoded, capped request body
   * @param out the response body
   * @param requestId the request id, for error batches
   * @return how the response ended
   * @throws IOException when reading the body or writing the response fails
   */
  RequestEngine.Outcome handle(InputStream body, OutputStream out, String requestId) throws IOException {
    // read whole (the reader caps it) before parsing: an oversized body of any shape is a 413, and
    // nothing is allocated in the storage for it
    byte[] request = body.readAllBytes();
    try (BufferAllocator memory = allocator.newChildAllocator("upload-url-" + requestId, 0, Long.MAX_VALUE)) {
      long count;
      try {
        count = requestedCount(new ByteArrayInputStream(request), memory);
      } catch (RpcException e) {
        writeError(out, e, requestId, memory);
        return RequestEngine.Outcome.REFUSED;
      }
      List<UploadUrl> urls = new ArrayList<>();
      try {
        for (long i = 0; i < count; i++) {
          urls.add(provider.generate());
        }
      } catch (IOException | RuntimeException e) {
        writeError(out, new RpcException("RuntimeError", "upload URL allocation failed: " + e.getMessage()),
            requestId, memory);
        return RequestEngine.Outcome.METHOD_ERROR;
      }
      try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, memory);
          IpcStreamWriter writer = IpcStreamWriter.start(out, SCHEMA)) {
        List<FieldVector> vectors = root.getFieldVectors();
        VarCharVector upload = (VarCharVector) vectors.get(0);
        VarCharVector download = (VarCharVector) vectors.get(1);
        TimeStampMicroTZVector expires = (TimeStampMicroTZVector) vectors.get(2);
        root.allocateNew();
        for (int i = 0; i < urls.size(); i++) {
          UploadUrl url = urls.get(i);
          upload.setSafe(i, url.uploadUrl().getBytes(StandardCharsets.UTF_8));
          download.setSafe(i, url.downloadUrl().getBytes(StandardCharsets.UTF_8));
          expires.setSafe(i, ChronoUnit.MICROS.between(Instant.EPOCH, url.expiresAt()));
        }
        root.setRowCount(urls.size());
        writer.append(root, Map.of());
      }
      return RequestEngine.Outcome.OK;
    }
  }

  /** Reads the request: one batch naming {@value #METHOD}, its {@code count} (default 1) clamped. */
  private static long requestedCount(InputStream body, BufferAllocator memory) throws IOException {
    Optional<IpcStreamReader> opened;
    try {
      opened = IpcStreamReader.open(body, memory);
    } catch (WireFormatException e) {
      throw new RpcException("ProtocolError", "invalid Arrow IPC request: " + e.getMessage());
    }
    if (opened.isEmpty()) {
      throw new RpcException("ProtocolError", "empty request body");
    }
    try (IpcStreamReader reader = opened.get()) {
      if (!reader.next()) {
        throw new RpcException("ProtocolError", "request stream has no batch");
      }
      String method = reader.metadata().get(MetadataKeys.METHOD);
      if (!METHOD.equals(method)) {
        throw new RpcException("TypeError", "Method mismatch: expected '" + METHOD + "', got '" + method + "'");
      }
      long count = 1;
      FieldVector vector = reader.root().getVector("count");
      if (vector instanceof BigIntVector counts && reader.root().getRowCount() > 0 && !counts.isNull(0)) {
        count = counts.get(0);
      }
      reader.drain();
      return Math.max(1, Math.min(count, MAX_COUNT));
    } catch (WireFormatException e) {
      throw new RpcException("ProtocolError", "invalid Arrow IPC request: " + e.getMessage());
    }
  }

  private void writeError(OutputStream out, RpcException error, String requestId, BufferAllocator memory)
      throws IOException {
    ErrorStreams.write(out, error, serverId, requestId, memory);
  }
}
