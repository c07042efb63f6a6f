package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  void aReadableSourceIsReadAtOnceWithoutTouchingTheBudget() {
    SpinBudget budget = new SpinBudget(40_000);
    budget.parked(1_000_000);
    int[] polls = {0};
    assertEquals(SpinBudget.NO_WAIT, budget.beforeRead(() -> ++polls[0] > 0));
    assertEquals(1, polls[0]);
    budget.afterRead(SpinBudget.NO_WAIT);
    assertEquals(20_000, budget.nanos());
  }

  @Test
  void bytesThatComeWhileSpinningEndTheWaitAndRestoreTheBudget() {
    SpinBudget budget = new SpinBudget(10_000_000_000L);
    budget.parked(Long.MAX_VALUE); // halved, but still seconds: the third poll comes well within it
    int[] polls = {0};
    assertEquals(SpinBudget.NO_WAIT, budget.beforeRead(() -> ++polls[0] >= 3));
    assertEquals(3, polls[0]);
    assertEquals(10_000_000_000L, budget.nanos());
  }

  @Test
  void aSourceThatStaysEmptyIsPolledForTheWholeBudgetThenTheReadBlocks() {
    SpinBudget budget = new SpinBudget(2_000_000);
    int[] polls = {0};
    long before = System.nanoTime();
    long start = budget.beforeRead(() -> ++polls[0] < 0);
    assertTrue(start != SpinBudget.NO_WAIT);
    assertTrue(System.nanoTime() - before >= 2_000_000, "returned before the budget was spent");
    assertTrue(polls[0] > 1, "polled " + polls[0] + " times");
    budget.afterRead(start - 1_000_000_000L); // a read that then blocked for a second
    assertEquals(1_000_000, budget.nanos());
  }

  @Test
  void withNoBudgetTheSourceIsAskedOnceAndAFailingSourceLeavesTheReadToSayWhy() {
    SpinBudget none = new SpinBudget(0);
    int[] polls = {0};
    assertTrue(none.beforeRead(() -> ++polls[0] < 0) != SpinBudget.NO_WAIT);
    assertEquals(1, polls[0]);
    assertEquals(SpinBudget.NO_WAIT, new SpinBudget(40_000).beforeRead(() -> {
      throw new IOException("closed");
    }));
  }

  @Test
  void noMoreReadersSpinAtOnceThanTheirLimit() throws Exception {
    int spinning = 2;
    SpinBudget.Spinners spinners = new SpinBudget.Spinners(spinning);
    CountDownLatch allSpinning = new CountDownLatch(spinning);
    AtomicBoolean bytes = new AtomicBoolean();
    List<CompletableFuture<Long>> threads = new ArrayList<>();
    for (int i = 0; i < spinning; i++) {
      threads.add(CompletableFuture.supplyAsync(() -> {
        int[] polls = {0};
        return new SpinBudget(60_000_000_000L, spinners).beforeRead(() -> {
          if (++polls[0] == 2) {
            allSpinning.countDown(); // the first poll is before the spin; the second is in it
          }
          return bytes.get();
        });
      }, Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
      })));
    }
    try {
      assertTrue(allSpinning.await(10, TimeUnit.SECONDS));
      int[] polls = {0};
      long start = new SpinBudget(60_000_000_000L, spinners).beforeRead(() -> ++polls[0] < 0);
      assertTrue(start != SpinBudget.NO_WAIT);
      assertEquals(1, polls[0], "a reader beyond the limit asks once and blocks");
    } finally {
      bytes.set(true);
    }
    for (CompletableFuture<Long> spinner : threads) {
      assertEquals(SpinBudget.NO_WAIT, spinner.get(10, TimeUnit.SECONDS));
    }
    int[] polls = {0};
    assertEquals(SpinBudget.NO_WAIT, new SpinBudget(60_000_000_000L, spinners).beforeRead(() -> ++polls[0] >= 2),
        "once the others stopped, a reader spins again");
  }

  @Test
  void spinnersCountEntriesUpToTheirLimitAndFreeAPlaceOnLeaving() {
    SpinBudget.Spinners one = new SpinBudget.Spinners(1);
    assertTrue(one.enter());
    assertFalse(one.enter());
    one.leave();
    assertTrue(one.enter());
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
