package dev.arrowrpc.core.external;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.core.wire.WireFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The pointer batches of WIRE_PROTOCOL.md section 12: how one is recognised and written, how an
 * object is serialized for upload, and how a reader resolves a pointer into the batch it stands for.
 *
 * <p>A pointer is a zero-row batch on the original schema carrying {@value MetadataKeys#LOCATION} (and
 * {@value MetadataKeys#LOCATION_SHA256} when the writer computed a digest) and no log level. The object it
 * names is a whole IPC stream: the turn's log batches, then exactly one data batch. A resolved batch
 * carries the data batch's own metadata plus the reader's provenance stamp ({@value
 * MetadataKeys#LOCATION_SOURCE}, {@value MetadataKeys#LOCATION_FETCH_MS}), never the pointer's keys.
 */
public final class PointerBatches {
  private PointerBatches() {}

  /**
   * {@return whether a batch's metadata makes it a pointer (a location and no log level)}
   *
   * @param metadata the metadata
   */
  public static boolean isPointer(Map<String, String> metadata) {
    return metadata.containsKey(MetadataKeys.LOCATION) && !metadata.containsKey(MetadataKeys.LOG_LEVEL);
  }

  /**
   * The metadata of a pointer batch: the location, then the digest when there is one. Nothing else
   * rides on a pointer.
   *
   * @param url where the object is fetched from
   * @param sha256 the object's lowercase hex SHA-256 before content coding, if computed
   * @return the pointer's metadata
   */
  public static Map<String, String> pointerMetadata(String url, Optional<String> sha256) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.LOCATION, url);
    sha256.ifPresent(digest -> metadata.put(MetadataKeys.LOCATION_SHA256, digest));
    return metadata;
  }

  /**
   * Serializes one batch as a complete IPC stream, the shape of an uploaded object.
   *
   * @param schema the stream's schema (as the response stream's)
   * @param batch the batch
   * @param metadata the batch's custom metadata (it travels inside the object)
   * @return the stream's bytes
   * @throws IOException when writing fails
   */
  public static byte[] encode(Schema schema, Batch batch, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(bytes, schema)) {
      writer.append(batch, metadata);
    }
    return bytes.toByteArray();
  }

  /**
   * {@return the lowercase hex SHA-256 of some bytes}
   *
   * @param bytes the bytes
   */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * A URL as diagnostics may show it: scheme, host, port and path only. User info, query and
   * fragment are dropped, since a signed query is a bearer credential.
   *
   * @param url the URL
   * @return the redacted form, or a placeholder when the text is not a URL
   */
  public static String redact(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return "<unparseable URL>";
      }
      StringBuilder out = new StringBuilder();
      out.append(uri.getScheme().toLowerCase(Locale.ROOT)).append("://").append(uri.getHost());
      if (uri.getPort() >= 0) {
        out.append(':').append(uri.getPort());
      }
      if (uri.getRawPath() != null) {
        out.append(uri.getRawPath());
      }
      return out.toString();
    } catch (URISyntaxException e) {
      return "<unparseable URL>";
    }
  }

  /**
   * Resolves a pointer batch: fetches its object, verifies the digest when the pointer carries one,
   * hands every log batch of the object to {@code logs}, and returns a reader positioned on the
   * object's one data batch, whose metadata is the data batch's own plus the provenance stamp.
   *
   * @param pointer a reader positioned on the pointer batch (its schema is the expected one)
   * @param fetcher how the object is fetched
   * @param memory where the resolved batch is allocated
   * @param logs receives the metadata of each log or error batch in the object, in order
   * @return a reader the caller closes, positioned on the resolved batch
   * @throws RpcException ({@code RuntimeError}) when the fetch fails, the digest does not match, or
   *     the object is not a stream of logs and one data batch on the pointer's schema
   */
  public static IpcStreamReader resolve(IpcStreamReader pointer, ExternalFetcher fetcher, BufferAllocator memory,
      Consumer<Map<String, String>> logs) {
    String url = pointer.metadata().get(MetadataKeys.LOCATION);
    String shown = redact(url);
    long started = System.nanoTime();
    byte[] data;
    try {
      data = fetcher.fetch(url);
    } catch (IOException e) {
      throw new RpcException("RuntimeError", "ExternalLocation fetch failed: " + e.getMessage());
    }
    double elapsedMs = (System.nanoTime() - started) / 1e6;
    String expected = pointer.metadata().get(MetadataKeys.LOCATION_SHA256);
    if (expected != null) {
      String actual = sha256(data);
      if (!actual.equals(expected.toLowerCase(Locale.ROOT))) {
        throw new RpcException("RuntimeError", "SHA-256 checksum mismatch for " + shown + ": expected "
            + expected + ", got " + actual);
      }
    }
    int dataIndex = locateDataBatch(pointer.schema(), data, shown, memory, logs);
    IpcStreamReader resolved = open(data, shown, memory);
    try {
      for (int i = 0; i <= dataIndex; i++) {
        resolved.next();
      }
      Map<String, String> stamped = new LinkedHashMap<>(resolved.metadata());
      stamped.remove(MetadataKeys.LOCATION);
      stamped.remove(MetadataKeys.LOCATION_SHA256);
      stamped.put(MetadataKeys.LOCATION_FETCH_MS, String.format(Locale.ROOT, "%.1f", elapsedMs));
      stamped.put(MetadataKeys.LOCATION_SOURCE, url);
      resolved.replaceMetadata(stamped);
      return resolved;
    } catch (IOException | RuntimeException e) {
      resolved.close();
      throw e instanceof RpcException rpc ? rpc
          : new RpcException("RuntimeError", "ExternalLocation stream from " + shown + " is unreadable: "
              + e.getMessage());
    }
  }

  /** Reads the object once: checks its shape, delivers its logs, and returns the data batch's index. */
  private static int locateDataBatch(Schema expected, byte[] data, String shown, BufferAllocator memory,
      Consumer<Map<String, String>> logs) {
    int dataIndex = -1;
    try (IpcStreamReader reader = open(data, shown, memory)) {
      if (!reader.schema().getFields().equals(expected.getFields())) {
        throw new RpcException("RuntimeError", "ExternalLocation schema mismatch for " + shown + ": expected "
            + expected + ", got " + reader.schema());
      }
      int index = 0;
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        if (metadata.containsKey(MetadataKeys.LOG_LEVEL)) {
          logs.accept(metadata);
        } else if (metadata.containsKey(MetadataKeys.LOCATION)) {
          throw new RpcException("RuntimeError", "ExternalLocation redirect loop detected: the object at "
              + shown + " holds another pointer");
        } else if (dataIndex >= 0) {
          throw new RpcException("RuntimeError", "ExternalLocation stream from " + shown
              + " holds more than one data batch");
        } else {
          dataIndex = index;
        }
        index++;
      }
    } catch (IOException e) {
      throw new RpcException("RuntimeError", "ExternalLocation stream from " + shown + " is unreadable: "
          + e.getMessage());
    }
    if (dataIndex < 0) {
      throw new RpcException("RuntimeError", "No data batch found in ExternalLocation stream from " + shown);
    }
    return dataIndex;
  }

  private static IpcStreamReader open(byte[] data, String shown, BufferAllocator memory) {
    try {
      return IpcStreamReader.open(new ByteArrayInputStream(data), memory)
          .orElseThrow(() -> new RpcException("RuntimeError", "ExternalLocation object at " + shown + " is empty"));
    } catch (WireFormatException e) {
      throw new RpcException("RuntimeError", "ExternalLocation object at " + shown + " is not an Arrow IPC stream: "
          + e.getMessage());
    } catch (IOException e) {
      throw new RpcException("RuntimeError", "ExternalLocation object at " + shown + " is unreadable: "
          + e.getMessage());
    }
  }
}
