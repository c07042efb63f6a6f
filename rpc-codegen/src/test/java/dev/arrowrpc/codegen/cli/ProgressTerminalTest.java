package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line in a pseudo-terminal: the command line runs in a JVM of its own under {@code
 * script -e}, whose pty makes stderr a terminal, against the test protocol served in this JVM.
 * Skipped when util-linux's {@code script} is not installed.
 */
class ProgressTerminalTest {
  @TempDir Path dir;

  @Test
  void aTerminalShowsRowsBatchesBytesAndRateUnlessTurnedOff() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "util-linux 'script' (/usr/bin/script) is not installed: no pseudo-terminal to test the progress line in");
    Process probe = new ProcessBuilder("script", "-qefc", "test -t 2", "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true).start();
    String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "'script' cannot give a command a terminal here (no pseudo-terminals?): " + said);
    try (Served served = new Served()) {
      Path out = dir.resolve("ticks.jsonl");
      String shown = underTerminal("call", "--tcp", served.address(), "ticks", "count=300", "--format", "jsonl",
          "--out", out.toString());
      assertEquals(300, Files.readAllLines(out).size());
      assertTrue(shown.contains("\r\033[K300 rows  300 batches  "), shown);
      assertTrue(shown.contains(" rows/s"), shown);

      String quiet = underTerminal("call", "--tcp", served.address(), "ticks", "count=30", "--format", "jsonl",
          "--out", out.toString(), "--no-progress");
      assertFalse(quiet.contains("rows/s"), quiet);
    }
  }

  /** Runs the command line under {@code script -qfc}, returning what the terminal showed. */
  private static String underTerminal(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
        "-cp", JavaSources.classPath(), ArrowRpcCli.class.getName()));
    command.addAll(List.of(args));
    StringBuilder line = new StringBuilder();
    for (String word : command) {
      line.append('\'').append(word.replace("'", "'\\''")).append("' ");
    }
    Process process = new ProcessBuilder("script", "-qefc", line.toString(), "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true).start();
    byte[] shown = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command line ended");
    String text = new String(shown, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), text);
    return text;
  }
}
