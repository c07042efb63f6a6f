package dev.arrowrpc.transport.http;

import java.time.Instant;
import java.util.Objects;

/**
 * A pre-signed pair for client-side externalization: the client PUTs its batch to {@link
 * #uploadUrl()}, then sends a pointer batch naming {@link #downloadUrl()}, which the server fetches.
 *
 * @param uploadUrl where the client uploads (PUT)
 * @param downloadUrl where the server fetches the object (GET)
 * @param expiresAt when both stop working
 */
public record UploadUrl(String uploadUrl, String downloadUrl, Instant expiresAt) {
  /**
   * Checks the values.
   *
   * @param uploadUrl where the client uploads (PUT)
   * @param downloadUrl where the server fetches the object (GET)
   * @param expiresAt when both stop working
   */
  public UploadUrl {
    Objects.requireNonNull(uploadUrl, "uploadUrl");
    Objects.requireNonNull(downloadUrl, "downloadUrl");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
