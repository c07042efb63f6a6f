package dev.arrowrpc.core.server;

import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * The bytes of {@code vgi_rpc.Reflection.v1} replies. Each reply is the single {@code result}
 * cell (binary) of an ordinary unary response, holding a complete Arrow IPC stream: the payload's
 * schema, one batch of exactly one row, end of stream, no custom metadata. The schemas are those the
 * reference derives from its payload dataclasses: every top-level field and every struct member
 * non-nullable, list items nullable ({@code list<item?: ...>}), strings {@code utf8}, flags {@code
 * bool}, schemas {@code binary}.
 *
 * <p>Decoding is tolerant as §14 requires: fields are read by name, unknown fields are ignored, an
 * absent field with a default ({@code idempotency}, {@code deprecated} and {@code
 * deprecation_message} of a method) takes it, and an absent field without one is an error.
 */
public final class ReflectionPayloads {
  private static final Field FEATURES =
      list("features", new Field("item", FieldType.nullable(ArrowType.Utf8.INSTANCE), null));

  private static final List<Field> SUMMARY_FIELDS =
      List.of(utf8("protocol"), utf8("protocol_version"), utf8("protocol_hash"), bool("deprecated"),
          utf8("deprecation_message"), FEATURES);

  private static final List<Field> METHOD_FIELDS =
      List.of(utf8("name"), utf8("method_type"), bool("has_return"), bool("has_header"), utf8("stream_kind"),
          binary("params_schema_ipc"), binary("result_schema_ipc"), binary("header_schema_ipc"),
          utf8("idempotency"), bool("deprecated"), utf8("deprecation_message"));

  /** The schema of a {@code list_protocols} reply. */
  static final Schema PROTOCOL_LIST =
      new Schema(List.of(utf8("server_id"), utf8("server_version"), utf8("request_version"),
          list("protocols", struct("item", SUMMARY_FIELDS))));

  /** The schema of a {@code describe} reply. */
  static final Schema SERVICE_DESCRIPTION;

  static {
    List<Field> fields = new ArrayList<>(SUMMARY_FIELDS);
    fields.add(list("methods", struct("item", METHOD_FIELDS)));
    SERVICE_DESCRIPTION = new Schema(fields);
  }

  private ReflectionPayloads() {}

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes a {@code list_protocols} reply.
   *
   * @param list the reply
   * @param allocator scratch memory, released before returning
   * @return the IPC stream bytes
   */
  public static byte[] encode(ProtocolList list, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(PROTOCOL_LIST, allocator);
    try (Batch batch = Batch.of(root)) {
      setString(root.getVector("server_id"), 0, list.serverId());
      setString(root.getVector("server_version"), 0, list.serverVersion());
      setString(root.getVector("request_version"), 0, list.requestVersion());
      ListVector protocols = (ListVector) root.getVector("protocols");
      StructVector items = (StructVector) protocols.getDataVector();
      int at = protocols.startNewValue(0);
      for (ProtocolSummary summary : list.protocols()) {
        items.setIndexDefined(at);
        setSummary(items, at, summary.protocol(), summary.protocolVersion(), summary.protocolHash(),
            summary.deprecated(), summary.deprecationMessage(), summary.features());
        at++;
      }
      protocols.endValue(0, list.protocols().size());
      root.setRowCount(1);
      return IpcBytes.stream(PROTOCOL_LIST, batch);
    }
  }

