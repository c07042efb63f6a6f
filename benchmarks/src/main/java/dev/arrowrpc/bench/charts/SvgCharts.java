package dev.arrowrpc.bench.charts;

import dev.arrowrpc.bench.Report;
import dev.arrowrpc.bench.charts.BarChart.Group;
import dev.arrowrpc.bench.charts.BarChart.Panel;
import dev.arrowrpc.bench.charts.BarChart.Reference;
import dev.arrowrpc.bench.charts.BarChart.Scale;
import dev.arrowrpc.bench.charts.BarChart.Series;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the charts of a benchmark run from its report ({@code benchmarks/results/latest.md}):
 * latency per transport against the raw channel, throughput as a share of the raw channel's
 * copy rate, and the speed-up over the peer implementations. Plain SVG, written by this class,
 * with no dependency; the same report always gives the same files.
 *
 * <p>{@code benchmarks/run.sh} calls it after every run ({@code --charts} alone re-draws the
 * committed report): {@code java -cp benchmarks/target/classes dev.arrowrpc.bench.charts.SvgCharts
 * REPORT.md [OUT_DIR]} writes {@code NAME-latency.svg}, {@code NAME-throughput.svg} and
 * {@code NAME-peers.svg} next to the report (or into {@code OUT_DIR}), {@code NAME} being the
 * report's file name without {@code .md}.
 */
public final class SvgCharts {
  static final String WORKLOAD_SECTION = "arrow-rpc, one table per workload";
  static final String RAW_COLUMN = "vs raw 1-byte ping-pong";
  static final String COPY_COLUMN = "of raw copy throughput (same bytes)";
  static final String PEER_SUFFIX = " ÷ Java";

  /** Plain colours, told apart with colour-blindness too (Okabe and Ito's palette). */
  private static final List<String> PALETTE =
      List.of("#0072B2", "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#F0E442", "#000000");
  private static final String RAW_GREY = "#8c8c8c";
  private static final Map<String, String> TRANSPORT_COLOURS = Map.of(
      "in-process pipe", "#56B4E9",
      "subprocess pipe", "#0072B2",
      "unix socket", "#009E73",
      "tcp loopback", "#E69F00",
      "http", "#CC79A7",
      "flight", "#D55E00");
  private static final Pattern PYTHON = Pattern.compile("Python vgi-rpc ([0-9][^ ]*)");
  private static final Pattern PLACEMENT = Pattern.compile(".*CPU placement: (.*?)\\.?$");

  /** The charts' names, in the order they are drawn. */
  static final List<String> NAMES = List.of("latency", "throughput", "peers");

  private SvgCharts() {}

  /**
   * One chart, ready to write.
   *
   * @param name what it shows: {@code latency}, {@code throughput} or {@code peers}
   * @param chart the chart
   */
  record Chart(String name, BarChart chart) {}

  /**
   * Re-draws the charts of a report.
   *
   * @param args the report file, then optionally the directory to write into
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: SvgCharts REPORT.md [OUT_DIR]");
      System.exit(2);
    }
    Path report = Path.of(args[0]);
    Path dir = args.length > 1 ? Path.of(args[1]) : report.toAbsolutePath().getParent();
    for (Path written : render(report, dir)) {
      System.out.println("chart written to " + written);
    }
  }

  /**
   * Draws the charts of a report into the report's directory.
   *
   * @param report the report file
   * @return the files written
   * @throws IOException when a file cannot be read or written
   */
  public static List<Path> renderBeside(Path report) throws IOException {
    return render(report, report.toAbsolutePath().getParent());
  }

  private static List<Path> render(Path report, Path dir) throws IOException {
    String name = report.getFileName().toString().replaceFirst("\\.md$", "");
    ReportFile parsed = ReportFile.parse(Files.readString(report, StandardCharsets.UTF_8));
    List<Path> written = new ArrayList<>();
    Files.createDirectories(dir);
    Set<String> stale = new LinkedHashSet<>(NAMES);
    for (Chart chart : charts(parsed, displayName(report))) {
      Path file = dir.resolve(name + "-" + chart.name() + ".svg");
      Files.writeString(file, chart.chart().svg(), StandardCharsets.UTF_8);
      written.add(file);
      stale.remove(chart.name());
    }
    // a chart this report has no data for (a run without peers) must not keep an older run's
    for (String missing : stale) {
      Files.deleteIfExists(dir.resolve(name + "-" + missing + ".svg"));
    }
    return written;
  }

