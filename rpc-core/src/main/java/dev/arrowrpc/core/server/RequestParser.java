package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.Column;
import dev.arrowrpc.core.schema.MarshalException;
import dev.arrowrpc.core.schema.MethodKind;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ReadContext;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.Keys;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Validates a request batch, in the reference's order (dispatch metadata, request version, method,
 * protocol version, parameter schema, rows, nulls), and decodes its parameters. Shared by every
 * transport.
 */
final class RequestParser {
  private RequestParser() {}

  /** What reading a request produced. */
  sealed interface Prepared permits Failure, DescribeCall, PreparedCall {}

  /**
   * The request is answered with an error stream.
   *
   * @param schema the schema of the error stream
   * @param error the error
   */
  record Failure(Schema schema, RpcException error) implements Prepared {
    /** Whether the method is unknown (HTTP answers 404 rather than 400). */
    boolean unknownMethod() {
      return error.errorKind().filter("method_not_implemented"::equals).isPresent();
    }
  }

  /** The request is {@code __describe__}. */
  enum DescribeCall implements Prepared {
    INSTANCE
  }

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
   * @param dispatcher the server
   * @param reader the request stream, positioned on its first batch
   * @param hasBatch whether the stream had a batch
   * @param metadata the batch's custom metadata
   * @param requestId the call's request id
   * @param memory the call's memory
   * @param identity who is calling
   * @return a call, a describe call, or a failure to answer with
   */
  static Prepared parse(Dispatcher dispatcher, IpcStreamReader reader, boolean hasBatch,
      Map<String, String> metadata, String requestId, BufferAllocator memory, Identity identity) {
    if (!hasBatch) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.protocol("request stream has no batch"));
    }
    String method = metadata.get(Keys.METHOD);
    if (method == null) {
      return new Failure(MethodSpec.EMPTY_SCHEMA,
          RequestProblem.protocol("Missing '" + Keys.METHOD + "' in request batch metadata"));
    }
    String version = metadata.get(Keys.REQUEST_VERSION);
    if (!Keys.REQUEST_VERSION_VALUE.equals(version)) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.version(
          version == null
              ? "Missing '" + Keys.REQUEST_VERSION + "' in request batch metadata"
              : "Unsupported request version '" + version + "', expected '"
                  + Keys.REQUEST_VERSION_VALUE + "'"));
    }
    ServiceSpec service = dispatcher.spec();
    if (Describe.METHOD.equals(method)) {
      return DescribeCall.INSTANCE;
    }
    MethodSpec spec = service.methods().get(method);
    if (spec == null) {
      return new Failure(MethodSpec.EMPTY_SCHEMA, RequestProblem.unknownMethod(
          "Unknown method: '" + method + "'. Available methods: " + service.methods().keySet()));
    }
    Schema errorLayout = errorSchema(spec);
    if (service.protocolVersion().isPresent()) {
      RpcException mismatch = ProtocolVersions.check(service.protocolName(),
          service.protocolVersion().get(), metadata.get(Keys.PROTOCOL_VERSION));
      if (mismatch != null) {
        return new Failure(errorLayout, mismatch);
      }
    }
    String schemaProblem = SchemaMatch.describeMismatch(spec.params().schema(), reader.schema());
    if (schemaProblem != null) {
      return new Failure(errorLayout, RequestProblem.type(
          "Parameter schema mismatch for '" + method + "': " + schemaProblem));
    }
    VectorSchemaRoot root = reader.root();
    List<Column> columns = spec.params().columns();
    if (!columns.isEmpty() && root.getRowCount() != 1) {
      return new Failure(errorLayout, RequestProblem.type(
          "request batch for '" + method + "' has " + root.getRowCount() + " rows, expected 1"));
    }
    Object[] args;
    try {
      args = spec.params().decodeRow(root.getFieldVectors(), 0, new ReadContext(reader, memory));
    } catch (MarshalException e) {
      return new Failure(errorLayout, RequestProblem.type(e.getMessage()));
    }
    PreparedCall call = new PreparedCall(spec, args, new ServerCall(method, requestId, metadata, identity));
    for (int i = 0; i < columns.size(); i++) {
      if (args[i] == null && !columns.get(i).nullable()) {
        call.close();
        return new Failure(errorLayout, RequestProblem.type(
            "parameter '" + columns.get(i).name() + "' of '" + method + "' is not nullable but is null"));
      }
    }
    return call;
  }

}
