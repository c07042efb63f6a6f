package dev.arrowrpc.core.shm;

import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The client's half of {@code __transport_options__} (WIRE_PROTOCOL.md section 15) on a byte
 * channel, sent once per connection before any call: the client says it can share memory, and uses
 * a segment only when the server answers {@code vgi_rpc.transport.shm = "true"}. Any other answer,
 * an error included, means no shared memory.
 */
public final class ShmNegotiation {
  /** The handshake's method name. */
  public static final String METHOD = "__transport_options__";

  private static final WireLimits ANSWER_LIMITS = WireLimits.DEFAULT.withMaxBodyBytes(1 << 20)
      .withMaxRequestBytes(1 << 20);

  private ShmNegotiation() {}

  /**
   * Sends the handshake and reads the answer.
   *
   * @param in the server's answers
   * @param out requests to the server
   * @param memory where the answer is read (released before this returns)
   * @return whether the server confirmed shared memory
   * @throws IOException when the channel fails or the server closes it
   */
  public static boolean negotiate(InputStream in, OutputStream out, BufferAllocator memory) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, METHOD);
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    metadata.put(MetadataKeys.TRANSPORT_SHM, "true");
    try (VectorSchemaRoot empty = VectorSchemaRoot.create(MethodSpec.EMPTY_SCHEMA, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      empty.setRowCount(1);
      writer.write(empty, metadata);
    }
    out.flush();
    Optional<IpcStreamReader> answer = IpcStreamReader.open(in, memory, ANSWER_LIMITS);
    if (answer.isEmpty()) {
      throw new EOFException("the server closed the connection instead of answering " + METHOD);
    }
    boolean confirmed = false;
    try (IpcStreamReader reader = answer.get()) {
      while (reader.next()) {
        Map<String, String> batch = reader.metadata();
        if (!batch.containsKey(MetadataKeys.LOG_LEVEL) && "true".equals(batch.get(MetadataKeys.TRANSPORT_SHM))) {
          confirmed = true;
        }
      }
    }
    return confirmed;
  }

  /**
   * {@return the request metadata naming a segment: {@value MetadataKeys#SHM_SEGMENT_NAME} and
   * {@value MetadataKeys#SHM_SEGMENT_SIZE}}
   *
   * @param segment the client's segment
   */
  public static Map<String, String> requestKeys(SharedSegment segment) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(MetadataKeys.SHM_SEGMENT_NAME, segment.name());
    keys.put(MetadataKeys.SHM_SEGMENT_SIZE, Long.toString(segment.size()));
    return keys;
  }
}
