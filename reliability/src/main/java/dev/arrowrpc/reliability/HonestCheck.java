package dev.arrowrpc.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * Sends the honest variants of the structured cases ({@link Structured#honest()}) to a worker and
 * prints each answer: every one must be ACCEPTED, or the hostile variants prove nothing. Run as
 * {@code java -cp reliability/target/reliability.jar dev.arrowrpc.reliability.HonestCheck [surface]}
 * from the repository root (exit 1 if any is not accepted). With a category and a count after the
 * surface it runs that category alone on a fresh worker instead and prints every case's verdict
 * and time (for looking into a failing row).
 */
final class HonestCheck {
  private HonestCheck() {}

  public static void main(String[] args) throws Exception {
    Surface surface = Surface.of(args.length > 0 ? args[0] : "tcp");
    Path root = Path.of(System.getProperty("reliability.root", ".")).toAbsolutePath().normalize();
    if (args.length > 2) {
      category(surface, root, args[1], Integer.parseInt(args[2]), args.length > 3 ? Long.parseLong(args[3]) : 1);
      return;
    }
    int bad = 0;
    try (Harness harness = Harness.start(surface, root, Files.createTempDirectory("honest"), Duration.ofSeconds(10),
        Reliability.MEMORY_BOUND_KB, new Random(1))) {
      for (Structured.Honest honest : Structured.honest()) {
        Case c = new Case("honest", honest.label(), honest.method(), honest.bytes(), Case.Framing.INTACT,
            Case.Expect.ERROR_OR_ACCEPTED);
        Verdict verdict = harness.run(c);
        boolean ok = verdict.passed() && verdict.answer() == Answer.Kind.ACCEPTED;
        bad += ok ? 0 : 1;
        System.out.printf("%-4s %-28s %s%n", ok ? "ok" : "BAD", honest.label(), verdict.detail());
      }
    }
    System.exit(bad == 0 ? 0 : 1);
  }

  private static void category(Surface surface, Path root, String category, int count, long seed) throws Exception {
    if (category.equals(Lockstep.CATEGORY)) {
      Tally tally = new Tally();
      try (Harness harness = Harness.start(surface, root, Files.createTempDirectory("honest"), Duration.ofSeconds(10),
          Reliability.MEMORY_BOUND_KB, new Random(seed))) {
        new Lockstep().run(harness, count, tally);
        harness.worker().escapedSamples().forEach(line -> System.out.println("  worker stderr: " + line));
      }
      tally.print(System.out);
      return;
    }
    java.util.List<CaseSource> all = new java.util.ArrayList<>(Malformed.sources());
    all.addAll(Structured.sources());
    CaseSource source = all.stream().filter(s -> s.category().equals(category)).findFirst().orElseThrow();
    int failed = 0;
    try (Harness harness = Harness.start(surface, root, Files.createTempDirectory("honest"), Duration.ofSeconds(10),
        Reliability.MEMORY_BOUND_KB, new Random(seed))) {
      for (Case c : source.cases(new Random(seed), count)) {
        long started = System.nanoTime();
        Verdict verdict = harness.run(c);
        failed += verdict.passed() ? 0 : 1;
        System.out.printf("%-4s %5d ms %5d MiB %s %s -> %s%n", verdict.passed() ? "ok" : "FAIL",
            (System.nanoTime() - started) / 1_000_000, harness.worker().rssKb() / 1024, verdict.problems(), cut(c.label(), 120),
            cut(verdict.detail(), 400));
      }
      harness.worker().escapedSamples().forEach(line -> System.out.println("  worker stderr: " + line));
    }
    System.out.printf("%s: %d of %d failed%n", category, failed, count);
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
