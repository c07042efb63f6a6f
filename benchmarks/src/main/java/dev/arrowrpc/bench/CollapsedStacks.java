package dev.arrowrpc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a profile in the collapsed-stack form (one line per stack: frames joined by {@code ;},
 * a space, the sample count), as async-profiler writes it with {@code collapsed}: for the stacks that
 * pass through a given frame (a side of {@link SideCost}: {@code SideCost.serverCost} or {@code
 * SideCost.clientCost}), the frames that hold the most samples themselves and the project's frames
 * that hold the most beneath them, each as a share of that side. {@code benchmarks/profile.sh} runs
 * it; see benchmarks/README.md ("Profiling").
 */
public final class CollapsedStacks {
  private final Map<String, Long> self = new HashMap<>();
  private final Map<String, Long> inclusive = new HashMap<>();
  private long total;

  private CollapsedStacks() {}

  /**
   * Reads the stacks that pass through a frame.
   *
   * @param lines the profile's lines
   * @param through a text a frame of the stack must hold (empty: every stack)
   * @return the counts
   */
  static CollapsedStacks of(List<String> lines, String through) {
    CollapsedStacks stacks = new CollapsedStacks();
    for (String line : lines) {
      int space = line.lastIndexOf(' ');
      if (space <= 0) {
        continue;
      }
      long samples;
      try {
        samples = Long.parseLong(line.substring(space + 1).strip());
      } catch (NumberFormatException e) {
        continue; // not a stack line
      }
      String[] frames = line.substring(0, space).split(";");
      if (!through.isEmpty() && java.util.Arrays.stream(frames).noneMatch(frame -> frame.contains(through))) {
        continue;
      }
      stacks.total += samples;
      stacks.self.merge(frames[frames.length - 1], samples, Long::sum);
      Set<String> seen = new HashSet<>();
      for (String frame : frames) {
        if (seen.add(frame)) { // a recursive frame counts once per stack
          stacks.inclusive.merge(frame, samples, Long::sum);
        }
      }
    }
    return stacks;
  }

  /** {@return the samples of the stacks read} */
  long total() {
    return total;
  }

  /** {@return the samples in which a frame is the leaf} */
  long self(String frame) {
    return self.getOrDefault(frame, 0L);
  }

  /** {@return the samples in which a frame appears} */
  long inclusive(String frame) {
    return inclusive.getOrDefault(frame, 0L);
  }

  /**
   * The frames with the most samples, largest first.
   *
   * @param counts self or inclusive counts
   * @param holding a text the frame must hold (empty: any)
   * @param limit how many
   * @return the lines, each a share and the frame
   */
  private List<String> top(Map<String, Long> counts, String holding, int limit) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.removeIf(entry -> !entry.getKey().contains(holding));
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Long> entry : entries.subList(0, Math.min(limit, entries.size()))) {
      lines.add(String.format(Locale.ROOT, "%5.1f%% %s", 100.0 * entry.getValue() / total, entry.getKey()));
    }
    return lines;
  }

  /**
   * Prints the summary.
   *
   * @param args the collapsed-stack file, then the frame the stacks must pass through (optional)
   * @throws IOException when the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: CollapsedStacks FILE [FRAME]");
      System.exit(2);
    }
    String through = args.length > 1 ? args[1] : "";
    CollapsedStacks stacks = of(Files.readAllLines(Path.of(args[0])), through);
    if (stacks.total == 0) {
      System.out.println("no samples" + (through.isEmpty() ? "" : " through " + through));
      return;
    }
    System.out.println((through.isEmpty() ? "all stacks" : "through " + through) + ": " + stacks.total + " samples");
    System.out.println("-- frames by their own samples");
    stacks.top(stacks.self, "", 30).forEach(System.out::println);
    System.out.println("-- the project's frames by the samples beneath them");
    stacks.top(stacks.inclusive, "dev/arrowrpc", 40).forEach(System.out::println);
  }
}
