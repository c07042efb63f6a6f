package dev.arrowrpc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares two builds from the reports of runs taken in alternation (A, B, B, A, ...) by {@code
 * benchmarks/compare.sh}: for every workload table and transport both builds measured, the median
 * of each build's per-run medians, the B/A ratio of each round's pair of runs with its median and
 * range, and the allocation per call.
 *
 * <p>It reads the Markdown reports {@link BenchMain} writes (the tables under "arrow-rpc, one table
 * per workload"), so it also reads the reports of a build older than this class.
 *
 * <p>Usage: {@code Compare OUT LABEL_A LABEL_B A_1.md B_1.md [A_2.md B_2.md ...]}: the reports of
 * round i are {@code A_i.md} and {@code B_i.md}.
 */
public final class Compare {
  private static final Pattern DURATION = Pattern.compile("([0-9.]+) (µs|ms|s)");
  private static final Pattern BYTES = Pattern.compile("([0-9.]+) (B|KiB|MiB)");
  private static final Pattern RAW_TIME = Pattern.compile(".*\\(raw ([0-9.]+) (µs|ms|s)\\)");
  private static final Pattern PERCENT = Pattern.compile("([0-9.]+)%");

  private Compare() {}

  /**
   * One cell of a report: a workload's median time and allocation per call over one transport.
   *
   * @param medianNanos the median time of one operation
   * @param bytesPerCall bytes allocated per call, when the table has that column
   * @param overRaw the median over that of the raw-channel operation measured interleaved with it in
   *     the same run (a 1-byte ping-pong, or a copy of the same bytes), when the transport has one:
   *     the time relative to the machine's state during the run
   */
  record Cell(long medianNanos, Optional<Double> bytesPerCall, Optional<Double> overRaw) {}

  /**
   * Writes the comparison.
   *
   * @param args the output file, the two builds' labels, then the reports, A and B of each round
   * @throws IOException when a report cannot be read or the comparison written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 5 || (args.length - 3) % 2 != 0) {
      System.err.println("usage: Compare OUT LABEL_A LABEL_B A_1.md B_1.md [A_2.md B_2.md ...]");
      System.exit(2);
    }
    List<Map<String, Cell>> a = new ArrayList<>();
    List<Map<String, Cell>> b = new ArrayList<>();
    for (int i = 3; i < args.length; i += 2) {
      a.add(parse(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8)));
      b.add(parse(Files.readString(Path.of(args[i + 1]), StandardCharsets.UTF_8)));
    }
    String table = table(args[1], args[2], a, b);
    Files.writeString(Path.of(args[0]), table, StandardCharsets.UTF_8);
    System.out.print(table);
  }

  /**
   * The cells of a report's workload tables, keyed {@code "workload title | transport"}; rows that
   * measured nothing are left out.
   *
   * @param markdown a report written by {@link BenchMain}
   * @return its cells, in the report's order
   */
  static Map<String, Cell> parse(String markdown) {
    Map<String, Cell> cells = new LinkedHashMap<>();
    String title = null;
    boolean inWorkloads = false;
    int allocationColumn = -1;
    int rawColumn = -1;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("## ")) {
        inWorkloads = line.startsWith("## arrow-rpc, one table per workload");
        title = null;
      } else if (inWorkloads && line.startsWith("### ")) {
        title = line.substring(4).strip();
        allocationColumn = -1;
        rawColumn = -1;
      } else if (title != null && line.startsWith("| transport |")) {
        List<String> header = Arrays.asList(cells(line));
        allocationColumn = header.indexOf("allocated per call");
        rawColumn = header.indexOf("vs raw 1-byte ping-pong");
        if (rawColumn < 0) {
          rawColumn = header.indexOf("of raw copy throughput (same bytes)");
        }
      } else if (title != null && line.startsWith("| ") && !line.startsWith("|---")) {
        String[] row = cells(line);
        Matcher median = DURATION.matcher(row.length > 1 ? row[1] : "");
        if (median.matches()) {
          Optional<Double> bytes = Optional.empty();
          if (allocationColumn > 0 && allocationColumn < row.length) {
            Matcher m = BYTES.matcher(row[allocationColumn].split(" \\(")[0]);
            if (m.matches()) {
              bytes = Optional.of(Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                case "KiB" -> 1024.0;
                case "MiB" -> 1024.0 * 1024;
                default -> 1.0;
              });
            }
          }
          long nanos = nanos(median);
          Optional<Double> overRaw = Optional.empty();
          if (rawColumn > 0 && rawColumn < row.length) {
            Matcher raw = RAW_TIME.matcher(row[rawColumn]);
            Matcher percent = PERCENT.matcher(row[rawColumn]);
            if (raw.matches()) {
              overRaw = Optional.of((double) nanos / nanos(raw));
            } else if (percent.matches() && Double.parseDouble(percent.group(1)) > 0) {
              overRaw = Optional.of(100 / Double.parseDouble(percent.group(1)));  // echo time over copy time
            }
          }
          cells.put(title + " | " + row[0], new Cell(nanos, bytes, overRaw));
        }
      }
    }
    return cells;
  }

  private static String[] cells(String row) {
    String inner = row.strip();
    inner = inner.substring(1, inner.length() - 1);
    return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toArray(String[]::new);
  }

  private static long nanos(Matcher duration) {
    double value = Double.parseDouble(duration.group(1));
    return Math.round(value * switch (duration.group(2)) {
      case "µs" -> 1e3;
      case "ms" -> 1e6;
      default -> 1e9;
    });
  }

  /**
   * The comparison table: one row per cell that every run of both builds measured.
   *
   * @param labelA the first build's name
   * @param labelB the second build's name
   * @param a the first build's runs, one per round
   * @param b the second build's runs, in the same rounds
   * @return the Markdown table, with a line on how to read it
   */
  static String table(String labelA, String labelB, List<Map<String, Cell>> a, List<Map<String, Cell>> b) {
    StringBuilder md = new StringBuilder();
    md.append("A = ").append(labelA).append(", B = ").append(labelB).append("; ").append(a.size())
        .append(" rounds, each one run of each build (fresh JVMs, same flags), alternating which goes first. ")
        .append("B/A: each round's B median over its A median; over raw: the same for each median divided by ")
        .append("that of the raw-channel operation measured interleaved with it.\n\n");
    md.append("| workload | transport | A median | B median | B/A (median of rounds) | B/A range "
        + "| B/A over raw | over raw range | A alloc/call | B alloc/call |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String key : a.isEmpty() ? List.<String>of() : a.get(0).keySet()) {
      if (!a.stream().allMatch(run -> run.containsKey(key)) || !b.stream().allMatch(run -> run.containsKey(key))) {
        continue;
      }
      double[] ratios = new double[a.size()];
      double[] overRaw = new double[a.size()];
      boolean raw = true;
      for (int i = 0; i < ratios.length; i++) {
        Cell before = a.get(i).get(key);
        Cell after = b.get(i).get(key);
        ratios[i] = (double) after.medianNanos() / before.medianNanos();
        raw &= before.overRaw().isPresent() && after.overRaw().isPresent();
        overRaw[i] = raw ? after.overRaw().get() / before.overRaw().get() : Double.NaN;
      }
      String[] parts = key.split(" \\| ", 2);
      md.append("| ").append(parts[0]).append(" | ").append(parts[1]).append(" | ")
          .append(Report.duration(median(a, key))).append(" | ").append(Report.duration(median(b, key)))
          .append(" | ").append(summary(ratios));
      md.append(" | ").append(raw ? summary(overRaw) : "— | —");
      md.append(" | ").append(allocation(a, key)).append(" | ").append(allocation(b, key)).append(" |\n");
    }
    return md.toString();
  }

  /** The median of per-round ratios and their range, as two cells. */
  private static String summary(double[] ratios) {
    return ratio(median(ratios)) + " | " + ratio(Arrays.stream(ratios).min().orElseThrow()) + "–"
        + ratio(Arrays.stream(ratios).max().orElseThrow());
  }

  private static long median(List<Map<String, Cell>> runs, String key) {
    return Math.round(median(runs.stream().mapToDouble(run -> run.get(key).medianNanos()).toArray()));
  }

  private static String allocation(List<Map<String, Cell>> runs, String key) {
    double[] bytes = runs.stream().map(run -> run.get(key).bytesPerCall())
        .flatMap(Optional::stream).mapToDouble(Double::doubleValue).toArray();
    return bytes.length == 0 ? "—" : Report.bytes(median(bytes));
  }

  /** The median (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
