package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher contract across languages: this launcher starts and reuses the reference's worker
 * ({@code run_server --unix PATH --idle-timeout SECONDS}), and the reference's launcher ({@code
 * vgi_rpc.launcher.launch}) starts a Java worker this launcher then finds, by the same hash, and
 * reuses. Needs the reference's virtualenv ({@code conformance/run-reference-suite.sh --prepare}, or
 * {@code $VGI_RPC_PYTHON}); the second test also needs its launcher's {@code filelock} (the
 * reference's {@code [cli]} extra). Skipped without them.
 */
class WorkerLauncherInteropTest {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path python;
  private Path state;
  private WorkerLauncher launcher;
  private final List<Long> workers = new ArrayList<>();

  @BeforeEach
  void needsTheReference() throws IOException {
    Optional<Path> found = ShmTesting.referencePython();
    Assumptions.assumeTrue(found.isPresent(), "no reference virtualenv (conformance/target/venv, or "
        + "$VGI_RPC_PYTHON): run conformance/run-reference-suite.sh --prepare to run this test");
    python = found.get();
    state = dir.resolve("state");
    launcher = WorkerLauncher.builder().stateDir(state).idleTimeout(Duration.ofSeconds(1))
        .workerStderr(dir.resolve("worker.log")).build();
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    for (long pid : workers) {
      if (!LauncherTesting.awaitExit(pid, EXIT_TIMEOUT)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        fail("worker " + pid + " did not idle out");
      }
    }
    if (launcher != null) {
      launcher.collect(100, Optional.empty());
      assertEquals(List.of(), LauncherTesting.files(state), "files left in the state directory");
    }
  }

  @Test
  void thisLauncherStartsAndReusesTheReferenceWorker() throws Exception {
    Path shim = dir.resolve("worker.py");
    Files.writeString(shim, String.join("\n",
        "from vgi_rpc.conformance import ConformanceService, ConformanceServiceImpl",
        "from vgi_rpc.rpc import RpcServer, run_server",
        "run_server(RpcServer(ConformanceService, ConformanceServiceImpl(), enable_describe=True))", ""));
    List<String> command = List.of(python.toString(), shim.toString());
    Path socket = launcher.socketPath(command);
    Object inode;
    try (RpcClient first = RpcClient.connect(launcher.connect(command))) {
      assertEquals("ConformanceService", first.describe().protocol());
      inode = inode(socket);
      List<ProcessHandle> started = pythonChildren(shim);
      assertEquals(1, started.size(), "one reference worker started: " + started);
      workers.add(started.get(0).pid());
      try (RpcClient second = RpcClient.connect(launcher.connect(command))) {
        assertEquals("ConformanceService", second.describe().protocol());
      }
    }
    assertEquals(inode, inode(socket), "the second connect reused the worker's socket");
    assertEquals(1, pythonChildren(shim).size(), "and started no other worker");
    assertTrue(LauncherTesting.awaitExit(workers.get(0), EXIT_TIMEOUT), "the reference worker idles out");
    assertFalse(Files.exists(socket), "and deletes its socket");
  }

  @Test
  void theReferenceLauncherStartsAJavaWorkerThisLauncherReuses() throws Exception {
    Process probe = new ProcessBuilder(python.toString(), "-c", "import vgi_rpc.launcher")
        .redirectErrorStream(true).start();
    String probeOut = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "the reference's launcher needs filelock (its [cli] extra), absent from " + python + ": "
            + probeOut.strip().lines().reduce((a, b) -> b).orElse(""));

    Path starts = dir.resolve("starts");
    List<String> command = Subprocess.javaCommand(WarmWorkerMain.class.getName(), starts.toString());
    List<String> argv = new ArrayList<>(List.of(python.toString(), "-c", String.join("\n",
        "import sys",
        "from vgi_rpc.launcher import LaunchConfig, launch",
        "print(launch(LaunchConfig(worker_argv=tuple(sys.argv[2:]), idle_timeout=1.0, state_dir=sys.argv[1],",
        "                          worker_startup_timeout=60.0)))"), state.toString()));
    argv.addAll(command);
    Process reference = new ProcessBuilder(argv)
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("reference.log").toFile())).start();
    String printed = new String(reference.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(reference.waitFor(90, TimeUnit.SECONDS));
    assertEquals(0, reference.exitValue(), () -> "reference launcher failed: " + log("reference.log"));
    List<Long> started = LauncherTesting.started(starts);
    workers.addAll(started);
    assertEquals(1, started.size(), "the reference launcher started one Java worker");
    assertEquals(launcher.socketPath(command).toString(), printed, "both launchers name the worker alike");

    try (RpcClient client = RpcClient.connect(launcher.connect(command))) {
      assertEquals(started.get(0), client.proxy(Warm.class).pid(), "this launcher reused it");
    }
    assertEquals(started, LauncherTesting.started(starts), "and started no other");
    assertTrue(LauncherTesting.awaitExit(started.get(0), EXIT_TIMEOUT), "the Java worker idles out");
    assertFalse(Files.exists(launcher.socketPath(command)), "and deletes its socket");
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  private static Object inode(Path socket) throws IOException {
    return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  private static List<ProcessHandle> pythonChildren(Path shim) {
    return ProcessHandle.current().children()
        .filter(p -> p.isAlive() && p.info().arguments().map(a -> List.of(a).contains(shim.toString())).orElse(false))
        .toList();
  }
}
