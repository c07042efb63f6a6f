package dev.arrowrpc.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs {@link FlightClientContractTest} and prints the acceptance line of issue 15, {@code
 * java-client-over-flight: N passed, N failed}, failures detailed on stderr; exit status 1 when any
 * failed.
 */
public final class FlightClientLane {
  private FlightClientLane() {}

  /**
   * Runs the lane.
   *
   * @param args none
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(FlightClientContractTest.class)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    long failed = summary.getTestsFailedCount() + summary.getContainersFailedCount() + summary.getTestsAbortedCount();
    for (TestExecutionSummary.Failure failure : summary.getFailures()) {
      System.err.println("[java-client-over-flight] FAILED " + failure.getTestIdentifier().getDisplayName()
          + ": " + failure.getException());
    }
    out.println("java-client-over-flight: " + summary.getTestsSucceededCount() + " passed, " + failed + " failed");
    System.exit(failed > 0 ? 1 : 0);
  }
}
