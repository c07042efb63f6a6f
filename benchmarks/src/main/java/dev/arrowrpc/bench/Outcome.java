package dev.arrowrpc.bench;

/**
 * What one cell of a table holds: a measurement, or why there is none.
 *
 * @param result the measurement, or {@code null}
 * @param problem why there is no measurement ("not yet available …", an error), or {@code null}
 * @param failed whether the problem is a failure (as opposed to something not available here)
 */
public record Outcome(Measure.Result result, String problem, boolean failed) {

  /**
   * A measurement.
   *
   * @param result the measurement
   * @return the outcome
   */
  public static Outcome of(Measure.Result result) {
    return new Outcome(result, null, false);
  }

  /**
   * Nothing measured because something is not available here.
   *
   * @param reason why
   * @return the outcome
   */
  public static Outcome unavailable(String reason) {
    return new Outcome(null, reason, false);
  }

  /**
   * Nothing measured because the run failed.
   *
   * @param error what failed
   * @return the outcome
   */
  public static Outcome failure(Throwable error) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    return new Outcome(null, "error: " + error.getClass().getSimpleName() + ": " + message, true);
  }

  /**
   * Whether there is a measurement.
   *
   * @return true when measured
   */
  public boolean ok() {
    return result != null;
  }

  /**
   * The median duration in nanoseconds.
   *
   * @return the median
   */
  public long median() {
    return result.stats().median();
  }
}
