package dev.arrowrpc.core.server;

import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.RecordSchema;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.schema.TypeMapper;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Keys;
import dev.arrowrpc.core.wire.IpcBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The {@code __describe__} response: one row per method, sorted by name, with serialized schemas,
 * and the protocol's name, version and hash in the batch metadata. Built once per server.
 */
public final class Describe {
  /** The method name of introspection. */
  public static final String METHOD = "__describe__";
  /** The describe layout version this implementation writes. */
  public static final String VERSION = "4";

  /**
   * One row of the describe response (component names are the wire's column names).
   *
   * @param name method name
   * @param method_type {@code unary} or {@code stream}
   * @param has_return whether a unary method returns a value
   * @param params_schema_ipc the serialized parameter schema
   * @param result_schema_ipc the serialized result schema
   * @param has_header whether a stream declares a header
   * @param header_schema_ipc the serialized header schema, or null
   * @param is_exchange true for exchange streams, false for producers, null for unary methods
   */
  @SuppressWarnings("checkstyle:RecordComponentName")
  public record Row(
      @Nullable String name,
      @Nullable String method_type,
      @Nullable Boolean has_return,
      byte @Nullable [] params_schema_ipc,
      byte @Nullable [] result_schema_ipc,
      @Nullable Boolean has_header,
      byte @Nullable [] header_schema_ipc,
      @Nullable Boolean is_exchange) {}

  /** The schema of the describe response. */
  public static final RecordSchema SCHEMA = new TypeMapper().record(Row.class);

  private Describe() {}

  /**
   * Builds the rows for a service.
   *
   * @param spec the service
   * @return one row per method, sorted by name
   */
  public static List<Row> rows(ServiceSpec spec) {
    List<Row> rows = new ArrayList<>();
    for (MethodSpec method : spec.methods().values()) {
      boolean stream = method.kind() != MethodKind.UNARY;
      rows.add(
          new Row(
              method.name(),
              method.kind().wireName(),
              method.hasReturn(),
              IpcBytes.schema(method.params().schema()),
              IpcBytes.schema(stream ? MethodSpec.EMPTY_SCHEMA : method.result().schema()),
              method.header().isPresent(),
              method.header().map(h -> IpcBytes.schema(h.schema())).orElse(null),
              isExchange(method.kind())));
    }
    return rows;
  }

  /** True for exchanges, false for producers, null for unary methods and run-time-decided streams. */
  private static Boolean isExchange(MethodKind kind) {
    return switch (kind) {
      case UNARY, STREAM -> null;
      case PRODUCER -> false;
      case EXCHANGE -> true;
    };
  }

  /**
   * Computes the protocol hash: SHA-256 over the describe version, request version, protocol name
   * and every row's fields and schema bytes, as the reference defines it.
   *
   * @param protocolName the protocol name
   * @param rows the describe rows
   * @return 64 lowercase hex digits
   */
  public static String hash(String protocolName, List<Row> rows) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(
          ("vgi_rpc.describe.v" + VERSION + "|" + Keys.REQUEST_VERSION_VALUE + "|" + protocolName + "|")
              .getBytes(StandardCharsets.UTF_8));
      for (Row row : rows) {
        digest.update((byte) 0x1F);
        digest.update(row.name().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0x1E);
        digest.update(row.method_type().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0x1E);
        digest.update(flag(row.has_return()));
        digest.update((byte) 0x1E);
        digest.update(flag(row.has_header()));
        digest.update((byte) 0x1E);
        digest.update(row.is_exchange() == null ? (byte) '-' : flag(row.is_exchange()));
        digest.update((byte) 0x1E);
        digest.update(row.params_schema_ipc());
        digest.update((byte) 0x1E);
        digest.update(row.result_schema_ipc());
        digest.update((byte) 0x1E);
        if (row.header_schema_ipc() != null) {
          digest.update(row.header_schema_ipc());
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte flag(boolean value) {
    return (byte) (value ? '1' : '0');
  }

  /**
   * Writes the complete response stream once, for a server to replay on every describe call.
   *
   * @param spec the service
   * @param serverId the server's id
   * @param allocator scratch memory, released before returning
   * @return the IPC stream bytes
   */
  static byte[] response(ServiceSpec spec, String serverId, BufferAllocator allocator) {
    List<Row> rows = rows(spec);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Keys.PROTOCOL_NAME, spec.protocolName());
    metadata.put(Keys.REQUEST_VERSION, Keys.REQUEST_VERSION_VALUE);
    metadata.put(Keys.DESCRIBE_VERSION, VERSION);
    metadata.put(Keys.PROTOCOL_HASH, hash(spec.protocolName(), rows));
    metadata.put(Keys.SERVER_ID, serverId);
    spec.protocolVersion().ifPresent(v -> metadata.put(Keys.PROTOCOL_VERSION, v));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Batch batch = SCHEMA.encode(rows, allocator);
        IpcStreamWriter writer = IpcStreamWriter.start(out, SCHEMA.schema())) {
      writer.write(batch, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
