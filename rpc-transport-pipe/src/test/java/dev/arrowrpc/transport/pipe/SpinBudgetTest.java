package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpinBudgetTest {
  @Test
  void aFreshBudgetSpinsItsWholeLength() {
    assertEquals(40_000, new SpinBudget(40_000).nanos());
  }

  @Test
  void longWaitsHalveTheBudgetDownToNothing() {
    SpinBudget budget = new SpinBudget(40_000);
    budget.parked(1_000_000);
    assertEquals(20_000, budget.nanos());
    budget.parked(1_000_000);
    assertEquals(10_000, budget.nanos());
    for (int i = 0; i < 20; i++) {
      budget.parked(1_000_000);
    }
    assertEquals(0, budget.nanos());
  }

  @Test
  void aWaitAFullSpinWouldHaveCaughtRestoresTheBudget() {
    SpinBudget budget = new SpinBudget(40_000);
    for (int i = 0; i < 20; i++) {
      budget.parked(1_000_000);
    }
    budget.parked(39_000);
    assertEquals(40_000, budget.nanos());
  }

  @Test
  void aCaughtWaitRestoresTheBudget() {
    SpinBudget budget = new SpinBudget(40_000);
    budget.parked(1_000_000);
    budget.caught(true);
    assertEquals(40_000, budget.nanos());
  }

  @Test
  void waitsCaughtWhileYieldingShortenThePausingPhaseAndOneCaughtWhilePausingRestoresIt() {
    SpinBudget budget = new SpinBudget(40_000);
    assertEquals(SpinBudget.PAUSING_NANOS, budget.pausingNanos());
    budget.caught(false);
    assertEquals(SpinBudget.PAUSING_NANOS / 2, budget.pausingNanos());
    for (int i = 0; i < 40; i++) {
      budget.caught(false);
    }
    assertEquals(0, budget.pausingNanos());
    budget.caught(true);
    assertEquals(SpinBudget.PAUSING_NANOS, budget.pausingNanos());
  }

  @Test
  void everyProbingWaitPausesForTheWholePhase() {
    SpinBudget budget = new SpinBudget(40_000);
    for (int i = 0; i < 40; i++) {
      budget.caught(false);
    }
    int whole = 0;
    for (int wait = 0; wait < SpinBudget.PROBE_EVERY * 3; wait++) {
      if (budget.pausingNanos() == SpinBudget.PAUSING_NANOS) {
        whole++;
      }
    }
    assertEquals(3, whole);
  }

  @Test
  void thePausingPhaseIsNeverLongerThanTheBudget() {
    SpinBudget budget = new SpinBudget(4_000);
    assertEquals(4_000, budget.pausingNanos());
    budget.caught(true);
    assertEquals(4_000, budget.pausingNanos());
  }

  @Test
  void aZeroBudgetNeverSpinsAndANegativeOneIsRefused() {
    SpinBudget none = new SpinBudget(0);
    none.parked(10);
    none.caught(true);
    assertEquals(0, none.nanos());
    assertThrows(IllegalArgumentException.class, () -> new SpinBudget(-1));
  }
}
