package dev.arrowrpc.core.external;

import java.io.IOException;

/**
 * Where a server puts batches too large to send inline (an object store such as S3 or GCS, or the
 * conformance suite's fake store). The framework serializes the batch as an Arrow IPC stream and
 * computes its digest; the storage decides how the object travels (it may content-encode it, say
 * with zstd, as long as the fetch side names the coding in {@code Content-Encoding}) and returns the
 * URL a reader fetches it from.
 *
 * <p>Implementations must be safe to call from several threads at once.
 */
public interface ExternalStorage {
  /**
   * Stores one object.
   *
   * @param ipcStream the object: a complete Arrow IPC stream
   * @return the URL readers fetch the object from (typically pre-signed, GET only)
   * @throws IOException when the object cannot be stored
   */
  String upload(byte[] ipcStream) throws IOException;
}
