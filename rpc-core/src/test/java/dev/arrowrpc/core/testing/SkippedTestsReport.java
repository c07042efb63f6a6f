package dev.arrowrpc.core.testing;

import java.io.PrintStream;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line per skipped test or test class, with the reason: {@code SKIPPED
 * Class#method: reason}, or {@code SKIPPED Class (N tests): reason} when a whole class is skipped
 * (disabled by a condition, or an assumption failed before its tests ran). Surefire itself only
 * counts skips.
 *
 * <p>Registered through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}
 * in rpc-core's test resources; modules that depend on rpc-core's test-jar get it too.
 */
public final class SkippedTestsReport implements TestExecutionListener {
  /** How JUnit begins the message of a failed assumption. */
  private static final String ASSUMPTION = "Assumption failed: ";

  private final PrintStream out;
  private TestPlan plan;

  /** A report to stdout (surefire shows a test JVM's stdout in the build log). */
  public SkippedTestsReport() {
    this(System.out);
  }

  /**
   * A report to the given stream.
   *
   * @param out where the lines go
   */
  public SkippedTestsReport(PrintStream out) {
    this.out = out;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    this.plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    report(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      report(test, result.getThrowable()
          .map(error -> Optional.ofNullable(error.getMessage()).orElse(error.getClass().getSimpleName()))
          .orElse("aborted"));
    }
  }

  private void report(TestIdentifier test, String reason) {
    String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
    if (why.startsWith(ASSUMPTION)) {
      why = why.substring(ASSUMPTION.length());
    }
    out.println("SKIPPED " + name(test) + tests(test) + ": " + why);
  }

  /** {@code Class#method} for a method, {@code Class} for a class, else the display name. */
  static String name(TestIdentifier test) {
    return test.getSource().map(source -> {
      if (source instanceof MethodSource method) {
        return simple(method.getClassName()) + "#" + method.getMethodName() + parameters(test);
      }
      if (source instanceof ClassSource type) {
        return simple(type.getClassName());
      }
      return test.getDisplayName();
    }).orElse(test.getDisplayName());
  }

  private static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** The invocation's display name for a parameterized or repeated test. */
  private static String parameters(TestIdentifier test) {
    return test.getType().isTest() && test.getUniqueId().contains("-invocation:")
        ? " " + test.getDisplayName()
        : "";
  }

  /** How many tests a skipped container holds, as {@code " (N tests)"}; empty for a test. */
  private String tests(TestIdentifier test) {
    if (plan == null || !test.isContainer()) {
      return "";
    }
    long count = plan.getDescendants(test).stream().filter(TestIdentifier::isTest).count();
    return " (" + count + (count == 1 ? " test)" : " tests)");
  }
}
