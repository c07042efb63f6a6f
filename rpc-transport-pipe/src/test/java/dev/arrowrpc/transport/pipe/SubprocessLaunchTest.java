package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launch settings and process lifecycle, with plain shell commands instead of a Java worker. */
class SubprocessLaunchTest {
  @TempDir Path directory;

  @Test
  void javaCommandCarriesTheArrowFlagsAndTheTestClassPath() {
    List<String> command = Subprocess.javaCommand(WorkerMain.class.getName(), "a", "b");
    assertEquals(JvmFlags.ARROW, command.subList(1, 1 + JvmFlags.ARROW.size()));
    assertEquals(List.of(WorkerMain.class.getName(), "a", "b"),
        command.subList(command.size() - 3, command.size()));
    String classPath = command.get(command.indexOf("-cp") + 1);
    assertTrue(List.of(classPath.split(File.pathSeparator)).stream()
            .anyMatch(entry -> Path.of(entry).endsWith(Path.of("target", "test-classes"))),
        classPath);
  }

  @Test
  void javaCommandPassesThisJvmsPipeSpinSettingOnAndNothingWhenItIsUnset() {
    String before = System.getProperty(SpinBudget.PROPERTY);
    try {
      System.clearProperty(SpinBudget.PROPERTY);
      assertTrue(Subprocess.javaCommand("Main").stream().noneMatch(a -> a.contains(SpinBudget.PROPERTY)));
      System.setProperty(SpinBudget.PROPERTY, "0");
      List<String> command = Subprocess.javaCommand("Main");
      assertTrue(command.indexOf("-D" + SpinBudget.PROPERTY + "=0") > 0, command.toString());
      assertTrue(command.indexOf("-D" + SpinBudget.PROPERTY + "=0") < command.indexOf("Main"), command.toString());
    } finally {
      if (before == null) {
        System.clearProperty(SpinBudget.PROPERTY);
      } else {
        System.setProperty(SpinBudget.PROPERTY, before);
      }
    }
  }

  @Test
  void directoryEnvironmentAndStderrLinesReachTheProcess() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Subprocess process = Subprocess.builder(
            List.of("/bin/sh", "-c", "echo \"$ARROWRPC_TEST in $(pwd)\" >&2; printf 'no newline' >&2"))
        .directory(directory)
        .environment("ARROWRPC_TEST", "set")
        .stderr(lines::add)
        .launch();
    process.close(); // waits for the exit and for stderr to drain
    assertEquals(List.of("set in " + directory.toRealPath(), "no newline"), List.copyOf(lines));
    assertEquals(OptionalInt.of(0), process.exitStatus());
    assertEquals("worker exited with status 0; last stderr line: no newline", process.failureHint());
  }

  @Test
  void closeDestroysAWorkerThatIgnoresEndOfInput() throws IOException {
    Subprocess stubborn = Subprocess.builder(List.of("/bin/sh", "-c", "trap '' HUP; sleep 30"))
        .shutdownTimeout(Duration.ofMillis(200))
        .launch();
    assertTimeoutPreemptively(Duration.ofSeconds(5), stubborn::close);
    assertTrue(stubborn.exitStatus().isPresent());
    assertTrue(stubborn.failureHint().startsWith("worker exited with status "), stubborn.failureHint());
  }

  @Test
  void launchingAMissingProgramFails() {
    IOException error = assertThrows(IOException.class,
        () -> Subprocess.launch("/nonexistent/arrowrpc-worker"));
    assertTrue(error.getMessage().contains("/nonexistent/arrowrpc-worker"), error.getMessage());
  }
}
