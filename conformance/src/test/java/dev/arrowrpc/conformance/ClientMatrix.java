package dev.arrowrpc.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the client matrix: the client contract ({@link ClientMatrixTest}) once per cell, printing
 * one line per cell on stdout,
 *
 * <pre>
 * python unix: 54 passed, 0 failed
 * go http: skipped (reason)
 * </pre>
 *
 * <p>then a total line. Failures are detailed on stderr. Exit status 1 when any test of any cell
 * failed, else 0; cells that cannot run (a peer that is missing, or that does not serve a
 * transport) are skipped and do not fail the run.
 *
 * <p>Arguments: the cells, {@code peer:transport} (default: every peer over pipe, unix, tcp and
 * http). System properties: {@code arrowrpc.matrix.command.<peer>} names a peer's worker program;
 * {@code arrowrpc.matrix.unavailable.<peer>} says why a peer has none (its cells are skipped with
 * that reason); {@code arrowrpc.matrix.scratch} is where sockets and worker stderr logs go; {@code
 * arrowrpc.matrix.only} limits the run to some test methods (comma-separated names).
 */
public final class ClientMatrix {
  private static final String UNAVAILABLE = "arrowrpc.matrix.unavailable.";
  /** Runs only these test methods (comma-separated names), for debugging a cell. */
  private static final String ONLY = "arrowrpc.matrix.only";

  private ClientMatrix() {}

  /**
   * Runs the cells.
   *
   * @param args the cells to run, {@code peer:transport}; none means all
   * @throws Exception when the launcher itself fails
   */
  public static void main(String[] args) throws Exception {
    List<String> cells = new ArrayList<>(List.of(args));
    if (cells.isEmpty()) {
      for (PeerEndpoint.Peer peer : PeerEndpoint.Peer.values()) {
        for (PeerEndpoint.Transport transport : PeerEndpoint.Transport.values()) {
          cells.add(peer.label() + ":" + transport.label());
        }
      }
    }
    Path scratch = Path.of(System.getProperty(ClientMatrixTest.SCRATCH, "target/client-matrix"));
    Files.createDirectories(scratch);
    System.setProperty(ClientMatrixTest.SCRATCH, scratch.toString());
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    long passed = 0;
    long failed = 0;
    int skipped = 0;
    Launcher launcher = LauncherFactory.create();
    for (String cell : cells) {
      var parsed = PeerEndpoint.parseCell(cell);
      String name = parsed.getKey().label() + " " + parsed.getValue().label();
      String unavailable = System.getProperty(UNAVAILABLE + parsed.getKey().label());
      if (unavailable != null && !unavailable.isBlank()) {
        out.println(name + ": skipped (" + unavailable + ")");
        skipped++;
        continue;
      }
      ClientMatrixTest.Cell started;
      try {
        started = ClientMatrixTest.Cell.start(parsed.getKey(), parsed.getValue(), scratch);
      } catch (PeerEndpoint.Unsupported e) {
        out.println(name + ": skipped (" + e.getMessage() + ")");
        skipped++;
        continue;
      } catch (Exception e) {
        out.println(name + ": 0 passed, 1 failed");
        System.err.println("[client-matrix] " + name + ": the worker did not start: " + e);
        failed++;
        continue;
      }
      TestExecutionSummary summary;
      try (started) {
        System.setProperty(ClientMatrixTest.CELL, cell);
        ClientMatrixTest.current = started;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        String only = System.getProperty(ONLY, "");
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(only.isBlank()
                ? List.of(selectClass(ClientMatrixTest.class))
                : Arrays.stream(only.split(",")).map(m -> selectMethod(ClientMatrixTest.class, m.strip())).toList())
            .build();
        launcher.execute(request, listener);
        summary = listener.getSummary();
      } finally {
        ClientMatrixTest.current = null;
        System.clearProperty(ClientMatrixTest.CELL);
      }
      long cellFailed = summary.getTestsFailedCount() + summary.getContainersFailedCount()
          + summary.getTestsAbortedCount();
      long cellPassed = summary.getTestsSucceededCount();
      out.println(name + ": " + cellPassed + " passed, " + cellFailed + " failed");
      for (TestExecutionSummary.Failure failure : summary.getFailures()) {
        System.err.println("[client-matrix] " + name + " FAILED " + failure.getTestIdentifier().getDisplayName()
            + ": " + failure.getException());
      }
      passed += cellPassed;
      failed += cellFailed;
    }
    out.println("client-matrix: " + passed + " passed, " + failed + " failed");
    System.err.println("[client-matrix] " + cells.size() + " cells, " + skipped + " skipped");
    System.exit(failed > 0 ? 1 : 0);
  }
}
