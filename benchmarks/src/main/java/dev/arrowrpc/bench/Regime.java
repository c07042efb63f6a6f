package dev.arrowrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the client and the workers run, which decides the latency regime on a 2-CPU machine:
 * waking a reader blocked on another, idle CPU costs tens of microseconds, switching between two
 * processes on one CPU a few. The client JVM re-pins itself with {@code taskset -a -p}; workers
 * are started under {@code taskset -c}.
 */
public enum Regime {
  /** No pinning: the scheduler's choice (what users get; mixes both regimes with the load). */
  UNPINNED("unpinned", null, null),
  /** Client and workers share CPU 0: no cross-CPU wake-ups; measures CPU cost. */
  SAME_CPU("same CPU (client and worker on CPU 0)", "0", "0"),
  /** Client on CPU 0, workers on CPU 1: every round trip wakes the other CPU. */
  CROSS_CPU("cross CPU (client on CPU 0, worker on CPU 1)", "0", "1");

  private static volatile String workerCpus = System.getProperty("bench.workerCpus", "");

  private final String label;
  private final String clientCpus;
  private final String workerCpuList;

  Regime(String label, String clientCpus, String workerCpuList) {
    this.label = label;
    this.clientCpus = clientCpus;
    this.workerCpuList = workerCpuList;
  }

  /**
   * The regime's name in tables.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * The CPU list workers are pinned to now ({@code taskset -c} syntax), or blank for none.
   *
   * @return the list
   */
  static String workerCpus() {
    return workerCpus;
  }

  /**
   * Whether this machine can pin: two CPUs or more and {@code taskset} present.
   *
   * @return true when the pinned regimes can run
   */
  public static boolean supported() {
    return Runtime.getRuntime().availableProcessors() >= 2 && run(List.of("taskset", "-p", pid())) != null;
  }

  /**
   * Pins this JVM (every thread) and the workers started from now on for this regime; {@link
   * #UNPINNED} restores the given CPU set.
   *
   * @param allCpus the CPU list to restore for {@link #UNPINNED} (as {@code taskset -c} takes it)
   * @throws IOException when {@code taskset} fails
   */
  public void enter(String allCpus) throws IOException {
    String client = clientCpus == null ? allCpus : clientCpus;
    if (run(List.of("taskset", "-a", "-p", "-c", client, pid())) == null) {
      throw new IOException("taskset could not pin this JVM to CPUs " + client);
    }
    workerCpus = workerCpuList == null ? "" : workerCpuList;
  }

  /**
   * The CPUs this JVM may run on now, as {@code taskset -c} lists them.
   *
   * @return the list, such as {@code "0,1"} or {@code "0-1"}
   */
  public static String currentCpus() {
    String out = run(List.of("taskset", "-c", "-p", pid()));
    if (out == null || !out.contains(":")) {
      return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }
    return out.substring(out.lastIndexOf(':') + 1).strip();
  }

  private static String pid() {
    return Long.toString(ProcessHandle.current().pid());
  }

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
