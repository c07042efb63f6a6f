package dev.arrowrpc.reliability;

import java.util.List;
import java.util.Random;

/** A category of hostile requests: makes {@code count} cases from a seeded random source. */
interface CaseSource {
  /** The category's name, a table row. */
  String category();

  /** Whether the cases break the IPC framing (over stdio each such case costs a worker restart). */
  boolean breaksFraming();

  /**
   * Makes the cases. The same seed gives the same cases.
   *
   * @param random the seeded source
   * @param count how many
   */
  List<Case> cases(Random random, int count);
}
