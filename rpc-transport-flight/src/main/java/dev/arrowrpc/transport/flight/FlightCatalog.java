package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.spi.ServiceOutline;
import dev.arrowrpc.core.wire.IpcBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Every hosted method as Flight sees it: one flight per method (descriptor path {@code [protocol,
 * method]}), one action per unary method (type {@code protocol/method}), and the JSON document each
 * flight carries in its app metadata (see the README's "Serving over Flight").
 */
final class FlightCatalog {
  /** The empty schema: no columns. */
  static final Schema EMPTY = new Schema(List.of());

  /**
   * One hosted method.
   *
   * @param protocol its protocol's wire name
   * @param protocolVersion the protocol's declared version, if any
   * @param method the method
   */
  record Entry(String protocol, Optional<String> protocolVersion, ServiceOutline.Method method) {
    /** {@return the action type naming it} */
    String actionType() {
      return protocol + "/" + method.name();
    }

    /** {@return whether a DoGet ticket can name it: a producer, or a stream whose kind is decided when it opens} */
    boolean producible() {
      return method.kind() == ServiceOutline.Kind.PRODUCER || method.kind() == ServiceOutline.Kind.STREAM;
    }

    /** {@return the schema Flight reports: a unary method's result, a stream's output rows (empty when decided at open)} */
    Schema flightSchema() {
      return method.kind() == ServiceOutline.Kind.UNARY
          ? method.result().orElse(EMPTY)
          : method.output().orElse(EMPTY);
    }
  }

  private final Map<String, Map<String, Entry>> byProtocol = new LinkedHashMap<>();
  private final String primary;

  FlightCatalog(List<ServiceOutline> outlines) {
    if (outlines.isEmpty()) {
      throw new IllegalArgumentException("a server hosts at least one protocol");
    }
    primary = outlines.get(0).protocolName();
    for (ServiceOutline outline : outlines) {
      Map<String, Entry> methods = new LinkedHashMap<>();
      for (ServiceOutline.Method method : outline.methods()) {
        methods.put(method.name(), new Entry(outline.protocolName(), outline.protocolVersion(), method));
      }
      byProtocol.put(outline.protocolName(), methods);
    }
  }

  /** {@return every method, protocol by protocol} */
  List<Entry> entries() {
    List<Entry> all = new ArrayList<>();
    byProtocol.values().forEach(methods -> all.addAll(methods.values()));
    return all;
  }

  /** {@return the primary protocol's name (a bare method name resolves there)} */
  String primary() {
    return primary;
  }

  /**
   * Finds a method.
   *
   * @param protocol the protocol, or empty for the primary
   * @param method the method
   * @return the method
   * @throws org.apache.arrow.flight.FlightRuntimeException NOT_FOUND when it is not hosted
   */
  Entry find(Optional<String> protocol, String method) {
    String name = protocol.filter(p -> !p.isEmpty()).orElse(primary);
    Map<String, Entry> methods = byProtocol.get(name);
    if (methods == null) {
      throw CallStatus.NOT_FOUND.withDescription("This server does not host protocol '" + name + "'. Hosted: "
          + byProtocol.keySet() + ".").toRuntimeException();
    }
    Entry entry = methods.get(method);
    if (entry == null) {
      throw CallStatus.NOT_FOUND.withDescription("Protocol '" + name + "' has no method '" + method
          + "'. Available: " + methods.keySet() + ".").toRuntimeException();
    }
    return entry;
  }

  /**
   * The method a path descriptor names: {@code [protocol, method]}, or {@code [method]} in the primary protocol.
   *
   * @param path the path
   * @return the method
   */
  Entry byPath(List<String> path) {
    return switch (path.size()) {
      case 1 -> find(Optional.empty(), path.get(0));
      case 2 -> find(Optional.of(path.get(0)), path.get(1));
      default -> throw CallStatus.INVALID_ARGUMENT.withDescription(
          "a flight path is [protocol, method] or [method], not " + path).toRuntimeException();
    };
  }

  /**
   * The method an action type names: {@code protocol/method} (the protocol's name holds no slash), or a
   * bare {@code method} in the primary protocol.
   *
   * @param type the action type
   * @return the method
   */
  Entry byActionType(String type) {
    int slash = type.lastIndexOf('/');
    return slash < 0 ? find(Optional.empty(), type) : find(Optional.of(type.substring(0, slash)),
        type.substring(slash + 1));
  }

  /** {@return the actions: one per unary method} */
  List<ActionType> actions() {
    List<ActionType> actions = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.method().kind() == ServiceOutline.Kind.UNARY) {
        actions.add(new ActionType(entry.actionType(), describe(entry)));
      }
    }
    return actions;
  }

  /**
   * A flight's info.
   *
   * @param entry the method
   * @param descriptor the descriptor it answers
   * @param endpoints its endpoints (none for a path: its parameters are not known)
   * @return the info
   */
  static FlightInfo info(Entry entry, FlightDescriptor descriptor, List<FlightEndpoint> endpoints) {
    return new FlightInfo(entry.flightSchema(), descriptor, endpoints, -1, -1, false, IpcOption.DEFAULT,
        appMetadata(entry).getBytes(StandardCharsets.UTF_8));
  }

  /** The one-line description of an action: what it takes and returns. */
  private static String describe(Entry entry) {
    StringBuilder text = new StringBuilder("unary ").append(entry.method().name()).append('(');
    List<Field> fields = entry.method().params().getFields();
    for (int i = 0; i < fields.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(fields.get(i).getName()).append(": ").append(fields.get(i).getType());
    }
    text.append(')');
    entry.method().result().filter(s -> !s.getFields().isEmpty())
        .ifPresent(s -> text.append(" -> ").append(s.getFields().get(0).getType()));
    return text.toString();
  }

  /**
   * The JSON document in a flight's app metadata: protocol, protocol version, method, kind, the action
   * type (unary methods), each parameter's name/type/nullability, and each schema as a base64 Arrow IPC
   * schema message ({@code null} when absent). Java methods carry no doc text at run time, so {@code
   * doc} is {@code null} until the core records one.
   */
  static String appMetadata(Entry entry) {
    ServiceOutline.Method method = entry.method();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("protocol", entry.protocol());
    doc.put("protocol_version", entry.protocolVersion().orElse(null));
    doc.put("method", method.name());
    doc.put("kind", method.kind().name().toLowerCase(java.util.Locale.ROOT));
    doc.put("action", method.kind() == ServiceOutline.Kind.UNARY ? entry.actionType() : null);
    List<Map<String, Object>> params = new ArrayList<>();
    for (Field field : method.params().getFields()) {
      Map<String, Object> param = new LinkedHashMap<>();
      param.put("name", field.getName());
      param.put("type", field.getType().toString());
      param.put("nullable", field.isNullable());
      params.add(param);
    }
    doc.put("params", params);
    doc.put("params_schema", schema(Optional.of(method.params())));
    doc.put("result_schema", schema(method.result()));
    doc.put("output_schema", schema(method.output()));
    doc.put("input_schema", schema(method.input()));
    doc.put("header_schema", schema(method.header()));
    doc.put("doc", null);
    return FlightJson.write(doc);
  }

  private static String schema(Optional<Schema> schema) {
    return schema.map(s -> Base64.getEncoder().encodeToString(IpcBytes.schema(s))).orElse(null);
  }
}
