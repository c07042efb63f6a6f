package dev.arrowrpc.conformance;

/**
 * The header several conformance streams send before their first batch.
 *
 * @param total_expected how many batches the stream means to produce (0 for exchanges)
 * @param description a human-readable description of the stream
 */
public record ConformanceHeader(long total_expected, String description) {}
