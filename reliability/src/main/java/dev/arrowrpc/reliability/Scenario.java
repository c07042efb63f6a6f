package dev.arrowrpc.reliability;

import java.util.Set;

/**
 * A category that cannot be written as bytes sent on one connection (slow clients, many
 * connections, tokens, faults): it drives the worker itself and records one verdict per case.
 */
interface Scenario {
  /** The category's name, a table row. */
  String category();

  /** The surfaces it applies to. */
  Set<Surface> surfaces();

  /**
   * Runs {@code count} cases (or as near as the scenario's shape allows) and records them.
   *
   * @param harness the worker under test and the judging
   * @param count the cases asked for
   * @param tally where each case's verdict goes
   */
  void run(Harness harness, int count, Tally tally);
}
