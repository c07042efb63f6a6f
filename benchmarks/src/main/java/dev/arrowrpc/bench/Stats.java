package dev.arrowrpc.bench;

import java.util.Arrays;

/**
 * Order statistics of a sample of durations (nanoseconds), by the nearest-rank method: the p-th
 * percentile is the smallest sample that at least p percent of the samples do not exceed.
 *
 * @param count how many samples
 * @param min the smallest
 * @param median the 50th percentile
 * @param p99 the 99th percentile
 * @param max the largest
 * @param mean the arithmetic mean
 */
public record Stats(int count, long min, long median, long p99, long max, double mean) {

  /**
   * Computes the statistics of the first {@code count} samples (the array is sorted in place).
   *
   * @param samples the samples
   * @param count how many of them are valid
   * @return the statistics
   * @throws IllegalArgumentException when there are no samples
   */
  public static Stats of(long[] samples, int count) {
    if (count <= 0 || count > samples.length) {
      throw new IllegalArgumentException("need 1.." + samples.length + " samples, got " + count);
    }
    Arrays.sort(samples, 0, count);
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += samples[i];
    }
    return new Stats(count, samples[0], percentile(samples, count, 50), percentile(samples, count, 99),
        samples[count - 1], sum / count);
  }

  /**
   * The nearest-rank percentile of sorted samples.
   *
   * @param sorted samples in ascending order
   * @param count how many of them are valid
   * @param percent the percentile, in (0, 100]
   * @return the sample at that rank
   */
  public static long percentile(long[] sorted, int count, double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile out of (0, 100]: " + percent);
    }
    int rank = (int) Math.ceil(percent / 100.0 * count);
    return sorted[Math.max(0, Math.min(count, rank) - 1)];
  }
}
