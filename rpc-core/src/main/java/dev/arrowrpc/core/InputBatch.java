package dev.arrowrpc.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/**
 * One input batch of a {@link BatchStream} turn, valid only during the turn: copy out what must
 * outlive it. A producer's tick is a zero-row batch with no columns; its metadata is the tick's
 * metadata (a client may revise it from tick to tick).
 *
 * <p>The metadata is the application's only: the transport's bookkeeping keys (the HTTP
 * cursor {@code vgi_rpc.stream_state#b64}, the call token {@code vgi_rpc.call_state#b64} and the
 * cancellation marker {@code vgi_rpc.cancel}) are removed, so a state
 * sees the same metadata whichever transport carried the batch.
 *
 * @param root the batch's columns (dictionary-encoded columns hold indices)
 * @param metadata the batch's custom metadata, without transport bookkeeping, in arrival order
 * @param dictionaries the dictionaries of the input stream
 */
public record InputBatch(
    VectorSchemaRoot root, Map<String, String> metadata, DictionaryProvider dictionaries) {
  /**
   * The metadata keys the protocol's transports use for their own bookkeeping (stream state token,
   * call state, cancel marker: {@code wire.MetadataKeys}); spelled out here so the API package depends on no
   * engine package.
   */
  private static final Set<String> TRANSPORT_KEYS =
      Set.of("vgi_rpc.stream_state#b64", "vgi_rpc.call_state#b64", "vgi_rpc.cancel");

  /**
   * Copies the metadata without the transport's bookkeeping keys.
   *
   * @param root the batch's columns (dictionary-encoded columns hold indices)
   * @param metadata the batch's custom metadata, without transport bookkeeping, in arrival order
   * @param dictionaries the dictionaries of the input stream
   */
  public InputBatch {
    Map<String, String> application = new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata"));
    application.keySet().removeAll(TRANSPORT_KEYS);
    metadata = Collections.unmodifiableMap(application);
  }
}
