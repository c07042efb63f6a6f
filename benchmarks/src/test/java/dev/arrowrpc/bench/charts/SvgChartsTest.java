package dev.arrowrpc.bench.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The charts of a real report (a copy of the full run of 2026-11-22, kept as a fixture so the next
 * run's report can replace the committed one) and of the committed report: valid SVG, one bar per
 * measured value, the committed SVG files in sync with the committed report.
 */
class SvgChartsTest {
  /** The module's directory is the tests' working directory. */
  static final Path RESULTS = Path.of("results");
  static final String SOURCE = "benchmarks/results/latest.md";

  static ReportFile fixture() throws Exception {
    try (var in = SvgChartsTest.class.getResourceAsStream("/charts/report-2026-11-22.md")) {
      return ReportFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static ReportFile committed() throws Exception {
    return ReportFile.parse(Files.readString(RESULTS.resolve("latest.md"), StandardCharsets.UTF_8));
  }

  /** Checks each chart is valid SVG with one bar, one label per value, and names its run. */
  static void assertValid(List<SvgCharts.Chart> charts, ReportFile report) throws Exception {
    for (SvgCharts.Chart chart : charts) {
      Document doc = xml(chart.chart().svg());
      Element root = doc.getDocumentElement();
      assertEquals("svg", root.getLocalName());
      assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
      assertTrue(root.getAttribute("viewBox").matches("0 0 \\d+ \\d+"), root.getAttribute("viewBox"));
      long bars = present(chart.chart());
      assertTrue(bars > 0, chart.name() + ": no bars");
      assertEquals(bars, count(doc, "rect", "bar"), chart.name() + ": bars");
      assertEquals(bars, count(doc, "text", "value"), chart.name() + ": value labels");
      assertEquals(missing(chart.chart()), count(doc, "text", "missing"), chart.name() + ": n/a marks");
      assertEquals(chart.chart().series().size(), count(doc, "rect", "swatch"), chart.name() + ": legend");
      assertTrue(count(doc, "text", "tick") >= 2, chart.name() + ": axis labels");
      String caption = String.join(" ", chart.chart().caption());
      assertTrue(caption.contains("Data: " + SOURCE + ", full run of "
          + SvgCharts.shortDate(report.headerValue("Date").orElseThrow())), chart.name() + ": the caption names the run");
      assertTrue(count(doc, "text", "caption") >= 3, chart.name() + ": caption lines");
    }
  }

  /** Parses SVG text as XML (namespace-aware, no external entities) and returns the document. */
  static Document xml(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** How many elements of a name carry a class. */
  static int count(Document doc, String element, String cls) {
    NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", element);
    int n = 0;
    for (int i = 0; i < nodes.getLength(); i++) {
      if (cls.equals(((Element) nodes.item(i)).getAttribute("class"))) {
        n++;
      }
    }
    return n;
  }

  static long present(BarChart chart) {
    return chart.panels().stream().flatMap(p -> p.groups().stream()).flatMap(g -> g.values().stream())
        .filter(OptionalDouble::isPresent).count();
  }

  static long missing(BarChart chart) {
    return chart.panels().stream().flatMap(p -> p.groups().stream()).flatMap(g -> g.values().stream())
        .filter(OptionalDouble::isEmpty).count();
  }

  @Test
  void aFullRunGivesThreeValidChartsWithOneBarPerMeasurement() throws Exception {
    List<SvgCharts.Chart> charts = SvgCharts.charts(fixture(), SOURCE);
    assertEquals(List.of("latency", "throughput", "peers"), charts.stream().map(SvgCharts.Chart::name).toList());
    assertValid(charts, fixture());
    for (SvgCharts.Chart chart : charts) {
      String caption = String.join(" ", chart.chart().caption());
      assertTrue(caption.contains("Data: benchmarks/results/latest.md, full run of 2026-11-22 04:35 UTC"),
          chart.name() + ": the caption names the run");
      assertTrue(caption.contains("protocol of the peers' release: vgi-rpc 0.42.3"), chart.name() + ": and its era");
      assertTrue(caption.contains("JDK: OpenJDK 64-Bit Server VM 17.0.15"), chart.name() + ": and the JDK");
    }
    // what the report holds
    assertEquals(4 + 5 * 6, present(charts.get(0).chart()), "latency: raw for 4 transports, 6 workloads on 5");
    assertEquals(6 * 4, present(charts.get(1).chart()), "throughput: 6 workloads on 4 transports");
    assertEquals(2 * 8 * 4 - 1, present(charts.get(2).chart()), "peers: 2 peers, 8 methods, 4 transports, 1 error");
  }

  @Test
  void theValuesAreTheReportsCells() throws Exception {
    List<SvgCharts.Chart> charts = SvgCharts.charts(fixture(), SOURCE);
    BarChart latency = charts.get(0).chart();
    assertEquals(List.of("in-process pipe", "subprocess pipe", "unix socket", "tcp loopback", "http"),
        latency.panels().get(0).groups().stream().map(BarChart.Group::label).toList());
    BarChart.Group pipe = latency.panels().get(0).groups().get(1);
    assertEquals(3_500, pipe.values().get(0).getAsDouble(), 1e-6, "raw ping-pong interleaved with noop()");
    assertEquals(60_400, pipe.values().get(1).getAsDouble(), 1e-6, "noop() median");
    assertEquals(3_116_000, pipe.values().get(5).getAsDouble(), 1e-6, "producer median");
    assertTrue(latency.panels().get(0).groups().get(0).values().get(0).isEmpty(), "in-process: no raw");
    assertTrue(latency.scale().log());

    BarChart throughput = charts.get(1).chart();
    assertEquals("1M rows\nBatchStream", throughput.panels().get(0).groups().get(3).label());
    assertEquals(146, throughput.panels().get(0).groups().get(3).values().get(2).getAsDouble(), 1e-9);
    assertTrue(!throughput.scale().log() && throughput.scale().max() >= 146);

    BarChart peers = charts.get(2).chart();
    assertEquals(2, peers.panels().size());
    assertTrue(peers.panels().get(1).title().contains("Go vgi-rpc-go v0.25.0"));
    BarChart.Group noop = peers.panels().get(1).groups().get(0);
    assertEquals("void_noop()", noop.label());
    assertEquals(0.98, noop.values().get(3).getAsDouble(), 1e-9, "Go, http: 0.98x");
    assertEquals(1, peers.scale().base());
  }

  @Test
  void theCommittedSvgFilesAreWhatTheCommittedReportDraws() throws Exception {
    Map<String, String> drawn = new TreeMap<>();
    assertValid(SvgCharts.charts(committed(), SOURCE), committed());
    SvgCharts.charts(committed(), SOURCE).forEach(c -> drawn.put("latest-" + c.name() + ".svg", c.chart().svg()));
    List<String> names = new ArrayList<>(drawn.keySet());
    try (var files = Files.list(RESULTS)) {
      assertEquals(names, files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".svg")).sorted()
          .collect(Collectors.toList()));
    }
    for (String name : names) {
      assertEquals(drawn.get(name), Files.readString(RESULTS.resolve(name), StandardCharsets.UTF_8),
          name + " is stale: run benchmarks/run.sh --charts");
    }
  }

  @Test
  void anEmptyReportDrawsNothingAndFormatsAreStable() {
    assertEquals(List.of(), SvgCharts.charts(ReportFile.parse("# nothing\n"), "x.md"));
    assertEquals("2026-11-22 04:35 UTC", SvgCharts.shortDate("2026-11-22T04:35:53.679017676Z"));
    assertEquals("2026-11-22 04:35 +01:00", SvgCharts.shortDate("2026-11-22T04:35:53.1+01:00"));
    assertEquals("1 µs", SvgCharts.tickDuration(1_000));
    assertEquals("10 ms", SvgCharts.tickDuration(10_000_000));
    assertEquals("57.9 µs", SvgCharts.duration(57_900));
    assertEquals("add_floats(…)", SvgCharts.shortMethod("add_floats(a, b)"));
    assertEquals("exchange_scale\n20 rounds", SvgCharts.shortMethod("exchange_scale, 20 rounds"));
    assertEquals(List.of("echo_bytes", "(64 MiB)"), BarChart.labelLines("echo_bytes(64 MiB)", 15));
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", BarChart.escape("a <b> & \"c\""));
  }

  @Test
  void logAxesEndOnRoundSteps() {
    BarChart.Scale peers = BarChart.Scale.log(0.98, 9.3, 1, v -> "");
    assertEquals(0.5, peers.min(), 1e-12);
    assertEquals(10, peers.max(), 1e-12);
    assertEquals(List.of(0.5, 1.0, 2.0, 5.0, 10.0), peers.ticks());
    BarChart.Scale wide = BarChart.Scale.log(2_900, 8_133_000, Double.NaN, v -> "");
    assertEquals(1e3, wide.min(), 1e-6);
    assertEquals(1e7, wide.max(), 1e-6);
    assertEquals(List.of(1e3, 1e4, 1e5, 1e6, 1e7), wide.ticks());
    assertEquals(0.5, wide.position(Math.sqrt(1e3 * 1e7)), 1e-9);
  }
}
