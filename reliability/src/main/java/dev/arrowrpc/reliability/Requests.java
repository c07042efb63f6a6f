package dev.arrowrpc.reliability;

import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Valid requests to the conformance worker, as the bytes a client sends: one IPC stream whose
 * schema is the parameters and whose one row carries the arguments, the batch's metadata naming
 * the protocol and method. The hostile cases are made from these.
 */
final class Requests {
  static final String CONFORMANCE = "ConformanceService";
  static final String CONFORMANCE_VERSION = "2.0.0";
  static final String DIAGNOSTICS = "arrowrpc.Diagnostics.v1";

  private static final BufferAllocator MEMORY = new RootAllocator();

  private Requests() {}

  /** A valid request, with the metadata and schema it was built from (for mutations). */
  record Request(String method, Schema schema, Map<String, String> metadata, byte[] bytes) {}

  static Request echoInt(long value) {
    return build("echo_int", List.of(field("value", new ArrowType.Int(64, true))),
        root -> ((BigIntVector) root.getVector(0)).setSafe(0, value));
  }

  static Request echoString(String value) {
    return build("echo_string", List.of(field("value", ArrowType.Utf8.INSTANCE)),
        root -> ((VarCharVector) root.getVector(0)).setSafe(0, value.getBytes(StandardCharsets.UTF_8)));
  }

  /** An echo_string request whose cell holds exactly these bytes (which need not be UTF-8). */
  static Request echoStringBytes(byte[] cell) {
    return build("echo_string", List.of(field("value", ArrowType.Utf8.INSTANCE)),
        root -> ((VarCharVector) root.getVector(0)).setSafe(0, cell));
  }

  static Request echoBytes(byte[] value) {
    return build("echo_bytes", List.of(field("data", ArrowType.Binary.INSTANCE)),
        root -> ((VarBinaryVector) root.getVector(0)).setSafe(0, value));
  }

  static Request echoFloat(double value) {
    return build("echo_float", List.of(field("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))),
        root -> ((Float8Vector) root.getVector(0)).setSafe(0, value));
  }

  static Request echoBool(boolean value) {
    return build("echo_bool", List.of(field("value", ArrowType.Bool.INSTANCE)),
        root -> ((BitVector) root.getVector(0)).setSafe(0, value ? 1 : 0));
  }

  /** The diagnostics call (no arguments) that answers the bytes the server's allocator holds. */
  static Request allocatedBytes() {
    return build(DIAGNOSTICS, "allocated_bytes", List.of(), root -> { });
  }

  static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  static Map<String, String> metadata(String protocol, String method) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, method);
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    metadata.put(MetadataKeys.PROTOCOL, protocol);
    if (protocol.equals(CONFORMANCE)) {
      metadata.put(MetadataKeys.PROTOCOL_VERSION, CONFORMANCE_VERSION);
    }
    return metadata;
  }

  static Request build(String method, List<Field> fields, Consumer<VectorSchemaRoot> fill) {
    return build(CONFORMANCE, method, fields, fill);
  }

  static Request build(String protocol, String method, List<Field> fields, Consumer<VectorSchemaRoot> fill) {
    Map<String, String> metadata = metadata(protocol, method);
    Schema schema = new Schema(fields);
    return new Request(method, schema, metadata, write(schema, metadata, 1, fill));
  }

  /** One IPC stream: the schema, one batch of {@code rows} rows with this metadata, the end marker. */
  static byte[] write(Schema schema, Map<String, String> metadata, int rows, Consumer<VectorSchemaRoot> fill) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, MEMORY)) {
      root.allocateNew();
      fill.accept(root);
      root.setRowCount(rows);
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
        writer.write(root, metadata);
        writer.end();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