  /** The report's path as the captions name it: relative to the working directory when inside it. */
  private static String displayName(Path report) {
    Path absolute = report.toAbsolutePath().normalize();
    Path here = Path.of("").toAbsolutePath().normalize();
    return (absolute.startsWith(here) ? here.relativize(absolute) : absolute.getFileName()).toString().replace('\\', '/');
  }

  /**
   * The charts a report has data for.
   *
   * @param report the report
   * @param source how the captions name the report
   * @return the charts, in the order latency, throughput, peers (each only when it has data)
   */
  static List<Chart> charts(ReportFile report, String source) {
    List<Chart> out = new ArrayList<>();
    latency(report, source).ifPresent(c -> out.add(new Chart("latency", c)));
    throughput(report, source).ifPresent(c -> out.add(new Chart("throughput", c)));
    peers(report, source).ifPresent(c -> out.add(new Chart("peers", c)));
    return out;
  }

  // ------------------------------------------------------------------ latency

  static Optional<BarChart> latency(ReportFile report, String source) {
    List<ReportFile.Table> tables = report.tables().stream()
        .filter(t -> t.section().equals(WORKLOAD_SECTION) && t.column(RAW_COLUMN::equals).isPresent())
        .toList();
    if (tables.isEmpty()) {
      return Optional.empty();
    }
    ReportFile.Table rawSource = tables.stream().filter(t -> t.title().startsWith("noop")).findFirst().orElse(tables.get(0));
    Set<String> transports = new LinkedHashSet<>();
    tables.forEach(t -> t.rows().forEach(r -> transports.add(r.get(0))));
    List<Series> series = new ArrayList<>();
    series.add(new Series("raw 1-byte ping-pong (interleaved with " + rawSource.title() + ")", RAW_GREY));
    for (int i = 0; i < tables.size(); i++) {
      series.add(new Series(tables.get(i).title(), PALETTE.get(i % PALETTE.size())));
    }
    List<Group> groups = new ArrayList<>();
    for (String transport : transports) {
      List<OptionalDouble> values = new ArrayList<>();
      values.add(cell(rawSource, transport, RAW_COLUMN).map(ReportFile::rawNanos).orElse(OptionalDouble.empty()));
      for (ReportFile.Table table : tables) {
        values.add(cell(table, transport, "median").map(ReportFile::nanos).orElse(OptionalDouble.empty()));
      }
      if (values.stream().anyMatch(OptionalDouble::isPresent)) {
        groups.add(new Group(transport, values));
      }
    }
    double[] all = values(List.of(new Panel("", groups)));
    if (all.length == 0) {
      return Optional.empty();
    }
    Scale scale = Scale.log(min(all), max(all), Double.NaN, SvgCharts::tickDuration);
    List<String> caption = new ArrayList<>();
    caption.add("Median wall time of one call over each transport (the stream workloads: the whole stream, "
        + "opened, run and closed), measured on the client after warm-up; CPU placement as run ("
        + report.headerValue("CPU pinning").orElse("not recorded") + "). Grey: the raw channel's 1-byte "
        + "ping-pong between two processes over the same kind of channel (HTTP: a bare Undertow handler called "
        + "by OkHttp), measured interleaved with " + rawSource.title() + ". The in-process pipe has no raw "
        + "counterpart. Log scale."
        + (report.headerValue("CPU pinning").orElse("none").startsWith("none")
            ? " Unpinned, a call often pays a wake-up of another, idle CPU (25-50 µs on 2 vCPUs); the "
                + "report's \"Targets\" section shows each CPU placement separately." : ""));
    caption.add(dataLine(report, source));
    return Optional.of(new BarChart("arrow-rpc latency per transport, against the raw channel",
        "median time per call (log scale)", scale, series, List.of(new Panel("", groups)), List.of(),
        SvgCharts::duration, caption));
  }

  // ------------------------------------------------------------------ throughput

