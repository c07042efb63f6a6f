package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary counts a side's stacks only, leaves and frames beneath, a recursive frame once. */
class CollapsedStacksTest {
  private static final List<String> PROFILE = List.of(
      "main;SideCost.serverCost;serve;decode;String.<init> 7",
      "main;SideCost.serverCost;serve;check 3",
      "main;SideCost.serverCost;walk;walk;walk 5",
      "main;SideCost.clientCost;encode 11",
      "not a stack line",
      "main;SideCost.clientCost;encode x");

  @Test
  void countsTheStacksThroughAFrame() {
    CollapsedStacks server = CollapsedStacks.of(PROFILE, "SideCost.serverCost");
    assertEquals(15, server.total());
    assertEquals(7, server.self("String.<init>"));
    assertEquals(10, server.inclusive("serve"));
    assertEquals(5, server.inclusive("walk"), "a recursive frame counts once per stack");
    assertEquals(5, server.self("walk"));
    assertEquals(0, server.inclusive("encode"), "the client's stacks are not the server's");
    CollapsedStacks all = CollapsedStacks.of(PROFILE, "");
    assertEquals(26, all.total());
    assertEquals(11, all.self("encode"));
  }
}
