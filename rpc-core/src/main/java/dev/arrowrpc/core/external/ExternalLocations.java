package dev.arrowrpc.core.external;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a server or client uses external locations (WIRE_PROTOCOL.md section 12): where batches at or
 * above the threshold are uploaded, how inbound pointer batches are fetched, and the cap on bytes a
 * single response may upload.
 *
 * @param storage where outgoing batches are externalized; empty: every batch is sent inline
 * @param fetcher how inbound pointer batches are resolved; empty: a pointer batch is refused
 * @param thresholdBytes batches whose buffers total at least this many bytes are externalized
 * @param maxExternalizedResponseBytes the most one response may upload, if capped (a hard cap: the
 *     upload that would pass it fails the call instead)
 */
public record ExternalLocations(Optional<ExternalStorage> storage, Optional<ExternalFetcher> fetcher,
    long thresholdBytes, OptionalLong maxExternalizedResponseBytes) {

  /** The reference's default threshold for the conformance worker: 4 KiB. */
  public static final long DEFAULT_THRESHOLD_BYTES = 4096;

  /**
   * Checks the values.
   *
   * @param storage where outgoing batches are externalized; empty: every batch is sent inline
   * @param fetcher how inbound pointer batches are resolved; empty: a pointer batch is refused
   * @param thresholdBytes batches whose buffers total at least this many bytes are externalized
   * @param maxExternalizedResponseBytes the most one response may upload, if capped (a hard cap: the upload
   *     that would pass it fails the call instead)
   */
  public ExternalLocations {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(fetcher, "fetcher");
    Objects.requireNonNull(maxExternalizedResponseBytes, "maxExternalizedResponseBytes");
    if (thresholdBytes < 1) {
      throw new IllegalArgumentException("thresholdBytes must be positive");
    }
    if (maxExternalizedResponseBytes.isPresent() && maxExternalizedResponseBytes.getAsLong() < 1) {
      throw new IllegalArgumentException("maxExternalizedResponseBytes must be positive");
    }
  }

  /**
   * No storage and no fetcher: everything inline, pointer batches refused.
   *
   * @return the configuration
   */
  public static ExternalLocations none() {
    return new ExternalLocations(Optional.empty(), Optional.empty(), DEFAULT_THRESHOLD_BYTES, OptionalLong.empty());
  }

  /**
   * Uploads to a storage and resolves with a fetcher, at the default threshold.
   *
   * @param storage where outgoing batches go
   * @param fetcher how inbound pointers are fetched
   * @return the configuration
   */
  public static ExternalLocations of(ExternalStorage storage, ExternalFetcher fetcher) {
    return new ExternalLocations(Optional.of(storage), Optional.of(fetcher), DEFAULT_THRESHOLD_BYTES,
        OptionalLong.empty());
  }

  /**
   * {@return a copy with another threshold}
   *
   * @param bytes batches whose buffers total at least this many bytes are externalized
   */
  public ExternalLocations withThreshold(long bytes) {
    return new ExternalLocations(storage, fetcher, bytes, maxExternalizedResponseBytes);
  }

  /**
   * {@return a copy capping what one response may upload}
   *
   * @param bytes the most one response may upload, in bytes
   */
  public ExternalLocations withMaxExternalizedResponseBytes(long bytes) {
    return new ExternalLocations(storage, fetcher, thresholdBytes, OptionalLong.of(bytes));
  }

  /** {@return whether outgoing batches may be externalized} */
  public boolean externalizes() {
    return storage.isPresent();
  }
}