  static Optional<BarChart> throughput(ReportFile report, String source) {
    List<ReportFile.Table> tables = report.tables().stream()
        .filter(t -> t.section().equals(WORKLOAD_SECTION) && t.column(COPY_COLUMN::equals).isPresent())
        .toList();
    Set<String> transports = new LinkedHashSet<>();
    for (ReportFile.Table table : tables) {
      for (List<String> row : table.rows()) {
        if (cell(table, row.get(0), COPY_COLUMN).map(ReportFile::fraction).orElse(OptionalDouble.empty()).isPresent()) {
          transports.add(row.get(0));
        }
      }
    }
    if (transports.isEmpty()) {
      return Optional.empty();
    }
    List<Series> series = transports.stream().map(t -> new Series(t, transportColour(t))).toList();
    List<Group> groups = new ArrayList<>();
    for (ReportFile.Table table : tables) {
      List<OptionalDouble> values = new ArrayList<>();
      for (String transport : transports) {
        OptionalDouble f = cell(table, transport, COPY_COLUMN).map(ReportFile::fraction).orElse(OptionalDouble.empty());
        values.add(f.isPresent() ? OptionalDouble.of(f.getAsDouble() * 100) : OptionalDouble.empty());
      }
      groups.add(new Group(shortWorkload(table.title()), values));
    }
    List<Panel> panels = List.of(new Panel("", groups));
    double top = Math.max(100, max(values(panels)));
    Scale scale = Scale.linear(top * 1.02, top > 200 ? 50 : 25, v -> String.format(Locale.ROOT, "%.0f%%", v));
    List<String> caption = new ArrayList<>();
    caption.add("Each echo's throughput as a share of a raw copy of the same bytes over the same kind of "
        + "channel (64 KiB writes between two processes, measured interleaved with the echo): 100% means "
        + "the RPC layer costs nothing; above 100%, the echo beat the plain copy. Rows: int64, float64 and "
        + "utf8 columns; payloads: one binary value. CPU placement as run ("
        + report.headerValue("CPU pinning").orElse("not recorded") + "). The dashed line is issue 6's target "
        + "for the 1M-row echo.");
    caption.add(dataLine(report, source));
    return Optional.of(new BarChart("arrow-rpc throughput against the raw channel's copy",
        "share of the raw channel's copy throughput", scale, series, panels,
        List.of(new Reference(100, "raw copy", false), new Reference(50, "target: 50%", true)),
        v -> String.format(Locale.ROOT, "%.0f%%", v), caption));
  }

  static String shortWorkload(String title) {
    Matcher rows = Pattern.compile("echo (\\S+) rows .*(unary|stream|exchange).*").matcher(title);
    if (rows.matches()) {
      return rows.group(1) + " rows\n" + (title.contains("unary") ? "unary root" : "BatchStream");
    }
    Matcher payload = Pattern.compile("echo (.+) payload(?: \\((.*)\\))?").matcher(title);
    if (payload.matches()) {
      return payload.group(1) + "\n" + (payload.group(2) == null ? "payload" : payload.group(2));
    }
    return title;
  }

  // ------------------------------------------------------------------ peers

