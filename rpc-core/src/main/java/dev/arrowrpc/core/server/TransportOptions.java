package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.shm.ShmConnection;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The answer to {@code __transport_options__}, the framework's transport-capability handshake: one
 * empty batch whose metadata states what this server can do. It says {@code vgi_rpc.transport.shm =
 * "true"} exactly when the connection's transport opened a shared-memory side channel ({@link
 * ShmConnection}: pipes and Unix sockets), and {@code "false"} elsewhere (HTTP, TCP), where clients
 * keep their batches inline.
 */
final class TransportOptions {
  private TransportOptions() {}

  /** The capabilities, as response metadata. */
  static Map<String, String> capabilities(String serverId) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.TRANSPORT_SHM, ShmConnection.current().isPresent() ? "true" : "false");
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    metadata.put(MetadataKeys.SERVER_ID, serverId);
    return metadata;
  }

  /** Writes the whole response stream. */
  static void write(OutputStream out, String serverId, BufferAllocator memory) throws IOException {
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      CallEngine.writeEmpty(writer, MethodSpec.EMPTY_SCHEMA, capabilities(serverId), memory);
    }
  }
}
