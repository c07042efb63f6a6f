package dev.arrowrpc.reliability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The counts per surface and category, and the table and totals they print as. */
final class Tally {
  private static final int SAMPLES_PER_ROW = 3;

  private final Map<String, Row> rows = new LinkedHashMap<>();

  /** One table row: a surface and a category. */
  static final class Row {
    final Surface surface;
    final String category;
    int cases;
    int typed;
    int accepted;
    int closed;
    int failed;
    final Map<Verdict.Problem, Integer> problems = new EnumMap<>(Verdict.Problem.class);
    final List<String> samples = new ArrayList<>();

    Row(Surface surface, String category) {
      this.surface = surface;
      this.category = category;
    }

    int count(Verdict.Problem problem) {
      return problems.getOrDefault(problem, 0);
    }
  }

  synchronized void add(Surface surface, String category, String label, Verdict verdict) {
    Row row = rows.computeIfAbsent(surface.label() + "/" + category, k -> new Row(surface, category));
    row.cases++;
    switch (verdict.answer()) {
      case TYPED_ERROR -> row.typed++;
      case ACCEPTED -> row.accepted++;
      case CLOSED -> row.closed++;
      default -> { }
    }
    verdict.problems().forEach(p -> row.problems.merge(p, 1, Integer::sum));
    if (!verdict.passed()) {
      row.failed++;
      if (row.samples.size() < SAMPLES_PER_ROW) {
        row.samples.add(label + " -> " + verdict.detail());
      }
    }
  }

  synchronized int cases(Surface surface) {
    return rows.values().stream().filter(r -> r.surface == surface).mapToInt(r -> r.cases).sum();
  }

  synchronized int total(Verdict.Problem problem) {
    return rows.values().stream().mapToInt(r -> r.count(problem)).sum();
  }

  synchronized int cases() {
    return rows.values().stream().mapToInt(r -> r.cases).sum();
  }

  synchronized int failed() {
    return rows.values().stream().mapToInt(r -> r.failed).sum();
  }

  synchronized void print(PrintStream out) {
    String header = String.format("%-6s %-22s %7s %7s %8s %7s", "surface", "category", "cases", "typed", "accepted",
        "closed");
    StringBuilder line = new StringBuilder(header);
    for (Verdict.Problem problem : Verdict.Problem.values()) {
      line.append(String.format(" %9s", problem.column()));
    }
    out.println(line);
    for (Row row : rows.values()) {
      StringBuilder text = new StringBuilder(String.format("%-6s %-22s %7d %7d %8d %7d", row.surface.label(),
          row.category, row.cases, row.typed, row.accepted, row.closed));
      for (Verdict.Problem problem : Verdict.Problem.values()) {
        text.append(String.format(" %9d", row.count(problem)));
      }
      out.println(text);
    }
    for (Row row : rows.values()) {
      for (String sample : row.samples) {
        out.println("  FAILED " + row.surface.label() + "/" + row.category + ": " + sample);
      }
    }
  }
}
