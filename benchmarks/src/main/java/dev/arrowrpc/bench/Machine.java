package dev.arrowrpc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The machine and the conditions of a run, for the report's header. */
public final class Machine {
  private final boolean quick;
  private final String date;
  private final String loadBefore;
  private String loadAfter = "";
  private long elapsedNanos;

  private Machine(boolean quick) {
    this.quick = quick;
    this.date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    this.loadBefore = loadAverage();
  }

  /**
   * Notes the machine's state at the start of a run.
   *
   * @param quick whether this is a quick run
   * @return the description
   */
  public static Machine describe(boolean quick) {
    return new Machine(quick);
  }

  /**
   * Notes the end of the run.
   *
   * @param elapsed how long it took, in nanoseconds
   */
  public void finish(long elapsed) {
    this.elapsedNanos = elapsed;
    this.loadAfter = loadAverage();
  }

  /**
   * Whether this was a quick run.
   *
   * @return true for {@code --quick}
   */
  public boolean quick() {
    return quick;
  }

  /**
   * The header lines of the report, as Markdown list items.
   *
   * @return the lines
   */
  public List<String> lines() {
    Runtime runtime = Runtime.getRuntime();
    List<String> lines = new java.util.ArrayList<>();
    lines.add("Date: " + date);
    String commit = System.getProperty("bench.commit", "").strip();
    if (!commit.isEmpty()) {
      lines.add("Commit: " + commit);
    }
    lines.addAll(List.of(
        "Mode: " + (quick ? "quick (smoke check: short warm-up, few samples)" : "full"),
        "CPU: " + runtime.availableProcessors() + " cores available to the JVM, " + cpuModel(),
        "Memory: " + memTotal(),
        "OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version")
            + " (" + System.getProperty("os.arch") + ")",
        "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
            + " (" + System.getProperty("java.vendor") + ")",
        "Client JVM flags: `" + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()
            .stream().filter(a -> !a.startsWith("-Dbench.")).toList()) + "`",
        "CPU pinning: " + System.getProperty("bench.pin", "none"),
        "Load average (1, 5, 15 min) at start: " + loadBefore + "; at end: " + loadAfter,
        "Run time: " + String.format("%.0f s", elapsedNanos / 1e9)));
    return List.copyOf(lines);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst().orElse("unknown model");
    } catch (IOException e) {
      return "unknown model";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(l -> String.format("%.1f GiB",
              Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
