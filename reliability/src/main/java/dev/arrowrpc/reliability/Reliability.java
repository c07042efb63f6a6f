package dev.arrowrpc.reliability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The reliability harness ({@code reliability/run.sh}): hostile input, slow clients and faults
 * against the conformance worker on every surface, seeded and reproducible. Prints a table of
 * surface x category, then {@code total: cases=N hangs=H crashes=C leaks=L} and {@code reliability:
 * N passed, N failed}; exits 1 unless every case passed.
 *
 * <p>Flags: {@code --quick} (the default: at least 1,000 cases per surface) or {@code --full} (at
 * least 10,000), {@code --seed N}, {@code --surfaces pipe,unix,tcp,http}, {@code --root DIR} (the
 * repository, for the worker's launcher), {@code --load-only} (only the load section), {@code --no-load} (skips the load section: TCP and HTTP under
 * 48 clients, its own table after the main one, one case per surface in the totals).
 */
public final class Reliability {
  /** Peak resident memory a case may add above the worker's baseline. */
  static final long MEMORY_BOUND_KB = 256 * 1024;
  /** With RELIABILITY_TRACE=1 every case's label and verdict goes to stderr. */
  static final boolean TRACE = "1".equals(System.getenv("RELIABILITY_TRACE"));

  private Reliability() {}

  /** The run's settings. */
  record Options(boolean full, long seed, List<Surface> surfaces, Path root, Duration answerTimeout, boolean load,
      boolean cases) {
    int perCategory() {
      return full ? 1_300 : 150;
    }

    /** Over stdio every case that breaks the framing costs a worker start. */
    int pipeBrokenPerCategory() {
      return full ? 60 : 8;
    }
  }

  /**
   * Runs the harness.
   *
   * @param args the flags
   */
  public static void main(String[] args) throws IOException {
    Options options = parse(args);
    PrintStream out = System.out;
    out.printf("reliability: %s mode, seed %d, surfaces %s%n", options.full() ? "full" : "quick", options.seed(),
        options.surfaces().stream().map(Surface::label).toList());
    Tally tally = new Tally();
    Path scratch = Files.createTempDirectory("reliability");
    List<CaseSource> sources = new ArrayList<>(Malformed.sources());
    List<Scenario> scenarios = new ArrayList<>();
    sources.addAll(Structured.sources());
    scenarios.add(new Lockstep());
    scenarios.addAll(Faults.scenarios());
    scenarios.addAll(HttpAbuse.scenarios());
    for (Surface surface : options.cases() ? options.surfaces() : List.<Surface>of()) {
      long started = System.nanoTime();
      Random random = new Random(options.seed() ^ surface.ordinal() * 0x9E3779B97F4A7C15L);
      try (Harness harness = Harness.start(surface, options.root(), scratch, options.answerTimeout(),
          MEMORY_BOUND_KB, random)) {
        for (CaseSource source : sources) {
          int count = surface == Surface.PIPE && source.breaksFraming()
              ? options.pipeBrokenPerCategory() : options.perCategory();
          for (Case c : source.cases(random, count)) {
            Verdict verdict = harness.run(c);
            if (TRACE) {
              System.err.printf("case %s/%s %s: %s%n", surface.label(), c.category(), c.label(), verdict.detail());
            }
            tally.add(surface, c.category(), c.label(), verdict);
          }
        }
        for (Scenario scenario : scenarios) {
          if (scenario.surfaces().contains(surface)) {
            scenario.run(harness, options.perCategory(), tally);
          }
        }
        if (harness.worker().escapedLines() > 0) {
          harness.worker().escapedSamples().forEach(line -> System.err.println("  worker stderr: " + line));
        }
      }
      System.err.printf("reliability: %s done, %d cases in %.1f s%n", surface.label(), tally.cases(surface),
          (System.nanoTime() - started) / 1e9);
    }
    tally.print(out);
    if (options.load()) {
      Load.run(options, scratch, tally, out); // the load table; one case per surface joins the totals below
    }
    int failed = tally.failed();
    out.printf("total: cases=%d hangs=%d crashes=%d leaks=%d%n", tally.cases(), tally.total(Verdict.Problem.HANG),
        tally.total(Verdict.Problem.CRASH), tally.total(Verdict.Problem.LEAK));
    out.printf("reliability: %d passed, %d failed%n", tally.cases() - failed, failed);
    out.flush();
    System.exit(failed == 0 ? 0 : 1);
  }

  static Options parse(String[] args) {
    boolean full = false;
    boolean load = true;
    boolean cases = true;
    long seed = 20_261_203L;
    List<Surface> surfaces = List.of(Surface.values());
    Path root = Path.of(System.getProperty("reliability.root", ".")).toAbsolutePath().normalize();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> full = false;
        case "--full" -> full = true;
        case "--no-load" -> load = false;
        case "--load-only" -> cases = false;
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--surfaces" -> surfaces = java.util.Arrays.stream(args[++i].split(",")).map(Surface::of).toList();
        case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (--quick | --full, --seed N, --surfaces pipe,unix,tcp,http, --root DIR, --no-load, --load-only)");
      }
    }
    return new Options(full, seed, surfaces, root, Duration.ofSeconds(10), load, cases);
  }
}
