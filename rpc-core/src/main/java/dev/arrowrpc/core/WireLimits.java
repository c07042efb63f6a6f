package dev.arrowrpc.core;

/**
 * The bounds a server checks every length, count and depth it reads from the wire against, before
 * Arrow allocates from it. Set on a server with {@link dev.arrowrpc.core.runtime.RpcServer.Builder#wireLimits(WireLimits)};
 * clients read with the {@linkplain #DEFAULT defaults} (and no total per stream).
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder(Calculator.class, new CalculatorImpl())
 *     .wireLimits(WireLimits.DEFAULT.withMaxBodyBytes(64L << 20).withMaxRequestBytes(256L << 20))
 *     .build();
 * }</pre>
 *
 * <p>Every refusal is a {@code ProtocolError} whose message names the setting it broke (for
 * example {@code maxBodyBytes}) and its value.
 *
 * @param maxBodyBytes the largest message body accepted, in bytes (default 4 GiB, room for a
 *     2 GiB + 1 byte cell)
 * @param maxMetadataBytes the largest flatbuffer header of a message, in bytes (default 64 MiB)
 * @param maxRowsPerBatch the most rows a record batch, or any field node in it, may declare
 *     (default 2^26, 67,108,864)
 * @param maxNestingDepth how deeply a schema's types may nest, a list of a list being depth 2
 *     (default 64)
 * @param maxSchemaFields the most fields, nested ones included, in a schema (default 65,536)
 * @param maxImpliedBytes how many bytes of validity bitmaps Arrow may create for columns that sent
 *     none, beyond the size of the body itself (default 16 MiB)
 * @param maxRequestBytes the most message-body bytes one request may carry in total: a request
 *     stream (its schema, dictionary and record batch bodies together), or one turn of a stream's
 *     input (a record batch and the dictionary batches before it) (default 4 GiB)
 */
public record WireLimits(
    long maxBodyBytes,
    int maxMetadataBytes,
    long maxRowsPerBatch,
    int maxNestingDepth,
    int maxSchemaFields,
    long maxImpliedBytes,
    long maxRequestBytes) {

  /** The default {@link #maxBodyBytes()}: 4 GiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 32;

  /** The default {@link #maxMetadataBytes()}: 64 MiB (a schema of 100k columns is ~10 MiB). */
  public static final int DEFAULT_MAX_METADATA_BYTES = 64 << 20;

  /** The default {@link #maxRowsPerBatch()}: 2^26. */
  public static final long DEFAULT_MAX_ROWS_PER_BATCH = 1L << 26;

  /** The default {@link #maxNestingDepth()}: 64. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  /** The default {@link #maxSchemaFields()}: 65,536. */
  public static final int DEFAULT_MAX_SCHEMA_FIELDS = 1 << 16;

  /** The default {@link #maxImpliedBytes()}: 16 MiB. */
  public static final long DEFAULT_MAX_IMPLIED_BYTES = 16L << 20;

  /** The default {@link #maxRequestBytes()}: 4 GiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 32;

  /** Every limit at its default. */
  public static final WireLimits DEFAULT = new WireLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_METADATA_BYTES,
      DEFAULT_MAX_ROWS_PER_BATCH, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_SCHEMA_FIELDS, DEFAULT_MAX_IMPLIED_BYTES,
      DEFAULT_MAX_REQUEST_BYTES);

  /**
   * Checks the limits.
   *
   * @param maxBodyBytes the largest message body accepted, in bytes (default 4 GiB, room for a 2 GiB + 1 byte
   *     cell)
   * @param maxMetadataBytes the largest flatbuffer header of a message, in bytes (default 64 MiB)
   * @param maxRowsPerBatch the most rows a record batch, or any field node in it, may declare (default 2^26,
   *     67,108,864)
   * @param maxNestingDepth how deeply a schema's types may nest, a list of a list being depth 2 (default 64)
   * @param maxSchemaFields the most fields, nested ones included, in a schema (default 65,536)
   * @param maxImpliedBytes how many bytes of validity bitmaps Arrow may create for columns that sent none,
   *     beyond the size of the body itself (default 16 MiB)
   * @param maxRequestBytes the most message-body bytes one request may carry in total: a request stream (its
   *     schema, dictionary and record batch bodies together), or one turn of a stream's input (a record batch
   *     and the dictionary batches before it) (default 4 GiB)
   * @throws IllegalArgumentException when a limit is below its least sensible value (a body or
   *     request of 0 bytes, metadata under 8 bytes, fewer than 1 row, level or field, or a negative
   *     implied size)
   */
  public WireLimits {
    atLeast("maxBodyBytes", maxBodyBytes, 0);
    atLeast("maxMetadataBytes", maxMetadataBytes, 8);
    atLeast("maxRowsPerBatch", maxRowsPerBatch, 1);
    atLeast("maxNestingDepth", maxNestingDepth, 1);
    atLeast("maxSchemaFields", maxSchemaFields, 1);
    atLeast("maxImpliedBytes", maxImpliedBytes, 0);
    atLeast("maxRequestBytes", maxRequestBytes, 0);
  }

  private static void atLeast(String name, long value, long least) {
    if (value < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
    }
  }

  /**
   * {@return these limits with {@link #maxBodyBytes()} replaced}
   *
   * @param bytes the new limit, in bytes
   */
  public WireLimits withMaxBodyBytes(long bytes) {
    return new WireLimits(bytes, maxMetadataBytes, maxRowsPerBatch, maxNestingDepth, maxSchemaFields,
        maxImpliedBytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxMetadataBytes()} replaced}
   *
   * @param bytes the new limit, in bytes
   */
  public WireLimits withMaxMetadataBytes(int bytes) {
    return new WireLimits(maxBodyBytes, bytes, maxRowsPerBatch, maxNestingDepth, maxSchemaFields,
        maxImpliedBytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxRowsPerBatch()} replaced}
   *
   * @param rows the new limit, in rows
   */
  public WireLimits withMaxRowsPerBatch(long rows) {
    return new WireLimits(maxBodyBytes, maxMetadataBytes, rows, maxNestingDepth, maxSchemaFields,
        maxImpliedBytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxNestingDepth()} replaced}
   *
   * @param depth the new limit on nesting depth
   */
  public WireLimits withMaxNestingDepth(int depth) {
    return new WireLimits(maxBodyBytes, maxMetadataBytes, maxRowsPerBatch, depth, maxSchemaFields,
        maxImpliedBytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxSchemaFields()} replaced}
   *
   * @param fields the new limit on the number of fields
   */
  public WireLimits withMaxSchemaFields(int fields) {
    return new WireLimits(maxBodyBytes, maxMetadataBytes, maxRowsPerBatch, maxNestingDepth, fields,
        maxImpliedBytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxImpliedBytes()} replaced}
   *
   * @param bytes the new limit, in bytes
   */
  public WireLimits withMaxImpliedBytes(long bytes) {
    return new WireLimits(maxBodyBytes, maxMetadataBytes, maxRowsPerBatch, maxNestingDepth, maxSchemaFields,
        bytes, maxRequestBytes);
  }

  /**
   * {@return these limits with {@link #maxRequestBytes()} replaced}
   *
   * @param bytes the new limit, in bytes
   */
  public WireLimits withMaxRequestBytes(long bytes) {
    return new WireLimits(maxBodyBytes, maxMetadataBytes, maxRowsPerBatch, maxNestingDepth, maxSchemaFields,
        maxImpliedBytes, bytes);
  }
}
