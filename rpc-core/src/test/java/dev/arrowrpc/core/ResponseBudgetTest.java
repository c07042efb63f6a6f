package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A budget is consistent: a preferred size and a remainder never above the limit, nothing without it. */
class ResponseBudgetTest {
  private static final OptionalLong NONE = OptionalLong.empty();

  @Test
  void consistentBudgetsAreTaken() {
    ResponseBudget capped = new ResponseBudget(OptionalLong.of(70_000), OptionalLong.of(70_000),
        OptionalLong.of(0), true, OptionalLong.of(1 << 20));
    assertEquals(OptionalLong.of(0), capped.remainingBytes());
    ResponseBudget preferredOnly = new ResponseBudget(NONE, OptionalLong.of(90_000), NONE, false, NONE);
    assertEquals(OptionalLong.of(90_000), preferredOnly.preferredBytes());
    assertEquals(new ResponseBudget(NONE, NONE, NONE, false, NONE), ResponseBudget.UNBOUNDED);
  }

  @Test
  void inconsistentBudgetsAreRefusedWithWhatIsWrong() {
    OptionalLong limit = OptionalLong.of(70_000);
    assertMessage("preferredBytes 70001 is over limitBytes 70000",
        () -> new ResponseBudget(limit, OptionalLong.of(70_001), limit, false, NONE));
    assertMessage("remainingBytes must lie from 0 through limitBytes 70000",
        () -> new ResponseBudget(limit, NONE, OptionalLong.of(70_001), false, NONE));
    assertMessage("remainingBytes must lie from 0 through limitBytes 70000",
        () -> new ResponseBudget(limit, NONE, NONE, false, NONE));
    assertMessage("remainingBytes without limitBytes",
        () -> new ResponseBudget(NONE, NONE, OptionalLong.of(1), false, NONE));
    assertMessage("remainingExternalizedBytes while externalization is off",
        () -> new ResponseBudget(NONE, NONE, NONE, false, OptionalLong.of(1)));
  }

  private static void assertMessage(String start, Runnable make) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(error.getMessage().startsWith(start), error.getMessage());
  }
}
