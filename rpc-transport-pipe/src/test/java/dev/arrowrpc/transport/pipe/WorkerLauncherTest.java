package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm workers shared through {@link WorkerLauncher}: by client processes and threads, started once,
 * idling out, replaced when killed. Every test ends with every worker it started gone and the state
 * directory empty once cleaned.
 */
class WorkerLauncherTest {
  private static final Duration IDLE = Duration.ofMillis(1500);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path state;
  private Path starts;
  private List<String> command;
  private WorkerLauncher launcher;

  @BeforeEach
  void setUp() throws IOException {
    state = dir.resolve("state");
    starts = dir.resolve("starts");
    command = Subprocess.javaCommand(WarmWorkerMain.class.getName(), starts.toString());
    launcher = WorkerLauncher.builder().stateDir(state).idleTimeout(IDLE)
        .workerStderr(dir.resolve("worker.log")).build();
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    for (long pid : LauncherTesting.started(starts)) {
      if (!LauncherTesting.awaitExit(pid, EXIT_TIMEOUT)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        fail("worker " + pid + " did not idle out");
      }
    }
    assertFalse(Files.exists(launcher.socketPath(command)), "an idle worker deletes its socket");
    launcher.collect(100, Optional.empty());
    assertEquals(List.of(), LauncherTesting.files(state), "files left in the state directory");
  }

  private long pidThrough(WorkerLauncher through) throws IOException {
    try (RpcClient client = RpcClient.connect(through.connect(command))) {
      return client.proxy(Warm.class).pid();
    }
  }

