package dev.arrowrpc.bench.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark report ({@code benchmarks/results/latest.md}, as {@code dev.arrowrpc.bench.Report}
 * writes it) read back: the run's header lines and every Markdown table, each with the headings it
 * sits under. The report is the machine-readable record of a run, so the charts of any run,
 * committed or new, are drawn from the same file without hand work.
 *
 * @param header the header list items ({@code - Key: value}) before the first section, in order
 * @param tables the tables in order
 * @param prose the text lines (neither headings nor tables) of each {@code ##} section
 */
record ReportFile(Map<String, String> header, List<Table> tables, Map<String, List<String>> prose) {

  /**
   * One Markdown table.
   *
   * @param section the {@code ##} heading above it
   * @param title the {@code ###} heading above it within that section, or empty
   * @param columns the header cells
   * @param rows the body rows, each as long as {@code columns} (padded with empty cells)
   */
  record Table(String section, String title, List<String> columns, List<List<String>> rows) {

    /** The index of the first column whose header satisfies a test, if any. */
    Optional<Integer> column(java.util.function.Predicate<String> test) {
      for (int i = 0; i < columns.size(); i++) {
        if (test.test(columns.get(i))) {
          return Optional.of(i);
        }
      }
      return Optional.empty();
    }
  }

  private static final Pattern HEADER_ITEM = Pattern.compile("- ([^:]+): (.*)");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) (µs|ms|s)");
  private static final Pattern RATIO = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)x\\b.*");
  private static final Pattern PERCENT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)%");
  private static final Pattern RAW = Pattern.compile(".*\\(raw ([0-9]+(?:\\.[0-9]+)? (?:µs|ms|s))\\).*");

  /**
   * Reads a report.
   *
   * @param markdown the report's text
   * @return what it holds
   */
  static ReportFile parse(String markdown) {
    Map<String, String> header = new LinkedHashMap<>();
    List<Table> tables = new ArrayList<>();
    Map<String, List<String>> prose = new LinkedHashMap<>();
    String section = "";
    String title = "";
    List<String> columns = null;
    List<List<String>> rows = null;
    for (String line : markdown.split("\n", -1)) {
      boolean tableLine = line.startsWith("|");
      if (!tableLine && columns != null) {
        tables.add(new Table(section, title, columns, List.copyOf(rows)));
        columns = null;
      }
      if (line.startsWith("## ")) {
        section = line.substring(3).strip();
        title = "";
      } else if (line.startsWith("### ")) {
        title = line.substring(4).strip();
      } else if (tableLine) {
        List<String> cells = cells(line);
        if (columns == null) {
          columns = cells;
          rows = new ArrayList<>();
        } else if (!cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
          List<String> row = new ArrayList<>(cells);
          while (row.size() < columns.size()) {
            row.add("");
          }
          rows.add(List.copyOf(row));
        }
      } else if (section.isEmpty()) {
        Matcher m = HEADER_ITEM.matcher(line.strip());
        if (m.matches()) {
          header.put(m.group(1).strip(), m.group(2).strip());
        }
      } else if (!line.isBlank()) {
        prose.computeIfAbsent(section, s -> new ArrayList<>()).add(line.strip());
      }
    }
    if (columns != null) {
      tables.add(new Table(section, title, columns, List.copyOf(rows)));
    }
    return new ReportFile(Map.copyOf(header), List.copyOf(tables), Map.copyOf(prose));
  }

  private static List<String> cells(String line) {
    String body = line.strip();
    body = body.substring(1, body.endsWith("|") && body.length() > 1 ? body.length() - 1 : body.length());
    List<String> out = new ArrayList<>();
    for (String cell : body.split("\\|", -1)) {
      out.add(cell.strip());
    }
    return out;
  }

  /**
   * A header line's value.
   *
   * @param key the key before the colon, e.g. {@code "Date"}
   * @return the value, if the report has that line
   */
  Optional<String> headerValue(String key) {
    return Optional.ofNullable(header.get(key));
  }

  /**
   * A duration cell as the report formats it ({@code 57.9 µs}, {@code 16.8 ms}, {@code 1.20 s}).
   *
   * @param cell the cell
   * @return nanoseconds, or empty when the cell holds no duration ({@code —}, an error)
   */
  static OptionalDouble nanos(String cell) {
    Matcher m = DURATION.matcher(cell.strip());
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    double value = Double.parseDouble(m.group(1));
    return OptionalDouble.of(value * switch (m.group(2)) {
      case "µs" -> 1e3;
      case "ms" -> 1e6;
      default -> 1e9;
    });
  }

  /**
   * The raw round trip in a "vs raw" cell ({@code 17x (raw 3.5 µs)}).
   *
   * @param cell the cell
   * @return nanoseconds, or empty
   */
  static OptionalDouble rawNanos(String cell) {
    Matcher m = RAW.matcher(cell.strip());
    return m.matches() ? nanos(m.group(1)) : OptionalDouble.empty();
  }

  /**
   * A ratio cell ({@code 7.24x}, {@code 0.98x slower}, {@code 18x}).
   *
   * @param cell the cell
   * @return the ratio, or empty
   */
  static OptionalDouble ratio(String cell) {
    Matcher m = RATIO.matcher(cell.strip());
    return m.matches() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  /**
   * A percentage cell ({@code 15%}).
   *
   * @param cell the cell
   * @return the fraction (0.15), or empty
   */
  static OptionalDouble fraction(String cell) {
    Matcher m = PERCENT.matcher(cell.strip());
    return m.matches() ? OptionalDouble.of(Double.parseDouble(m.group(1)) / 100) : OptionalDouble.empty();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ReportFile[%d header lines, %d tables]", header.size(), tables.size());
  }
}
