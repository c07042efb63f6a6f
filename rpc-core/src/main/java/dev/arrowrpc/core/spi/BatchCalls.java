package dev.arrowrpc.core.spi;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.Batch;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Calls made with whole Arrow batches built elsewhere, for tools that relay batches without knowing
 * their Java types (a conformance client driver, a gateway, a command line). The client still does
 * everything on the wire: framing, log delivery, error batches, pointer resolution, stream
 * lockstep, state tokens. What comes back is the data batch with its custom metadata, serialized as
 * a one-batch Arrow IPC stream. A request batch's metadata is sent as given, with the method and
 * protocol stamped over it (they route the call) and the request version added when absent. From
 * {@code RpcClient.batches()}.
 */
public interface BatchCalls {
  /**
   * A request: one batch and its custom metadata.
   *
   * @param protocol the protocol addressed (the routing key)
   * @param method the method's wire name
   * @param schema the batch's schema, message format (dictionary fields typed by their values)
   * @param batch the batch and its dictionaries (the caller keeps and closes it)
   * @param metadata the batch's custom metadata
   */
  record Request(String protocol, String method, Schema schema, Batch batch,
      Map<String, String> metadata) {
    /**
     * Checks the parts.
     *
     * @param protocol the protocol addressed (the routing key)
     * @param method the method's wire name
     * @param schema the batch's schema, message format (dictionary fields typed by their values)
     * @param batch the batch and its dictionaries (the caller keeps and closes it)
     * @param metadata the batch's custom metadata
     */
    public Request {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(batch, "batch");
      metadata = Map.copyOf(metadata);
    }
  }

  /**
   * Runs a unary call.
   *
   * @param request the request batch
   * @return the answer's data batch as a one-batch IPC stream, or empty when the answer held none
   * @throws RpcException the error the server reported, or a {@code TransportError}
   */
  Optional<byte[]> unary(Request request);

  /**
   * Opens a producer or exchange stream.
   *
   * @param request the request batch
   * @param hasHeader whether the method declares a header (read before the first output)
   * @return the stream
   * @throws RpcException the error the server reported while opening, or a {@code TransportError}
   */
  Stream open(Request request, boolean hasHeader);

  /** An open stream whose batches travel serialized. */
  interface Stream extends AutoCloseable {
    /**
     * The header batch, when the method declares one.
     *
     * @return the header as a one-batch IPC stream
     */
    Optional<byte[]> headerBatch();

    /**
     * One producer turn.
     *
     * @param metadata custom metadata for the tick batch
     * @return the output batch, or empty when the stream ended
     */
    Optional<byte[]> tick(Map<String, String> metadata);

    /**
     * One exchange turn.
     *
     * @param schema the input batch's schema
     * @param input the input batch (the caller keeps and closes it)
     * @param metadata its custom metadata
     * @return the output batch, or empty when the stream ended
     */
    Optional<byte[]> exchange(Schema schema, Batch input, Map<String, String> metadata);

    /**
     * Whether the server ended the stream.
     *
     * @return true once ended
     */
    boolean ended();

    /**
     * The token a request/response transport would resume the stream with, if it has one.
     *
     * @return the current state token
     */
    Optional<String> resumeToken();

    /** Asks the server to stop the stream. */
    void cancel();

    /** Releases the stream (cancelling it when still open). */
    @Override
    void close();
  }
}
