package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * vgi-rpc request streams as Flight carries them: an Arrow IPC stream (recognised by its leading
 * continuation marker {@code 0xFFFFFFFF}) passes as is; a JSON object of parameters is turned into
 * the request stream (one row on the method's parameter schema, with the dispatch metadata).
 */
final class Requests {
  private Requests() {}

  /**
   * Whether bytes are an Arrow IPC stream rather than JSON.
   *
   * @param bytes the body
   * @return true when they start with the IPC continuation marker
   */
  static boolean isIpc(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFF && bytes[2] == (byte) 0xFF
        && bytes[3] == (byte) 0xFF;
  }

  /**
   * Parses a JSON object.
   *
   * @param bytes UTF-8 JSON text (empty means {@code {}})
   * @param what what the object is, for the error message
   * @return its members
   */
  static Map<String, Object> jsonObject(byte[] bytes, String what) {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return Map.of();
    }
    Object parsed;
    try {
      parsed = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(what + " is neither an Arrow IPC stream nor valid JSON: "
          + e.getMessage()).toRuntimeException();
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(what + " must be a JSON object").toRuntimeException();
    }
    Map<String, Object> members = new LinkedHashMap<>();
    map.forEach((k, v) -> members.put(String.valueOf(k), v));
    return members;
  }

  /**
   * The protocol and method a request stream's batch metadata names.
   *
   * @param request the request stream
   * @param memory scratch memory (nothing stays allocated)
   * @return the protocol (empty when the stream names none) and the method
   */
  static Map.Entry<Optional<String>, String> target(byte[] request, BufferAllocator memory) {
    try {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(new ByteArrayInputStream(request), memory);
      if (opened.isEmpty()) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("the request stream is empty").toRuntimeException();
      }
      try (IpcStreamReader reader = opened.get()) {
        if (!reader.next()) {
          throw CallStatus.INVALID_ARGUMENT.withDescription("the request stream has no batch").toRuntimeException();
        }
        Map<String, String> metadata = reader.metadata();
        String method = metadata.get(MetadataKeys.METHOD);
        if (method == null || method.isEmpty()) {
          throw CallStatus.INVALID_ARGUMENT.withDescription("the request batch names no '" + MetadataKeys.METHOD
              + "'").toRuntimeException();
        }
        return Map.entry(Optional.ofNullable(metadata.get(MetadataKeys.PROTOCOL)), method);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof org.apache.arrow.flight.FlightRuntimeException flight) {
        throw flight;
      }
      throw CallStatus.INVALID_ARGUMENT.withDescription("invalid Arrow IPC request: " + e.getMessage())
          .toRuntimeException();
    }
  }

  /**
   * Builds a request stream from JSON parameters: integers, floats, booleans, strings, base64 binary
   * and null map onto the matching Arrow columns; other column types need the IPC form.
   *
   * @param entry the method
   * @param params the parameters by name
   * @param memory scratch memory (nothing stays allocated)
   * @return the request stream
   */
  static byte[] fromJson(FlightCatalog.Entry entry, Map<String, Object> params, BufferAllocator memory) {
    Schema schema = entry.method().params();
    for (String name : params.keySet()) {
      if (schema.getFields().stream().noneMatch(f -> f.getName().equals(name))) {
        throw invalid("method '" + entry.method().name() + "' has no parameter '" + name + "'");
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, entry.method().name());
    metadata.put(MetadataKeys.PROTOCOL, entry.protocol());
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    entry.protocolVersion().ifPresent(v -> metadata.put(MetadataKeys.PROTOCOL_VERSION, v));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory)) {
      root.allocateNew();
      for (Field field : schema.getFields()) {
        if (field.getDictionary() != null) {
          throw invalid("parameter '" + field.getName() + "' is dictionary-encoded; send the IPC form");
        }
        set(root.getVector(field.getName()), field, params.get(field.getName()), params.containsKey(field.getName()));
      }
      root.setRowCount(1);
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
        writer.write(root, metadata);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  private static void set(FieldVector vector, Field field, Object value, boolean present) {
    String name = field.getName();
    if (value == null) {
      if (!field.isNullable()) {
        throw invalid(present ? "parameter '" + name + "' cannot be null" : "missing parameter '" + name + "'");
      }
      if (vector instanceof BaseFixedWidthVector fixed) {
        fixed.setNull(0);
      } else if (vector instanceof BaseVariableWidthVector variable) {
        variable.setNull(0);
      } else {
        throw invalid("parameter '" + name + "' (" + field.getType() + ") cannot be given as JSON; send the IPC form");
      }
      return;
    }
    if (vector instanceof BitVector bits && value instanceof Boolean b) {
      bits.setSafe(0, b ? 1 : 0);
    } else if (vector instanceof BaseIntVector ints && vector instanceof BaseFixedWidthVector
        && value instanceof Long l && !(vector instanceof BitVector)) {
      ints.setWithPossibleTruncate(0, l);
    } else if (vector instanceof FloatingPointVector floats && value instanceof Number n) {
      floats.setWithPossibleTruncate(0, n.doubleValue());
    } else if (vector instanceof VarCharVector chars && value instanceof String s) {
      chars.setSafe(0, s.getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof LargeVarCharVector chars && value instanceof String s) {
      chars.setSafe(0, s.getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector binary && value instanceof String s) {
      try {
        binary.setSafe(0, Base64.getDecoder().decode(s));
      } catch (IllegalArgumentException e) {
        throw invalid("parameter '" + name + "' is binary: give it as base64");
      }
    } else {
      throw invalid("parameter '" + name + "' (" + field.getType() + ") cannot take the JSON value " + Json.writeCompact(value)
          + (isScalar(vector) ? "" : "; send the IPC form"));
    }
  }

  private static boolean isScalar(FieldVector vector) {
    return vector instanceof BitVector || vector instanceof BaseIntVector || vector instanceof FloatingPointVector
        || vector instanceof VarCharVector || vector instanceof LargeVarCharVector || vector instanceof VarBinaryVector;
  }

  private static org.apache.arrow.flight.FlightRuntimeException invalid(String message) {
    return CallStatus.INVALID_ARGUMENT.withDescription(message).toRuntimeException();
  }
}
