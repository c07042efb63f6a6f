package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void nearestRankPercentilesOfOneToHundred() {
    long[] samples = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray();
    Stats stats = Stats.of(samples, samples.length);
    assertEquals(100, stats.count());
    assertEquals(1, stats.min());
    assertEquals(50, stats.median());
    assertEquals(99, stats.p99());
    assertEquals(100, stats.max());
    assertEquals(50.5, stats.mean(), 1e-9);
  }

  @Test
  void onlyTheValidPrefixCounts() {
    long[] samples = {30, 10, 20, 0, 0, 0};
    Stats stats = Stats.of(samples, 3);
    assertEquals(10, stats.min());
    assertEquals(20, stats.median());
    assertEquals(30, stats.p99());
    assertEquals(30, stats.max());
  }

  @Test
  void singleSample() {
    Stats stats = Stats.of(new long[] {7}, 1);
    assertEquals(7, stats.median());
    assertEquals(7, stats.p99());
  }

  @Test
  void p99OfAThousandIgnoresTheTenSlowest() {
    long[] samples = new long[1000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = i < 990 ? 5 : 1_000_000;
    }
    assertEquals(5, Stats.of(samples, samples.length).p99());
  }

  @Test
  void refusesEmptySamplesAndBadPercentiles() {
    assertThrows(IllegalArgumentException.class, () -> Stats.of(new long[3], 0));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 1, 101));
  }

  @Test
  void formatsDurations() {
    assertEquals("23.4 µs", Report.duration(23_400));
    assertEquals("512 µs", Report.duration(512_000));
    assertEquals("12.3 ms", Report.duration(12_300_000));
    assertEquals("12.35 s", Report.duration(12_345_000_000L));
  }
}
