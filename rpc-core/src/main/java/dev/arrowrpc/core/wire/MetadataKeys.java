package dev.arrowrpc.core.wire;

/** The custom-metadata keys of the vgi-rpc protocol. */
public final class MetadataKeys {
  /** Method name on a request batch. */
  public static final String METHOD = "vgi_rpc.method";
  /** Protocol name on a request batch: the routing key, required on every request. */
  public static final String PROTOCOL = "vgi_rpc.protocol";
  /** Prefix of the transport-capability keys of {@code __transport_options__}. */
  public static final String TRANSPORT_PREFIX = "vgi_rpc.transport.";
  /** Shared-memory capability on {@code __transport_options__}. */
  public static final String TRANSPORT_SHM = "vgi_rpc.transport.shm";
  /** Framing version on a request batch; always {@value #REQUEST_VERSION_VALUE}. */
  public static final String REQUEST_VERSION = "vgi_rpc.request_version";
  /** The only framing version there is. */
  public static final String REQUEST_VERSION_VALUE = "1";
  /** Application protocol version (semver) on a request batch. */
  public static final String PROTOCOL_VERSION = "vgi_rpc.protocol_version";
  /** Correlation id. */
  public static final String REQUEST_ID = "vgi_rpc.request_id";
  /** Server instance id on log and error batches. */
  public static final String SERVER_ID = "vgi_rpc.server_id";
  /** Log level on a log or error batch. */
  public static final String LOG_LEVEL = "vgi_rpc.log_level";
  /** Log text on a log or error batch. */
  public static final String LOG_MESSAGE = "vgi_rpc.log_message";
  /** JSON object of extras on a log or error batch. */
  public static final String LOG_EXTRA = "vgi_rpc.log_extra";
  /** Stable error token (the reason a client branches on) on an error batch. */
  public static final String ERROR_KIND = "vgi_rpc.error_kind";
  /** Canonical code name ({@code UNAVAILABLE}, ...) on every error batch. */
  public static final String ERROR_CODE = "vgi_rpc.error_code";
  /** Compact JSON array of typed details on an error batch; at most 4096 bytes of UTF-8. */
  public static final String ERROR_DETAILS = "vgi_rpc.error_details";
  /** Presence on a stream input batch cancels the stream. */
  public static final String CANCEL = "vgi_rpc.cancel";
  /** Per-turn cursor token of a stream over a stateless transport (HTTP). */
  public static final String STREAM_STATE = "vgi_rpc.stream_state#b64";
  /** Per-call token of a stream over a stateless transport, issued at init and echoed by the client. */
  public static final String CALL_STATE = "vgi_rpc.call_state#b64";
  /** Protocol name on the describe response. */
  public static final String PROTOCOL_NAME = "vgi_rpc.protocol_name";
  /** Describe layout version on the describe response. */
  public static final String DESCRIBE_VERSION = "vgi_rpc.describe_version";
  /** Hash of the described surface on the describe response. */
  public static final String PROTOCOL_HASH = "vgi_rpc.protocol_hash";
  /** URL of an externalized batch, on a zero-row pointer batch. */
  public static final String LOCATION = "vgi_rpc.location";
  /** Lowercase hex SHA-256 of the externalized object before content coding, on a pointer batch (optional). */
  public static final String LOCATION_SHA256 = "vgi_rpc.location.sha256";
  /** Milliseconds the reader spent fetching, stamped by the reader on a resolved batch (never on the wire). */
  public static final String LOCATION_FETCH_MS = "vgi_rpc.location.fetch_ms";
  /** The URL the reader fetched, stamped by the reader on a resolved batch (never on the wire). */
  public static final String LOCATION_SOURCE = "vgi_rpc.location.source";
  /** Absolute byte offset in the shared-memory segment, on a zero-row shared-memory pointer batch. */
  public static final String SHM_OFFSET = "vgi_rpc.shm_offset";
  /** Bytes of the serialized batch in the segment, on a shared-memory pointer batch. */
  public static final String SHM_LENGTH = "vgi_rpc.shm_length";
  /** The segment's name, stamped by the reader on a batch resolved from shared memory (never on the wire). */
  public static final String SHM_SOURCE = "vgi_rpc.shm_source";
  /** OS name of the client's shared-memory segment, on a request batch. */
  public static final String SHM_SEGMENT_NAME = "vgi_rpc.shm_segment_name";
  /** Total size in bytes of the client's shared-memory segment, on a request batch. */
  public static final String SHM_SEGMENT_SIZE = "vgi_rpc.shm_segment_size";
  /** W3C trace context. */
  public static final String TRACEPARENT = "traceparent";
  /** W3C trace state. */
  public static final String TRACESTATE = "tracestate";

  private MetadataKeys() {}

  /**
   * A read-only view of batch metadata: the map itself when it is already read-only (metadata as a
   * stream reader reads it, {@link FixedMetadata}, an empty {@code Map.of()}), else an unmodifiable
   * view of it.
   *
   * @param metadata the metadata
   * @return a map that cannot be modified through it
   */
  public static java.util.Map<String, String> readOnly(java.util.Map<String, String> metadata) {
    if (metadata instanceof MetadataMap || FixedMetadata.isFixed(metadata)) {
      return metadata;
    }
    return java.util.Collections.unmodifiableMap(metadata);
  }

  /**
   * The metadata of a stream turn over a stateless transport: the batch's own, then the stream's
   * tokens ({@link #STREAM_STATE}, {@link #CALL_STATE} when the stream has one) and {@link #CANCEL}
   * when cancelling. The batch's own keys never override the tokens.
   *
   * @param own the batch's own metadata
   * @param streamState the cursor token of the turn
   * @param callState the call token, if the stream was given one
   * @param cancel whether the turn cancels the stream
   * @return the turn's metadata, in that order
   */
  public static java.util.Map<String, String> withTokens(java.util.Map<String, String> own, String streamState,
      java.util.Optional<String> callState, boolean cancel) {
    java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>(own);
    metadata.put(STREAM_STATE, java.util.Objects.requireNonNull(streamState, "streamState"));
    if (cancel) {
      metadata.put(CANCEL, "1");
    }
    callState.ifPresent(token -> metadata.put(CALL_STATE, token));
    return metadata;
  }

  /**
   * A batch's own metadata: the stream's tokens ({@link #STREAM_STATE}, {@link #CALL_STATE}) taken
   * out.
   *
   * @param metadata the metadata as received
   * @return the same map when it holds no token, else a read-only copy without them, in order
   */
  public static java.util.Map<String, String> withoutTokens(java.util.Map<String, String> metadata) {
    if (!metadata.containsKey(STREAM_STATE) && !metadata.containsKey(CALL_STATE)) {
      return metadata;
    }
    java.util.Map<String, String> own = new java.util.LinkedHashMap<>(metadata);
    own.remove(STREAM_STATE);
    own.remove(CALL_STATE);
    return java.util.Collections.unmodifiableMap(own);
  }
}