  static Optional<BarChart> peers(ReportFile report, String source) {
    List<ReportFile.Table> tables = report.tables().stream()
        .filter(t -> t.section().startsWith("Peers") && t.column(c -> c.endsWith(PEER_SUFFIX)).isPresent())
        .toList();
    if (tables.isEmpty()) {
      return Optional.empty();
    }
    List<String> peers = tables.get(0).columns().stream().filter(c -> c.endsWith(PEER_SUFFIX))
        .map(c -> c.substring(0, c.length() - PEER_SUFFIX.length())).toList();
    String java = tables.get(0).columns().size() > 1 ? tables.get(0).columns().get(1).replaceFirst(" median$", "") : "Java";
    Set<String> transports = new LinkedHashSet<>();
    for (ReportFile.Table table : tables) {
      for (List<String> row : table.rows()) {
        for (String peer : peers) {
          if (ratio(table, row.get(0), peer).isPresent()) {
            transports.add(row.get(0));
          }
        }
      }
    }
    if (transports.isEmpty()) {
      return Optional.empty();
    }
    List<Series> series = transports.stream().map(t -> new Series(t, transportColour(t))).toList();
    List<Panel> panels = new ArrayList<>();
    for (String peer : peers) {
      List<Group> groups = new ArrayList<>();
      for (ReportFile.Table table : tables) {
        groups.add(new Group(shortMethod(table.title()), transports.stream().map(t -> ratio(table, t, peer)).toList()));
      }
      // a peer that was not measured at all (not installed) gets no panel
      if (groups.stream().anyMatch(g -> g.values().stream().anyMatch(OptionalDouble::isPresent))) {
        panels.add(new Panel("arrow-rpc against " + peer, groups));
      }
    }
    double[] all = values(panels);
    Scale scale = Scale.log(Math.min(1, min(all)), Math.max(1, max(all)), 1,
        v -> String.format(Locale.ROOT, "%sx", trim(v)));
    String placement = report.prose().getOrDefault(report.tables().stream()
            .filter(t -> t.section().startsWith("Peers")).findFirst().map(ReportFile.Table::section).orElse(""), List.of())
        .stream().map(PLACEMENT::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
        .orElse("as run");
    List<String> caption = new ArrayList<>();
    caption.add("Speed-up = the peer worker's median time ÷ that of arrow-rpc's " + java + ", on the same "
        + "conformance methods, driven by one Java client; above 1x arrow-rpc is faster, below it slower. "
        + "All workers ran in the same phase, calls interleaved, CPU placement: " + placement + ". "
        + "Throughput workloads (echo_bytes) compare MB/s the same way. n/a: not measured (see the report). "
        + "Log scale.");
    caption.add(dataLine(report, source));
    return Optional.of(new BarChart("arrow-rpc against the reference workers: speed-up per workload and transport",
        "speed-up: peer's time ÷ arrow-rpc's\n(log scale; above 1x arrow-rpc is faster)", scale, series, panels,
        List.of(new Reference(1, "same speed", false)), SvgCharts::factor, caption));
  }

  private static OptionalDouble ratio(ReportFile.Table table, String transport, String peer) {
    return cell(table, transport, peer + PEER_SUFFIX).map(ReportFile::ratio).orElse(OptionalDouble.empty());
  }

  static String shortMethod(String title) {
    String shortened = title.replaceAll("\\(([^()]*,[^()]*)\\)", "(…)");
    return shortened.replace(", ", "\n");
  }

  // ------------------------------------------------------------------ shared

  /** Where the data come from: the report, the run's date, commit and machine, the peers' versions. */
  static String dataLine(ReportFile report, String source) {
    StringBuilder line = new StringBuilder("Data: ").append(source).append(", ")
        .append(report.headerValue("Mode").map(m -> m.split(" ")[0]).orElse("")).append(" run of ")
        .append(report.headerValue("Date").map(SvgCharts::shortDate).orElse("an unrecorded date"));
    report.headerValue("Commit").ifPresent(c -> line.append(", commit ").append(c));
    report.headerValue("CPU").ifPresent(c -> line.append("; CPU: ").append(c));
    report.headerValue("JDK").ifPresent(j -> line.append("; JDK: ").append(j));
    report.headerValue("OS").ifPresent(o -> line.append("; OS: ").append(o));
    peerNames(report).stream().filter(p -> PYTHON.matcher(p).find()).findFirst().ifPresent(p -> {
      Matcher m = PYTHON.matcher(p);
      m.find();
      line.append("; protocol of the peers' release: vgi-rpc ").append(m.group(1));
    });
    return line.append('.').toString();
  }

  private static List<String> peerNames(ReportFile report) {
    return report.tables().stream().filter(t -> t.section().startsWith("Peers")).findFirst()
        .map(t -> t.columns().stream().filter(c -> c.endsWith(PEER_SUFFIX))
            .map(c -> c.substring(0, c.length() - PEER_SUFFIX.length())).toList())
        .orElse(List.of());
  }

  static String shortDate(String iso) {
    Matcher m = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d)T(\\d\\d:\\d\\d)[^Z+-]*(Z|[+-]\\d\\d:?\\d\\d)?.*").matcher(iso);
    if (!m.matches()) {
      return iso;
    }
    String zone = m.group(3) == null ? "" : "Z".equals(m.group(3)) ? " UTC" : " " + m.group(3);
    return m.group(1) + " " + m.group(2) + zone;
  }

  private static Optional<String> cell(ReportFile.Table table, String transport, String column) {
    Optional<Integer> index = table.column(column::equals);
    if (index.isEmpty()) {
      return Optional.empty();
    }
    return table.rows().stream().filter(r -> r.get(0).equals(transport)).findFirst().map(r -> r.get(index.get()));
  }

  private static String transportColour(String transport) {
    return TRANSPORT_COLOURS.getOrDefault(transport, PALETTE.get(Math.floorMod(transport.hashCode(), PALETTE.size())));
  }

  private static double[] values(List<Panel> panels) {
    return panels.stream().flatMap(p -> p.groups().stream()).flatMap(g -> g.values().stream())
        .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).toArray();
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).min().orElse(1);
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(1);
  }

  /** A duration label as the report writes it. */
  static String duration(double nanos) {
    return Report.duration(Math.round(nanos));
  }

  static String tickDuration(double nanos) {
    if (nanos < 1e3) {
      return trim(nanos) + " ns";
    }
    if (nanos < 1e6) {
      return trim(nanos / 1e3) + " µs";
    }
    if (nanos < 1e9) {
      return trim(nanos / 1e6) + " ms";
    }
    return trim(nanos / 1e9) + " s";
  }

  static String factor(double ratio) {
    return String.format(Locale.ROOT, ratio >= 10 ? "%.1fx" : "%.2fx", ratio);
  }

  private static String trim(double value) {
    return java.math.BigDecimal.valueOf(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
