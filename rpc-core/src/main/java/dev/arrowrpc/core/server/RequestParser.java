package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.generated.GeneratedInvoker;
import dev.arrowrpc.core.schema.ArrowValues;
import dev.arrowrpc.core.schema.Column;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.RowCells;
import dev.arrowrpc.core.schema.RowLane;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.BatchView;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MarshalException;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Validates a request batch, in the reference's order (dispatch metadata, request version, method,
 * protocol version, parameter schema, rows, nulls), and decodes its parameters. Shared by every
 * transport.
 */
final class RequestParser {
  /** The framework's transport-capability handshake, answered before protocol routing. */
  static final String TRANSPORT_OPTIONS = "__transport_options__";
  /** The introspection method that reflection replaced; answered with where introspection went. */
  static final String RETIRED_DESCRIBE = "__describe__";
  /** The reflection protocol's name. */
  static final String REFLECTION = "vgi_rpc.Reflection.v1";

  private RequestParser() {}

  /** What reading a request produced. */
  sealed interface Prepared permits Failure, TransportOptionsCall, PreparedCall {}

  /**
   * The request is answered with an error stream.
   *
   * @param schema the schema of the error stream
   * @param error the error
   * @param methodError whether the call failed as its method would have (an inbound pointer that
   *     could not be resolved) rather than being refused as malformed
   */
  record Failure(Schema schema, RpcException error, boolean methodError) implements Prepared {
    /** A refused request. */
    Failure(Schema schema, RpcException error) {
      this(schema, error, false);
    }

