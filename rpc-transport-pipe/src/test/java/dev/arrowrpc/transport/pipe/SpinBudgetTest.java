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
    budget.caught();
    assertEquals(40_000, budget.nanos());
  }

  @Test
  void aZeroBudgetNeverSpinsAndANegativeOneIsRefused() {
    SpinBudget none = new SpinBudget(0);
    none.parked(10);
    none.caught();
    assertEquals(0, none.nanos());
    assertThrows(IllegalArgumentException.class, () -> new SpinBudget(-1));
  }
}
