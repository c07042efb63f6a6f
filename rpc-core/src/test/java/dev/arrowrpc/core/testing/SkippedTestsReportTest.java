package dev.arrowrpc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Every kind of skip is named with its reason; tests that ran are not mentioned. */
class SkippedTestsReportTest {
  /** Tests skipped one by one (run only by the launcher below: surefire skips nested classes). */
  static final class Methods {
    @Test
    @Disabled("waiting for the reference's fix")
    void disabled() {}

    @Test
    void assumed() {
      Assumptions.assumeTrue(false, "needs a GPU");
    }

    @Test
    void runs() {}
  }

  /** A class disabled by a condition. */
  @EnabledIfSystemProperty(named = "no.such.property", matches = ".+", disabledReason = "set no.such.property")
  static final class Conditional {
    @Test
    void one() {}

    @Test
    void two() {}
  }

  /** A class whose set-up gives up. */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static final class Aborted {
    @BeforeAll
    void start() {
      Assumptions.assumeTrue(false, "no worker here");
    }

    @Test
    void one() {}
  }

  private static List<String> report(Class<?> fixture) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Launcher launcher = LauncherFactory.create(
        LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build());
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(),
        new SkippedTestsReport(out));
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void disabledAndAssumedTestsAreNamedWithTheirReasons() {
    assertEquals(List.of(
            "SKIPPED SkippedTestsReportTest$Methods#assumed: needs a GPU",
            "SKIPPED SkippedTestsReportTest$Methods#disabled: waiting for the reference's fix"),
        report(Methods.class).stream().sorted().toList());
  }

  @Test
  void aSkippedClassIsOneLineWithItsTestCount() {
    assertEquals(List.of("SKIPPED SkippedTestsReportTest$Conditional (2 tests): "
        + "System property [no.such.property] does not exist ==> set no.such.property"), report(Conditional.class));
    assertEquals(List.of("SKIPPED SkippedTestsReportTest$Aborted (1 test): no worker here"), report(Aborted.class));
  }
}