    /** A call that failed as a method error, on the empty schema. */
    static Failure methodError(RpcException error) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, error, true);
    }

    /**
     * Whether the request named something not hosted here: a protocol or a method (HTTP answers
     * 404 rather than 400).
     */
    boolean notFound() {
      return error.errorKind()
          .filter(kind -> kind.equals(RequestProblem.METHOD_NOT_IMPLEMENTED)
              || kind.equals(RequestProblem.PROTOCOL_NOT_SUPPORTED))
          .isPresent();
    }
  }

  /**
   * The request is the framework's {@code __transport_options__} handshake.
   *
   * @param metadata the request batch's metadata (the client's capabilities)
   */
  record TransportOptionsCall(Map<String, String> metadata) implements Prepared {}

  /** The schema an error about a method's request is written on. */
  static Schema errorSchema(MethodSpec spec) {
    return spec.kind() == MethodKind.UNARY ? spec.result().schema() : MethodSpec.EMPTY_SCHEMA;
  }

  /** Turns a call into a failure when its request stream held more than one batch. */
  static Prepared requireSingleBatch(Prepared prepared, int extraBatches) {
    if (extraBatches > 0 && prepared instanceof PreparedCall call) {
      call.close();
      return new Failure(errorSchema(call.spec()),
          RequestProblem.protocol("request stream has " + (extraBatches + 1) + " batches, expected 1"));
    }
    return prepared;
  }

  /**
   * Validates the first batch of a request stream and decodes its parameters.
   *
   * @param server the server
   * @param reader the request stream, positioned on its first batch
   * @param hasBatch whether the stream had a batch
   * @param metadata the batch's custom metadata
   * @param requestId the call's request id
   * @param memory the call's memory
   * @param identity who is calling
   * @param transportKind the kind of transport serving the call, when known
   * @param remoteAddress the peer's address, empty when the transport has none
   * @return a call, a describe call, or a failure to answer with
   */
  static Prepared parse(ServerState server, IpcStreamReader reader, boolean hasBatch,
      Map<String, String> metadata, String requestId, BufferAllocator memory, Identity identity,
      Optional<TransportKind> transportKind, String remoteAddress) {
    return parse(server, reader, hasBatch, metadata, requestId, memory, identity, transportKind, remoteAddress,
        new Routes());
  }

  /**
   * Where a request's metadata routed it: the method of a hosted protocol, past every check that
   * depends on the metadata alone (dispatch keys, request version, method name, protocol, method,
   * protocol version), and the last parameter schema instance found to match the method's (null:
   * none yet). Immutable.
   */
  private record Route(Map<String, String> metadata, String method, String protocol, ServiceBinding binding,
      MethodSpec spec, Schema errorLayout, Optional<GeneratedInvoker.Method<Object>> generated, Prepared refused,
      Schema matched) {
    /** A request not routed to a hosted method: the failure or reserved call it is answered with. */
    static Route refusing(Prepared answer) {
      return new Route(null, null, null, null, null, null, Optional.empty(), answer, null);
    }

    /** The same route, with a parameter schema found to match. */
    Route matching(Schema schema) {
      return new Route(metadata, method, protocol, binding, spec, errorLayout, generated, refused, schema);
    }
  }

  /**
   * The last route a connection's requests took, by the identity of their metadata map: the stream
   * reader hands back the same unmodifiable map for the same metadata bytes (see {@code
   * MetadataText}), so a client calling the same method again is routed without looking its keys,
   * protocol and method up again. One entry, replaced whole (an immutable route): safe to share
   * between threads that serve one server's requests.
   */
  static final class Routes {
    private Route last;

    private Route of(Map<String, String> metadata) {
      Route route = last;
      return route != null && route.metadata() == metadata ? route : null;
    }
  }

  /**
   * Validates the first batch of a request stream and decodes its parameters (see {@link
   * #parse(ServerState, IpcStreamReader, boolean, Map, String, BufferAllocator, Identity, Optional, String)}),
   * taking the route from the last request when its metadata is the same map.
   *
   * @param routes the connection's last route
   */
  static Prepared parse(ServerState server, IpcStreamReader reader, boolean hasBatch,
      Map<String, String> metadata, String requestId, BufferAllocator memory, Identity identity,
      Optional<TransportKind> transportKind, String remoteAddress, Routes routes) {
    if (!hasBatch) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.protocol("request stream has no batch"));
    }
    Route route = routes.of(metadata);
    if (route == null) {
      route = route(server, metadata);
      if (route.refused() != null) {
        return route.refused();
      }
      routes.last = route;
    }
    Schema received = reader.schema();
    if (route.matched() != received) {
      // the schema instance last matched needs no comparison (the reader interns schemas by their bytes)
      String schemaProblem = route.binding().parameterMismatch(route.spec(), received);
      if (schemaProblem != null) {
        return new Failure(route.errorLayout(), RequestProblem.type(
            "Parameter schema mismatch for '" + route.method() + "': " + schemaProblem));
      }
      route = route.matching(received);
      routes.last = route;
    }
    return parse(route, reader, requestId, memory, identity, transportKind, remoteAddress);
  }

  /**
   * Routes a request by its metadata, in the reference's order: to a hosted method, or to the
   * failure or reserved call it is answered with ({@link Route#refused()}).
   */
  private static Route route(ServerState server, Map<String, String> metadata) {
    String method = metadata.get(MetadataKeys.METHOD);
    if (method == null) {
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA,
          RequestProblem.protocol("Missing '" + MetadataKeys.METHOD + "' in request batch metadata")));
    }
    String version = metadata.get(MetadataKeys.REQUEST_VERSION);
    if (!MetadataKeys.REQUEST_VERSION_VALUE.equals(version)) {
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.version(
          version == null
              ? "Missing '" + MetadataKeys.REQUEST_VERSION + "' in request batch metadata"
              : "Unsupported request version '" + version + "', expected '"
                  + MetadataKeys.REQUEST_VERSION_VALUE + "'")));
    }
    if (method.indexOf('\uFFFD') >= 0) {
      // the metadata was decoded leniently: a replacement character marks bytes that were not UTF-8
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.protocol("Invalid '"
          + MetadataKeys.METHOD + "' in request batch metadata: the method name must be valid UTF-8.")));
    }
    if (method.startsWith("__") && method.endsWith("__")) {
      return Route.refusing(reserved(method, metadata));
    }
    String protocol = metadata.get(MetadataKeys.PROTOCOL);
    HostedProtocols hosted = server.protocols();
    if (protocol == null || protocol.isEmpty()) {
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.protocolNotSpecified(
          "Request carries no '" + MetadataKeys.PROTOCOL + "' routing key. Every request must name the protocol it "
              + "addresses. This server hosts: " + hosted.sortedNames() + ".")));
    }
    // a hosted name passed the grammar at registration; only a miss needs the check, which comes
    // before the name is quoted, so a request-supplied string that is no name never reaches a message
    Optional<ServiceBinding> binding = hosted.find(protocol);
    if (binding.isEmpty()) {
      Optional<String> badName = HostedProtocols.nameProblem(protocol);
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.protocolNotSupported(
          badName.isPresent()
              ? "'" + MetadataKeys.PROTOCOL + "' is not a protocol name: " + badName.get()
              : "This server does not host protocol '" + protocol + "'. Hosted: " + hosted.sortedNames() + ".")));
    }
    ServiceSpec service = binding.get().spec();
    MethodSpec spec = service.methods().get(method);
    if (spec == null) {
      return Route.refusing(new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.unknownMethod(
          "Protocol '" + protocol + "' has no method '" + method + "'. Available: " + service.methods().keySet()
              + ".")));
    }
    Schema errorLayout = errorSchema(spec);
    if (binding.get().gatedVersion().isPresent()) {
      RpcException mismatch = ProtocolVersions.check(protocol,
          binding.get().gatedVersion().get(), metadata.get(MetadataKeys.PROTOCOL_VERSION));
      if (mismatch != null) {
        return Route.refusing(new Failure(errorLayout, mismatch));
      }
    }
    return new Route(metadata, method, protocol, binding.get(), spec, errorLayout,
        binding.get().generated(method), null, null);
  }

  /** Validates a routed request's parameter batch, whose schema matches, and decodes its parameters. */
  private static Prepared parse(Route route, IpcStreamReader reader, String requestId, BufferAllocator memory,
      Identity identity, Optional<TransportKind> transportKind, String remoteAddress) {
    Map<String, String> metadata = route.metadata();
    String method = route.method();
    String protocol = route.protocol();
    ServiceBinding binding = route.binding();
    MethodSpec spec = route.spec();
    Schema errorLayout = route.errorLayout();
    List<Column> columns = spec.params().columns();
    int rows = reader.rowCount();
    if (!columns.isEmpty() && rows != 1) {
      return new Failure(errorLayout, RequestProblem.type(
          "request batch for '" + method + "' has " + rows + " rows, expected 1"));
    }
    Optional<GeneratedInvoker.Method<Object>> generated = route.generated();
    ServerCall serverCall = new ServerCall(protocol, method, requestId, metadata, identity, transportKind, remoteAddress);
    if (columns.isEmpty()) {
      return generated.isPresent()
          ? laneCall(generated.get(), binding, spec, new Object[0], serverCall)
          : new PreparedCall(binding, spec, new Object[0], serverCall);
    }
    Optional<RowLane> lane = spec.params().lane();
    Optional<BatchView> view = lane.isPresent() && lane.get().reads(reader.schema())
        ? reader.directBatch() : Optional.empty();
    if (view.isPresent()) {
      Object[] args;
      try {
        args = lane.get().decode(view.get());
      } catch (MarshalException e) {
        return new Failure(errorLayout, RequestProblem.type(e.getMessage()));
      }
      for (int i = 0; i < columns.size(); i++) {
        if (args[i] == null && !columns.get(i).nullable()) {
          return nullParameter(errorLayout, columns.get(i), method);
        }
      }
      return generated.isPresent()
          ? laneCall(generated.get(), binding, spec, args, serverCall)
          : new PreparedCall(binding, spec, args, serverCall);
    }
    VectorSchemaRoot root = reader.root();
    if (generated.isPresent()) {
      return generated(generated.get(), binding, spec, root, new ReadContext(reader, memory), errorLayout,
          new ServerCall(protocol, method, requestId, metadata, identity, transportKind, remoteAddress));
    }
    Object[] args;
    try {
      args = spec.params().decodeRow(root.getFieldVectors(), 0, new ReadContext(reader, memory));
    } catch (MarshalException e) {
      return new Failure(errorLayout, RequestProblem.type(e.getMessage()));
    }
    PreparedCall call = new PreparedCall(binding, spec, args,
        new ServerCall(protocol, method, requestId, metadata, identity, transportKind, remoteAddress));
    for (int i = 0; i < columns.size(); i++) {
      if (args[i] == null && !columns.get(i).nullable()) {
        call.close();
        return nullParameter(errorLayout, columns.get(i), method);
      }
    }
    return call;
  }

  /**
   * Reads a call's parameters through its generated code, answering a decoding failure or a null
   * in a non-nullable parameter as the reflective path does.
   */
  private static Prepared generated(GeneratedInvoker.Method<Object> code, ServiceBinding binding, MethodSpec spec,
      VectorSchemaRoot root, ReadContext context, Schema errorLayout, ServerCall serverCall) {
    RowCells.Reader row = spec.params().reader(root.getFieldVectors(), 0, context);
    GeneratedInvoker.Call<Object> read;
    try {
      read = code.read(row);
    } catch (MarshalException e) {
      ArrowValues.closeRoots(row.decoded());
      return new Failure(errorLayout, RequestProblem.type(e.getMessage()));
    } catch (RuntimeException | Error e) {
      ArrowValues.closeRoots(row.decoded());
      throw e;
    }
    PreparedCall call = new PreparedCall(binding, spec, row.decoded(), Optional.of(read), serverCall);
    if (row.firstNullColumn() >= 0) {
      call.close();
      return nullParameter(errorLayout, spec.params().columns().get(row.firstNullColumn()), spec.name());
    }
    return call;
  }

  /** A call whose parameters the small-batch lane decoded, invoked through its generated code. */
  private static Prepared laneCall(GeneratedInvoker.Method<Object> code, ServiceBinding binding, MethodSpec spec,
      Object[] args, ServerCall serverCall) {
    return new PreparedCall(binding, spec, args, code.read(new RowCells.Values(args)), serverCall);
  }

  private static Failure nullParameter(Schema errorLayout, Column column, String method) {
    return new Failure(errorLayout, RequestProblem.type(
        "parameter '" + column.name() + "' of '" + method + "' is not nullable but is null"));
  }

  /** Answers a reserved {@code __name__} method, which is resolved before protocol routing. */
  static Prepared reserved(String method, Map<String, String> metadata) {
    if (TRANSPORT_OPTIONS.equals(method)) {
      return new TransportOptionsCall(metadata);
    }
    if (RETIRED_DESCRIBE.equals(method)) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.unknownMethod(
          "'" + RETIRED_DESCRIBE + "' was retired. Introspection is now the '" + REFLECTION
              + "' protocol: call 'list_protocols' for what this server hosts, then 'describe' for one "
              + "protocol's methods."));
    }
    return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.unknownMethod(
        "This server does not implement the reserved method '" + method + "'."));
  }
}
