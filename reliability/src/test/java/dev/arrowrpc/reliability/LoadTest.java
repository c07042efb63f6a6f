package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadTest {
  private static final long MIB = 1L << 20;

  @Test
  void growthWithinTenPercentPasses() {
    assertTrue(Load.within(100_000, 110_000, 0));
    assertTrue(Load.within(100_000, 90_000, 0));
    assertFalse(Load.within(100_000, 110_001, 0));
  }

  @Test
  void smallValuesUseTheAbsoluteSlack() {
    assertTrue(Load.within(0, MIB, MIB));
    assertFalse(Load.within(0, MIB + 1, MIB));
    assertTrue(Load.within(8 * MIB, 24 * MIB, 16 * MIB));
    assertFalse(Load.within(8 * MIB, 25 * MIB, 16 * MIB));
  }
}
