package dev.arrowrpc.conformance.nativeclient;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the native-client lanes (run-native-client.sh) and prints one line per transport on stdout,
 *
 * <pre>
 * native-client http: 40 passed, 0 failed
 * </pre>
 *
 * <p>where http sums the root-prefix, {@code /vgi} and per-turn-budget workers. Failures are
 * detailed on stderr. When no Python with vgi-rpc is found every lane prints {@code skipped
 * (reason)}. Exit status 1 when a test failed, else 0.
 *
 * <p>Arguments: the transports to run ({@code http}, {@code pipe}, {@code unix}, {@code tcp};
 * default all). System properties: those of {@link ClientWorker}.
 */
public final class NativeClientLanes {
  private static final Map<String, List<Class<?>>> LANES = new LinkedHashMap<>();

  static {
    LANES.put("http", List.of(NativeClientHttpTest.class, NativeClientHttpPrefixTest.class,
        NativeClientHttpBufferedTest.class));
    LANES.put("pipe", List.of(NativeClientPipeTest.class));
    LANES.put("unix", List.of(NativeClientUnixTest.class));
    LANES.put("tcp", List.of(NativeClientTcpTest.class));
  }

  private NativeClientLanes() {}

  /**
   * Runs the lanes.
   *
   * @param args the transports to run; none means all
   */
  public static void main(String[] args) {
    List<String> transports = args.length == 0 ? new ArrayList<>(LANES.keySet()) : List.of(args);
    for (String transport : transports) {
      if (!LANES.containsKey(transport)) {
        System.err.println("[native-client] unknown transport '" + transport + "' (transports: "
            + String.join(" ", LANES.keySet()) + ")");
        System.exit(2);
      }
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Optional<String> unavailable = ClientWorker.unavailable();
    if (unavailable.isPresent()) {
      transports.forEach(t -> out.println("native-client " + t + ": skipped (" + unavailable.get() + ")"));
      System.exit(0);
    }
    Launcher launcher = LauncherFactory.create();
    long failedTotal = 0;
    for (String transport : transports) {
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(LANES.get(transport).stream().map(c -> selectClass(c)).toList())
          .build();
      launcher.execute(request, listener);
      TestExecutionSummary summary = listener.getSummary();
      long failed = summary.getTestsFailedCount() + summary.getContainersFailedCount()
          + summary.getTestsAbortedCount() + summary.getContainersAbortedCount();
      out.println("native-client " + transport + ": " + summary.getTestsSucceededCount() + " passed, "
          + failed + " failed");
      for (TestExecutionSummary.Failure failure : summary.getFailures()) {
        System.err.println("[native-client] " + transport + " FAILED " + failure.getTestIdentifier().getDisplayName()
            + ": " + failure.getException());
      }
      failedTotal += failed;
    }
    System.exit(failedTotal > 0 ? 1 : 0);
  }
}
