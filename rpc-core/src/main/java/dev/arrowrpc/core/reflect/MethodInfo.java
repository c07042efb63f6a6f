package dev.arrowrpc.core.reflect;

import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.WireFormatException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One method's wire surface, as {@code describe} reports it ({@code MethodInfo} of
 * WIRE_PROTOCOL.md §14). The wire names of the components are their snake_case spellings ({@code
 * method_type}, {@code params_schema_ipc}, ...). Schemas are serialized Arrow IPC schema messages;
 * an absent schema is empty bytes. The byte arrays are copied in and out.
 *
 * @param name the method name
 * @param methodType {@code unary} or {@code stream}
 * @param hasReturn whether a unary method returns a value
 * @param hasHeader whether a stream declares a header
 * @param streamKind {@code ""} for unary methods, else {@code producer}, {@code exchange} or {@code
 *     unknown}
 * @param paramsSchemaIpc the request schema
 * @param resultSchemaIpc the result schema; empty unless {@code hasReturn}
 * @param headerSchemaIpc the header schema; empty unless {@code hasHeader}
 * @param idempotency {@code unknown}, {@code no_side_effects} or {@code idempotent} (default {@code
 *     unknown} when absent on the wire)
 * @param deprecated whether callers should migrate off the method (default false)
 * @param deprecationMessage what to migrate to (default empty)
 */
public record MethodInfo(
    String name,
    String methodType,
    boolean hasReturn,
    boolean hasHeader,
    String streamKind,
    byte[] paramsSchemaIpc,
    byte[] resultSchemaIpc,
    byte[] headerSchemaIpc,
    String idempotency,
    boolean deprecated,
    String deprecationMessage) {

  /** The stream kind of a unary method. */
  public static final String NOT_A_STREAM = "";
  /** The idempotency a method has unless it says otherwise: callers must assume the worst. */
  public static final String IDEMPOTENCY_UNKNOWN = "unknown";
  /** The idempotency levels, after gRPC's {@code idempotency_level}. */
  public static final List<String> IDEMPOTENCY_LEVELS = List.of(IDEMPOTENCY_UNKNOWN, "no_side_effects", "idempotent");
  /** The kinds a stream method may report. */
  public static final List<String> STREAM_KINDS = List.of("unknown", "producer", "exchange");

  /**
   * Checks for nulls and copies the arrays.
   *
   * @param name the method name
   * @param methodType {@code unary} or {@code stream}
   * @param hasReturn whether a unary method returns a value
   * @param hasHeader whether a stream declares a header
   * @param streamKind {@code ""} for unary methods, else {@code producer}, {@code exchange} or {@code
   *     unknown}
   * @param paramsSchemaIpc the request schema
   * @param resultSchemaIpc the result schema; empty unless {@code hasReturn}
   * @param headerSchemaIpc the header schema; empty unless {@code hasHeader}
   * @param idempotency {@code unknown}, {@code no_side_effects} or {@code idempotent} (default {@code
   *     unknown} when absent on the wire)
   * @param deprecated whether callers should migrate off the method (default false)
   * @param deprecationMessage what to migrate to (default empty)
   */
  public MethodInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(methodType, "methodType");
    Objects.requireNonNull(streamKind, "streamKind");
    paramsSchemaIpc = paramsSchemaIpc.clone();
    resultSchemaIpc = resultSchemaIpc.clone();
    headerSchemaIpc = headerSchemaIpc.clone();
    Objects.requireNonNull(idempotency, "idempotency");
    Objects.requireNonNull(deprecationMessage, "deprecationMessage");
  }

  /** {@return a copy of the serialized request schema} */
  @Override
  public byte[] paramsSchemaIpc() {
    return paramsSchemaIpc.clone();
  }

  /** {@return a copy of the serialized result schema (empty when there is none)} */
  @Override
  public byte[] resultSchemaIpc() {
    return resultSchemaIpc.clone();
  }

  /** {@return a copy of the serialized header schema (empty when there is none)} */
  @Override
  public byte[] headerSchemaIpc() {
    return headerSchemaIpc.clone();
  }

  /**
   * Reads the request schema.
   *
   * @return the schema; the empty schema when the bytes are empty
   * @throws IllegalArgumentException when the bytes are not an IPC schema message
   */
  public Schema paramsSchema() {
    return paramsSchemaIpc.length == 0 ? new Schema(List.of()) : readSchema(paramsSchemaIpc);
  }

  /**
   * Reads the result schema.
   *
   * @return the schema, or empty when the method returns nothing
   * @throws IllegalArgumentException when the bytes are not an IPC schema message
   */
  public Optional<Schema> resultSchema() {
    return resultSchemaIpc.length == 0 ? Optional.empty() : Optional.of(readSchema(resultSchemaIpc));
  }

  /**
   * Reads the stream header schema.
   *
   * @return the schema, or empty when the method declares no header
   * @throws IllegalArgumentException when the bytes are not an IPC schema message
   */
  public Optional<Schema> headerSchema() {
    return headerSchemaIpc.length == 0 ? Optional.empty() : Optional.of(readSchema(headerSchemaIpc));
  }

  private static Schema readSchema(byte[] bytes) {
    try {
      return IpcStreamReader.readSchemaMessage(bytes, WireLimits.DEFAULT);
    } catch (WireFormatException e) {
      throw new IllegalArgumentException("not a serialized Arrow schema: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MethodInfo that
        && name.equals(that.name)
        && methodType.equals(that.methodType)
        && hasReturn == that.hasReturn
        && hasHeader == that.hasHeader
        && streamKind.equals(that.streamKind)
        && Arrays.equals(paramsSchemaIpc, that.paramsSchemaIpc)
        && Arrays.equals(resultSchemaIpc, that.resultSchemaIpc)
        && Arrays.equals(headerSchemaIpc, that.headerSchemaIpc)
        && idempotency.equals(that.idempotency)
        && deprecated == that.deprecated
        && deprecationMessage.equals(that.deprecationMessage);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(name, methodType, hasReturn, hasHeader, streamKind, idempotency, deprecated,
        deprecationMessage);
    hash = 31 * hash + Arrays.hashCode(paramsSchemaIpc);
    hash = 31 * hash + Arrays.hashCode(resultSchemaIpc);
    return 31 * hash + Arrays.hashCode(headerSchemaIpc);
  }

  @Override
  public String toString() {
    return "MethodInfo[name=" + name + ", methodType=" + methodType + ", hasReturn=" + hasReturn
        + ", hasHeader=" + hasHeader + ", streamKind=" + streamKind + ", params=" + paramsSchemaIpc.length
        + " bytes, result=" + resultSchemaIpc.length + " bytes, header=" + headerSchemaIpc.length
        + " bytes, idempotency=" + idempotency + ", deprecated=" + deprecated
        + ", deprecationMessage=" + deprecationMessage + "]";
  }
}
