package dev.arrowrpc.core.server;

import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.IpcBytes;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Answers {@code vgi_rpc.Reflection.v1} for a server, from the fixed list of protocols it hosts
 * (reflection itself included, see {@link #hosted()}). The registered set never changes for a
 * server's life, so every reply is encoded once, at construction.
 */
final class ReflectionService implements Reflection {
  private static final ServiceSpec SPEC = deriveSpec();
  private static final HostedProtocol HOSTED = HostedProtocol.of(SPEC);

  private final ProtocolList listing;
  private final byte[] listingBytes;
  private final Map<String, byte[]> descriptions;
  private final List<String> hostedNames;

  /**
   * Encodes the replies for a server.
   *
   * @param hosted every protocol the server hosts, in the order {@code list_protocols} reports
   *     them (application protocols in registration order, the primary first)
   * @param serverId the server instance's id
   * @param serverVersion the server's build version (may be empty)
   * @param scratch memory for encoding, released before returning
   * @throws IllegalArgumentException when two protocols share a name
   */
  public ReflectionService(List<HostedProtocol> hosted, String serverId, String serverVersion, BufferAllocator scratch) {
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    List<ProtocolSummary> summaries = new ArrayList<>();
    try (BufferAllocator allocator = scratch.newChildAllocator("reflection-encode", 0, Long.MAX_VALUE)) {
      for (HostedProtocol protocol : hosted) {
        ServiceDescription description = describe(protocol);
        if (encoded.put(protocol.name(), ReflectionPayloads.encode(description, allocator)) != null) {
          throw new IllegalArgumentException("two hosted protocols are named '" + protocol.name() + "'");
        }
        summaries.add(description.summary());
      }
      this.listing = new ProtocolList(serverId, serverVersion, MetadataKeys.REQUEST_VERSION_VALUE, summaries);
      this.listingBytes = ReflectionPayloads.encode(listing, allocator);
    }
    this.descriptions = Collections.unmodifiableMap(encoded);
    this.hostedNames = encoded.keySet().stream().sorted().toList();
  }

  /**
   * The spec of the reflection protocol, built directly rather than through {@link ServiceSpec#of},
   * since its name carries the prefix reserved for the framework.
   */
  public static ServiceSpec spec() {
    return SPEC;
  }

  /** The reflection protocol as a server hosts it, with its hash. */
  public static HostedProtocol hosted() {
    return HOSTED;
  }

  /** What {@code list_protocols} reports. */
  public ProtocolList listing() {
    return listing;
  }

  @Override
  public byte[] list_protocols() {
    return listingBytes.clone();
  }

  @Override
  public byte[] describe(String protocol) {
    byte[] description = descriptions.get(protocol);
    if (description == null) {
      throw new RpcException(
          "ProtocolNotSupportedError",
          "This server does not host protocol " + PythonRepr.string(protocol) + ". Hosted: "
              + PythonRepr.strings(hostedNames) + ".",
          "",
          "",
          "protocol_not_supported");
    }
    return description.clone();
  }

  /**
   * Builds the description {@code describe} reports for a hosted protocol.
   *
   * @param protocol the protocol
   * @return its description, methods sorted by name
   */
  static ServiceDescription describe(HostedProtocol protocol) {
    List<MethodInfo> methods = new ArrayList<>();
    for (MethodSpec method : protocol.methods().values()) {
      methods.add(
          new MethodInfo(
              method.name(),
              method.kind().wireName(),
              method.hasReturn(),
              method.header().isPresent(),
              streamKind(method),
              IpcBytes.schema(method.params().schema()),
              method.hasReturn() ? IpcBytes.schema(method.result().schema()) : new byte[0],
              method.header().map(h -> IpcBytes.schema(h.schema())).orElse(new byte[0]),
              MethodInfo.IDEMPOTENCY_UNKNOWN,
              false,
              ""));
    }
    return new ServiceDescription(
        protocol.name(), protocol.version().orElse(""), protocol.protocolHash(), false, "", List.of(), methods);
  }

  /** The stream's kind: declared by the return type, or by {@code @StreamKind} on a batch stream. */
  private static String streamKind(MethodSpec method) {
    return switch (method.kind()) {
      case UNARY -> MethodInfo.NOT_A_STREAM;
      case PRODUCER -> "producer";
      case EXCHANGE -> "exchange";
      case STREAM -> method.isExchange().map(exchange -> exchange ? "exchange" : "producer").orElse("unknown");
    };
  }

  private static ServiceSpec deriveSpec() {
    Map<String, MethodSpec> methods = new TreeMap<>();
    for (Method method : Reflection.class.getMethods()) {
      if (Modifier.isAbstract(method.getModifiers())) {
        methods.put(method.getName(), MethodSpec.of(method));
      }
    }
    return new ServiceSpec(Reflection.class, NAME, Optional.empty(), Collections.unmodifiableMap(methods));
  }
}
