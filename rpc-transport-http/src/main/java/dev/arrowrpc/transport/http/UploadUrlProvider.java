package dev.arrowrpc.transport.http;

import java.io.IOException;

/**
 * Vends {@link UploadUrl} pairs for {@code POST {prefix}/__upload_url__/init} (WIRE_PROTOCOL.md
 * section 10, "Upload URL generation"). Must be safe to call from several threads at once.
 */
@FunctionalInterface
public interface UploadUrlProvider {
  /**
   * Allocates one pair.
   *
   * @return the pair
   * @throws IOException when the storage cannot allocate one
   */
  UploadUrl generate() throws IOException;
}
