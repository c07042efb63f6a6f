package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.PointerBatches;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The client side of client-vended externalization (WIRE_PROTOCOL.md section 12): the request
 * asking {@code __upload_url__/init} for pairs, the reading of its answer, and the pointer request
 * that replaces a request uploaded to storage.
 */
final class UploadUrls {
  /** The upload-URL request's parameters: {@code count} (int64). */
  private static final Schema PARAMS = new Schema(List.of(
      new Field("count", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  private UploadUrls() {}

  /** The request for {@code count} pairs: one row, method {@code __upload_url__}, no protocol. */
  static byte[] request(int count) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BufferAllocator memory = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(PARAMS, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, PARAMS)) {
      BigIntVector counts = (BigIntVector) root.getVector(0);
      counts.allocateNew(1);
      counts.set(0, count);
      root.setRowCount(1);
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put(MetadataKeys.METHOD, UploadUrlRoute.METHOD);
      metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
      writer.append(root, metadata);
    }
    return out.toByteArray();
  }

  /**
   * Reads an upload-URL answer: log batches are skipped, an error batch is thrown, every data row
   * is one pair ({@code upload_url}, {@code download_url}, {@code expires_at}).
   */
  static List<UploadUrl> read(InputStream in) throws IOException {
    List<UploadUrl> urls = new ArrayList<>();
    try (BufferAllocator memory = new RootAllocator()) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        throw new RpcException("ProtocolError", "the upload-URL answer is empty");
      }
      try (IpcStreamReader reader = opened.get()) {
        while (reader.next()) {
          VectorSchemaRoot root = reader.root();
          LogBatches.Kind kind = LogBatches.classify(root.getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error error) {
            throw error.error();
          }
          if (kind instanceof LogBatches.Data) {
            FieldVector upload = root.getVector("upload_url");
            FieldVector download = root.getVector("download_url");
            FieldVector expires = root.getVector("expires_at");
            if (!(upload instanceof VarCharVector uploads) || !(download instanceof VarCharVector downloads)) {
              throw new RpcException("ProtocolError", "the upload-URL answer has no upload_url/download_url strings");
            }
            for (int i = 0; i < root.getRowCount(); i++) {
              urls.add(new UploadUrl(text(uploads, i), text(downloads, i), instant(expires, i)));
            }
          }
        }
      } catch (WireFormatException e) {
        throw new RpcException("ProtocolError", "unreadable upload-URL answer: " + e.getMessage());
      }
    } catch (WireFormatException e) {
      throw new RpcException("ProtocolError", "unreadable upload-URL answer: " + e.getMessage());
    }
    return urls;
  }

  private static String text(VarCharVector vector, int row) {
    if (vector.isNull(row)) {
      throw new RpcException("ProtocolError", "the upload-URL answer has a null URL");
    }
    return new String(vector.get(row), StandardCharsets.UTF_8);
  }

  /** {@code expires_at} at its unit; the epoch when absent or null (no caller relies on it). */
  private static Instant instant(FieldVector vector, int row) {
    if (!(vector instanceof TimeStampVector stamps) || stamps.isNull(row)) {
      return Instant.EPOCH;
    }
    long value = stamps.get(row);
    ArrowType.Timestamp type = (ArrowType.Timestamp) stamps.getField().getType();
    ChronoUnit unit = switch (type.getUnit()) {
      case SECOND -> ChronoUnit.SECONDS;
      case MILLISECOND -> ChronoUnit.MILLIS;
      case MICROSECOND -> ChronoUnit.MICROS;
      case NANOSECOND -> ChronoUnit.NANOS;
    };
    return Instant.EPOCH.plus(value, unit);
  }

  /**
   * The pointer request standing for an uploaded one: a zero-row batch on the request's schema
   * whose metadata is the request batch's (method, protocol, tokens, everything) plus the location.
   */
  static byte[] pointerRequest(byte[] request, String downloadUrl) throws IOException {
    try (BufferAllocator memory = new RootAllocator()) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(new ByteArrayInputStream(request), memory);
      if (opened.isEmpty()) {
        throw new IOException("the request to externalize is empty");
      }
      try (IpcStreamReader reader = opened.get()) {
        if (!reader.next()) {
          throw new IOException("the request to externalize has no batch");
        }
        Map<String, String> metadata = new LinkedHashMap<>(reader.metadata());
        metadata.putAll(PointerBatches.pointerMetadata(downloadUrl, Optional.empty()));
        Schema schema = reader.schema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VectorSchemaRoot pointer = VectorSchemaRoot.create(schema, memory);
            IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
          pointer.setRowCount(0);
          writer.append(pointer, metadata);
        }
        return out.toByteArray();
      }
    }
  }
}
