package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.spi.ServiceOutline;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a DoGet ticket, or the descriptor of a DoExchange or DoPut, names: a method and the request
 * stream that opens it. A ticket (or command) is the request IPC stream itself (leading {@code
 * 0xFFFFFFFF}; protocol and method from its batch metadata) or JSON {@code {"protocol", "method",
 * "params"}} (protocol optional: the primary; params optional: none). A path descriptor {@code
 * [protocol, method]} (or {@code [method]}) names a method called without parameters.
 */
final class Tickets {
  private static final Set<String> KEYS = Set.of("protocol", "method", "params");

  private Tickets() {}

  /**
   * A call a ticket names.
   *
   * @param entry the method
   * @param request its request stream
   */
  record Call(FlightCatalog.Entry entry, byte[] request) {
    /** {@return the method's kind, lower case, for messages} */
    String kind() {
      return entry.method().kind().name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Parses a ticket.
   *
   * @param catalog the hosted methods
   * @param ticket the ticket's bytes
   * @param memory scratch memory (nothing stays allocated)
   * @return the call it names
   * @throws org.apache.arrow.flight.FlightRuntimeException {@code INVALID_ARGUMENT} or {@code NOT_FOUND}
   */
  static Call parse(FlightCatalog catalog, byte[] ticket, BufferAllocator memory) {
    if (Requests.isIpc(ticket)) {
      Map.Entry<Optional<String>, String> target = Requests.target(ticket, memory);
      return new Call(catalog.find(target.getKey(), target.getValue()), ticket);
    }
    Map<String, Object> json = Requests.jsonObject(ticket, "the ticket");
    for (String key : json.keySet()) {
      if (!KEYS.contains(key)) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("unknown ticket key '" + key + "' (expected "
            + "protocol, method, params)").toRuntimeException();
      }
    }
    if (!(json.get("method") instanceof String method)) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket names no \"method\"").toRuntimeException();
    }
    Object protocol = json.get("protocol");
    if (protocol != null && !(protocol instanceof String)) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket's \"protocol\" is not a string")
          .toRuntimeException();
    }
    FlightCatalog.Entry entry = catalog.find(Optional.ofNullable((String) protocol), method);
    Object params = json.getOrDefault("params", Map.of());
    if (!(params instanceof Map<?, ?> map)) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket's \"params\" is not an object")
          .toRuntimeException();
    }
    Map<String, Object> values = new LinkedHashMap<>();
    map.forEach((k, v) -> values.put(String.valueOf(k), v));
    return new Call(entry, Requests.fromJson(entry, values, memory));
  }

  /**
   * The call a DoExchange or DoPut descriptor names: a command is a ticket, a path names a method
   * called without parameters.
   *
   * @param catalog the hosted methods
   * @param descriptor the descriptor
   * @param memory scratch memory (nothing stays allocated)
   * @return the call
   * @throws org.apache.arrow.flight.FlightRuntimeException {@code INVALID_ARGUMENT} or {@code NOT_FOUND}
   */
  static Call of(FlightCatalog catalog, FlightDescriptor descriptor, BufferAllocator memory) {
    if (descriptor == null) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the call carries no descriptor").toRuntimeException();
    }
    if (descriptor.isCommand()) {
      return parse(catalog, descriptor.getCommand(), memory);
    }
    FlightCatalog.Entry entry = catalog.byPath(descriptor.getPath());
    return new Call(entry, Requests.fromJson(entry, Map.of(), memory));
  }

  /**
   * Requires an exchange: a typed exchange, or a stream whose kind is decided when it opens.
   *
   * @param call the call
   * @param verb the Flight verb, for the message
   * @return the call
   * @throws org.apache.arrow.flight.FlightRuntimeException {@code INVALID_ARGUMENT} for a unary method or a producer
   */
  static Call requireExchange(Call call, String verb) {
    ServiceOutline.Kind kind = call.entry().method().kind();
    if (kind == ServiceOutline.Kind.EXCHANGE || kind == ServiceOutline.Kind.STREAM) {
      return call;
    }
    String hint = kind == ServiceOutline.Kind.UNARY ? "call it with DoAction" : "read it with DoGet";
    throw CallStatus.INVALID_ARGUMENT.withDescription(verb + " serves exchange streams; '"
        + call.entry().actionType() + "' is a " + call.kind() + " method: " + hint).toRuntimeException();
  }
}