  /** Runs {@link WarmClientMain} in a JVM of its own and returns the worker pid it reached. */
  private Process startClientProcess() throws IOException {
    List<String> args = new ArrayList<>(List.of(state.toString(), Long.toString(IDLE.toMillis())));
    args.addAll(command);
    return new ProcessBuilder(Subprocess.javaCommand(WarmClientMain.class.getName(), args.toArray(String[]::new)))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("client.log").toFile())).start();
  }

  private long awaitClient(Process client) throws Exception {
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the client process ends");
    assertEquals(0, client.exitValue(), () -> "client failed: " + out + " / " + log("client.log"));
    String[] words = out.split(" ");
    assertTrue(words.length == 6 && words[0].equals("pid") && words[2].equals("ms") && words[4].equals("connect"), out);
    System.err.println("client process: worker " + words[1] + ", launcher to first answer " + words[3]
        + " ms, of which connect " + words[5] + " ms");
    return Long.parseLong(words[1]);
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  @Test
  void twoClientProcessesShareOneWorkerThatOutlivesThem() throws Exception {
    long first = awaitClient(startClientProcess());
    long second = awaitClient(startClientProcess());
    assertEquals(first, second, "the second client process reused the first one's worker");
    assertNotEquals(ProcessHandle.current().pid(), first);
    // the worker outlived the client process that started it, and this JVM reaches it too
    assertEquals(first, pidThrough(launcher));
    assertEquals(List.of(first), LauncherTesting.started(starts), "one worker started");
  }

  @Test
  void aWorkerStaysUpWhileAClientIsConnectedThenIdlesOutAndDeletesItsSocket() throws Exception {
    Path socket = launcher.socketPath(command);
    long pid;
    try (RpcClient client = RpcClient.connect(launcher.connect(command))) {
      Warm warm = client.proxy(Warm.class);
      pid = warm.pid();
      assertTrue(WarmWorker.isSocket(socket));
      Thread.sleep(IDLE.toMillis() * 2);
      assertEquals("still here", warm.echo("still here"), "a connected client keeps its worker up");
    }
    assertTrue(LauncherTesting.awaitExit(pid, EXIT_TIMEOUT), "the worker idles out");
    assertFalse(Files.exists(socket), "and deletes its socket");
    String hash = socket.getFileName().toString().replace(".sock", "");
    assertEquals(List.of(state.resolve(hash + ".lock"), state.resolve(hash + ".meta")), LauncherTesting.files(state));
    assertEquals(List.of(hash), launcher.collect(100, Optional.empty()), "the dead worker's entry is cleaned");
  }

  @Test
  void aKilledWorkersStaleSocketIsReplacedByANewWorker() throws Exception {
    long first = pidThrough(launcher);
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    assertTrue(LauncherTesting.awaitExit(first, EXIT_TIMEOUT));
    Path socket = launcher.socketPath(command);
    assertTrue(WarmWorker.isSocket(socket), "a killed worker leaves its socket behind");
    assertFalse(WorkerLauncher.probe(socket), "with nothing listening");

    long second = pidThrough(launcher);
    assertNotEquals(first, second);
    assertEquals(List.of(first, second), LauncherTesting.started(starts));
    assertEquals(second, pidThrough(launcher), "the new worker is reused");
  }

  @Test
  void concurrentFirstConnectsFromThreadsAndProcessesStartOneWorker() throws Exception {
    List<Process> processes = List.of(startClientProcess(), startClientProcess());
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Long>> pids = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        // each thread its own launcher, as separate programs in one JVM would have
        WorkerLauncher own = WorkerLauncher.builder().stateDir(state).idleTimeout(IDLE).build();
        pids.add(pool.submit(() -> {
          go.await();
          return pidThrough(own);
        }));
      }
      go.countDown();
      List<Long> seen = new ArrayList<>();
      for (Future<Long> pid : pids) {
        seen.add(pid.get(120, TimeUnit.SECONDS));
      }
      for (Process process : processes) {
        seen.add(awaitClient(process));
      }
      List<Long> started = LauncherTesting.started(starts);
      assertEquals(1, started.size(), "one worker started: " + started);
      assertEquals(List.of(started.get(0)), seen.stream().distinct().toList(), "every client reached it");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theWarmPathIsAConnectAndTheFirstCall() throws Exception {
    long pid = pidThrough(launcher); // warm the worker
    int rounds = 30;
    long[] nanos = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      try (RpcClient client = RpcClient.connect(launcher.connect(command))) {
        assertEquals("warm " + i, client.proxy(Warm.class).echo("warm " + i));
        nanos[i] = System.nanoTime() - start;
      }
    }
    long first = nanos[0];
    Arrays.sort(nanos);
    System.err.printf("launcher warm path (connect + first call): first %.2f ms, median %.2f ms, min %.2f ms%n",
        first / 1e6, nanos[rounds / 2] / 1e6, nanos[0] / 1e6);
    assertEquals(List.of(pid), LauncherTesting.started(starts), "every round reused the worker");
  }

  @Test
  void aFileInTheWayOfTheSocketIsNeverReplaced() throws Exception {
    Path socket = launcher.socketPath(command);
    Files.writeString(socket, "user data");
    IOException error = assertThrows(IOException.class, () -> launcher.connect(command));
    assertTrue(error.getMessage().contains("refusing to replace pre-existing non-socket path: " + socket),
        error.getMessage());
    assertEquals("user data", Files.readString(socket));
    assertEquals(List.of(), LauncherTesting.started(starts), "no worker started");
    Files.delete(socket);
    Files.delete(state.resolve(socket.getFileName().toString().replace(".sock", ".lock")));
  }

  @Test
  void aWorkerThatExitsBeforeItIsReadyIsReportedWithItsStatus() throws IOException {
    List<String> failing = List.of("sh", "-c", "echo starting; echo broken >&2; exit 3", "sh");
    IOException error = assertThrows(IOException.class, () -> launcher.connect(failing));
    assertTrue(error.getMessage().contains("exited before it was ready (exit status 3)"), error.getMessage());
    assertTrue(error.getMessage().contains(dir.resolve("worker.log").toString()), error.getMessage());
    assertTrue(log("worker.log").contains("broken"), "the worker's stderr went to the log");
  }

  @Test
  void aWorkerAnnouncingAnotherPathIsStopped() throws Exception {
    List<String> wrong = List.of("sh", "-c", "echo UNIX:/elsewhere.sock; exec sleep 60", "sh");
    IOException error = assertThrows(IOException.class, () -> launcher.launch(wrong));
    assertTrue(error.getMessage().contains("bound to an unexpected path: 'UNIX:/elsewhere.sock'"),
        error.getMessage());
    assertNoChildLeft("sleep");
  }

  @Test
  void aWorkerSilentPastTheStartupTimeoutIsStopped() throws Exception {
    WorkerLauncher impatient = WorkerLauncher.builder().stateDir(state).startupTimeout(Duration.ofMillis(300)).build();
    List<String> silent = List.of("sh", "-c", "exec sleep 60", "sh");
    IOException error = assertThrows(IOException.class, () -> impatient.launch(silent));
    assertTrue(error.getMessage().contains("did not print UNIX:" + impatient.socketPath(silent) + " within 300 ms"),
        error.getMessage());
    assertNoChildLeft("sleep");
  }

  @Test
  void anEmptyCommandIsRefused() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> launcher.connect(List.of()));
    assertEquals("the worker command is empty", error.getMessage());
  }

  @Test
  void aSocketPathTooLongForTheKernelIsRefused() throws IOException {
    Path deep = dir.resolve("d".repeat(100));
    WorkerLauncher far = WorkerLauncher.builder().stateDir(deep).build();
    IOException error = assertThrows(IOException.class, () -> far.launch(command));
    assertTrue(error.getMessage().contains("is longer than 107 bytes"), error.getMessage());
  }

  private static void assertNoChildLeft(String program) throws InterruptedException {
    long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
    while (ProcessHandle.current().children()
        .anyMatch(p -> p.isAlive() && p.info().command().map(c -> c.endsWith(program)).orElse(false))) {
      if (System.nanoTime() > deadline) {
        fail("a " + program + " child is still running");
      }
      Thread.sleep(20);
    }
  }
}