  /**
   * Encodes a {@code describe} reply.
   *
   * @param description the reply
   * @param allocator scratch memory, released before returning
   * @return the IPC stream bytes
   */
  public static byte[] encode(ServiceDescription description, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SERVICE_DESCRIPTION, allocator);
    try (Batch batch = Batch.of(root)) {
      setString(root.getVector("protocol"), 0, description.protocol());
      setString(root.getVector("protocol_version"), 0, description.protocolVersion());
      setString(root.getVector("protocol_hash"), 0, description.protocolHash());
      ((BitVector) root.getVector("deprecated")).setSafe(0, description.deprecated() ? 1 : 0);
      setString(root.getVector("deprecation_message"), 0, description.deprecationMessage());
      setStrings((ListVector) root.getVector("features"), 0, description.features());
      ListVector methods = (ListVector) root.getVector("methods");
      StructVector items = (StructVector) methods.getDataVector();
      int at = methods.startNewValue(0);
      for (MethodInfo method : description.methods()) {
        items.setIndexDefined(at);
        setString(items.getChild("name"), at, method.name());
        setString(items.getChild("method_type"), at, method.methodType());
        setBool(items.getChild("has_return"), at, method.hasReturn());
        setBool(items.getChild("has_header"), at, method.hasHeader());
        setString(items.getChild("stream_kind"), at, method.streamKind());
        setBytes(items.getChild("params_schema_ipc"), at, method.paramsSchemaIpc());
        setBytes(items.getChild("result_schema_ipc"), at, method.resultSchemaIpc());
        setBytes(items.getChild("header_schema_ipc"), at, method.headerSchemaIpc());
        setString(items.getChild("idempotency"), at, method.idempotency());
        setBool(items.getChild("deprecated"), at, method.deprecated());
        setString(items.getChild("deprecation_message"), at, method.deprecationMessage());
        at++;
      }
      methods.endValue(0, description.methods().size());
      root.setRowCount(1);
      return IpcBytes.stream(SERVICE_DESCRIPTION, batch);
    }
  }

  private static void setSummary(StructVector items, int at, String protocol, String version, String hash,
      boolean deprecated, String message, List<String> features) {
    setString(items.getChild("protocol"), at, protocol);
    setString(items.getChild("protocol_version"), at, version);
    setString(items.getChild("protocol_hash"), at, hash);
    setBool(items.getChild("deprecated"), at, deprecated);
    setString(items.getChild("deprecation_message"), at, message);
    setStrings((ListVector) items.getChild("features"), at, features);
  }

  private static void setStrings(ListVector list, int index, List<String> values) {
    VarCharVector items = (VarCharVector) list.getDataVector();
    int at = list.startNewValue(index);
    for (String value : values) {
      items.setSafe(at++, value.getBytes(StandardCharsets.UTF_8));
    }
    list.endValue(index, values.size());
  }

  private static void setString(Object vector, int index, String value) {
    ((VarCharVector) vector).setSafe(index, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void setBool(Object vector, int index, boolean value) {
    ((BitVector) vector).setSafe(index, value ? 1 : 0);
  }

  private static void setBytes(Object vector, int index, byte[] value) {
    ((VarBinaryVector) vector).setSafe(index, value);
  }

  private static Field utf8(String name) {
    return new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
  }

  private static Field bool(String name) {
    return new Field(name, FieldType.notNullable(ArrowType.Bool.INSTANCE), null);
  }

  private static Field binary(String name) {
    return new Field(name, FieldType.notNullable(ArrowType.Binary.INSTANCE), null);
  }

  private static Field list(String name, Field item) {
    return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(item));
  }

  private static Field struct(String name, List<Field> members) {
    return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), members);
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes a {@code list_protocols} reply.
   *
   * @param bytes the result cell's bytes
   * @param allocator scratch memory, released before returning
   * @return the reply
   * @throws WireFormatException when the bytes are not an IPC stream of one row, or a field without
   *     a default is absent or has the wrong type
   */
  public static ProtocolList decodeProtocolList(byte[] bytes, BufferAllocator allocator) throws WireFormatException {
    Row row = readRow(bytes, allocator, "ProtocolList");
    return new ProtocolList(
        row.string("server_id"),
        row.string("server_version"),
        row.string("request_version"),
        row.rows("protocols", ReflectionPayloads::summary));
  }

  /**
   * Decodes a {@code describe} reply.
   *
   * @param bytes the result cell's bytes
   * @param allocator scratch memory, released before returning
   * @return the reply
   * @throws WireFormatException when the bytes are not an IPC stream of one row, or a field without
   *     a default is absent or has the wrong type
   */
  public static ServiceDescription decodeServiceDescription(byte[] bytes, BufferAllocator allocator)
      throws WireFormatException {
    Row row = readRow(bytes, allocator, "ServiceDescription");
    return new ServiceDescription(
        row.string("protocol"),
        row.string("protocol_version"),
        row.string("protocol_hash"),
        row.bool("deprecated"),
        row.string("deprecation_message"),
        row.strings("features"),
        row.rows("methods", ReflectionPayloads::method));
  }

  private static ProtocolSummary summary(Row row) throws WireFormatException {
    return new ProtocolSummary(
        row.string("protocol"),
        row.string("protocol_version"),
        row.string("protocol_hash"),
        row.bool("deprecated"),
        row.string("deprecation_message"),
        row.strings("features"));
  }

  private static MethodInfo method(Row row) throws WireFormatException {
    return new MethodInfo(
        row.string("name"),
        row.string("method_type"),
        row.bool("has_return"),
        row.bool("has_header"),
        row.string("stream_kind"),
        row.bytes("params_schema_ipc"),
        row.bytes("result_schema_ipc"),
        row.bytes("header_schema_ipc"),
        row.stringOr("idempotency", MethodInfo.IDEMPOTENCY_UNKNOWN),
        row.boolOr("deprecated", false),
        row.stringOr("deprecation_message", ""));
  }

  private static Row readRow(byte[] bytes, BufferAllocator allocator, String what) throws WireFormatException {
    try (BufferAllocator scratch = allocator.newChildAllocator("reflection-decode", 0, Long.MAX_VALUE);
        IpcStreamReader reader = IpcBytes.readSingle(bytes, scratch)) {
      VectorSchemaRoot root = reader.root();
      if (root.getRowCount() != 1) {
        throw new WireFormatException(what + " must be a batch of one row, got " + root.getRowCount());
      }
      Map<String, Object> values = new HashMap<>();
      for (FieldVector vector : root.getFieldVectors()) {
        // first wins on a duplicated name; null cells read as absent
        Object value = vector.getObject(0);
        if (value != null) {
          values.putIfAbsent(vector.getName(), value);
        }
      }
      return new Row(what, values);
    } catch (RuntimeException e) {
      throw new WireFormatException(what + ": undecodable reflection payload: " + e.getMessage(), e);
    }
  }

  /** A reader-side function that may refuse its input. */
  private interface Decoder<T> {
    T decode(Row row) throws WireFormatException;
  }

  /** One decoded row or struct cell: its non-null values by field name, detached from Arrow memory. */
  private record Row(String where, Map<String, Object> values) {
    private Object required(String name) throws WireFormatException {
      Object value = values.get(name);
      if (value == null) {
        throw new WireFormatException(where + ": missing field '" + name + "', which has no default");
      }
      return value;
    }

    String string(String name) throws WireFormatException {
      return asString(name, required(name));
    }

    String stringOr(String name, String fallback) throws WireFormatException {
      Object value = values.get(name);
      return value == null ? fallback : asString(name, value);
    }

    boolean bool(String name) throws WireFormatException {
      return asBool(name, required(name));
    }

    boolean boolOr(String name, boolean fallback) throws WireFormatException {
      Object value = values.get(name);
      return value == null ? fallback : asBool(name, value);
    }

    byte[] bytes(String name) throws WireFormatException {
      Object value = required(name);
      if (value instanceof byte[] bytes) {
        return bytes;
      }
      throw wrongType(name, "binary", value);
    }

    /** A list of strings; null items are dropped (only {@code features} uses it, and clients ignore it). */
    List<String> strings(String name) throws WireFormatException {
      List<String> out = new ArrayList<>();
      for (Object item : list(name)) {
        if (item != null) {
          out.add(asString(name, item));
        }
      }
      return out;
    }

    <T> List<T> rows(String name, Decoder<T> decoder) throws WireFormatException {
      List<T> out = new ArrayList<>();
      int index = 0;
      for (Object item : list(name)) {
        if (!(item instanceof Map<?, ?> map)) {
          throw wrongType(name + "[" + index + "]", "struct", item);
        }
        Map<String, Object> members = new HashMap<>();
        map.forEach((key, value) -> members.put(String.valueOf(key), value));
        out.add(decoder.decode(new Row(where + "." + name + "[" + index + "]", members)));
        index++;
      }
      return out;
    }

    private List<?> list(String name) throws WireFormatException {
      Object value = required(name);
      if (value instanceof List<?> list) {
        return list;
      }
      throw wrongType(name, "list", value);
    }

    private String asString(String name, Object value) throws WireFormatException {
      if (value instanceof Text || value instanceof String) {
        return value.toString();
      }
      throw wrongType(name, "utf8", value);
    }

    private boolean asBool(String name, Object value) throws WireFormatException {
      if (value instanceof Boolean flag) {
        return flag;
      }
      throw wrongType(name, "bool", value);
    }

    private WireFormatException wrongType(String name, String expected, Object value) {
      return new WireFormatException(
          where + ": field '" + name + "' should be " + expected + ", got " + (value == null ? "null" : value.getClass().getSimpleName()));
    }
  }
}
