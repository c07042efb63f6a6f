package dev.arrowrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.bench.charts.SvgCharts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The charts read what {@link Report} writes: a report of made-up measurements, written as a run
 * writes it, is drawn into three charts whose bars carry exactly those measurements.
 */
class ReportChartsTest {

  private static Outcome measured(long medianNanos) {
    return Outcome.of(new Measure.Result(new Stats(100, medianNanos / 2, medianNanos, medianNanos * 2,
        medianNanos * 3, medianNanos), 1000, 2000));
  }

  private static Target target(String name) {
    return new Target() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> command(List<String> modeArgs) {
        return List.of("true");
      }
    };
  }

  private static Workload workload(String id, String title, Workload.Size size, long bytes, boolean peer,
      String peerTitle) {
    Workload.Setup none = c -> Workload.Prepared.of(() -> {});
    return new Workload(id, title, size, bytes, 0, none, peer ? Optional.of(none) : Optional.empty(), peerTitle);
  }

  @Test
  void aReportAsARunWritesItIsDrawnWithItsNumbers(@TempDir Path dir) throws Exception {
    List<Workload> workloads = List.of(
        workload("noop", "noop()", Workload.Size.LATENCY, 0, true, "void_noop()"),
        workload("produce50", "producer stream, 50 batches", Workload.Size.LATENCY, 0, true, "produce_n(50)"),
        workload("echo_stream_1m", "echo 1M rows (int64, float64, utf8) on an open BatchStream exchange",
            Workload.Size.LARGE, 54_000_000, false, ""),
        workload("echo_bytes_1mib", "echo 1 MiB payload (binary)", Workload.Size.MEDIUM, 2 << 20, true,
            "echo_bytes(1 MiB)"));
    List<BenchTransport> transports = List.of(new SubprocessPipeTransport(), new HttpTransport());
    // the Go worker is named but never measured (not installed): it gets no panel
    List<Target> peers = List.of(target("Java (conformance worker)"), target("Python vgi-rpc 9.8.7 (CPython 3.13.0)"),
        target("Go test worker"));
    Results results = new Results();
    results.peerRegime = "same CPU (client and worker on CPU 0)";
    for (String t : List.of("subprocess pipe", "http")) {
      long scale = t.equals("http") ? 10 : 1;
      results.putOurs(t, "noop", measured(12_300 * scale));
      results.putOursRaw(t, "noop", measured(4_100 * scale));
      results.putOurs(t, "produce50", measured(2_500_000 * scale));
      results.putOursRaw(t, "produce50", measured(5_000 * scale));
      results.putOurs(t, "echo_stream_1m", measured(40_000_000));
      results.putOursRaw(t, "echo_stream_1m", measured(20_000_000 * scale));  // 50% and 500% of raw
      results.putOurs(t, "echo_bytes_1mib", measured(1_000_000));
      results.putOursRaw(t, "echo_bytes_1mib", measured(300_000));  // 30%
      for (String w : List.of("noop", "produce50", "echo_bytes_1mib")) {
        results.putPeer("Java (conformance worker)", t, w, measured(10_000));
        results.putPeer("Python vgi-rpc 9.8.7 (CPython 3.13.0)", t, w, measured(t.equals("http") ? 5_000 : 72_400));
      }
    }
    String markdown = new Report(Machine.describe(false), workloads, transports, peers, results).markdown();
    Path report = dir.resolve("run.md");
    Files.writeString(report, markdown, StandardCharsets.UTF_8);

    List<Path> charts = SvgCharts.renderBeside(report);
    assertEquals(List.of("run-latency.svg", "run-throughput.svg", "run-peers.svg"),
        charts.stream().map(p -> p.getFileName().toString()).toList());

    // latency: raw and two workloads on each transport
    assertEquals(List.of("pipe-raw 4.1 µs", "pipe-noop() 12.3 µs", "pipe-producer stream, 50 batches 2500 µs",
            "http-raw 41.0 µs", "http-noop() 123 µs", "http-producer stream, 50 batches 25.0 ms"),
        bars(charts.get(0)).stream().map(ReportChartsTest::latencyKey).toList());
    // throughput: the share of raw, per workload and transport
    assertEquals(List.of("subprocess pipe, 1M rows BatchStream: 50%", "http, 1M rows BatchStream: 500%",
            "subprocess pipe, 1 MiB binary: 30%", "http, 1 MiB binary: 30%"), bars(charts.get(1)));
    // peers: Python's median over Java's
    assertEquals(List.of("subprocess pipe, void_noop(): 7.24x", "http, void_noop(): 0.50x",
            "subprocess pipe, produce_n(50): 7.24x", "http, produce_n(50): 0.50x",
            "subprocess pipe, echo_bytes(1 MiB): 7.24x", "http, echo_bytes(1 MiB): 0.50x"), bars(charts.get(2)));
    assertEquals(List.of("arrow-rpc against Python vgi-rpc 9.8.7 (CPython 3.13.0)"), texts(charts.get(2), "panel-title"));
    String peersSvg = caption(charts.get(2));
    assertTrue(peersSvg.contains("CPU placement: same CPU (client and worker on CPU 0)"), "placement in the caption");
    assertTrue(peersSvg.contains("vgi-rpc 9.8.7"), "peers' release in the caption");

    // the same run without peers: no peer chart, and the previous one is gone
    Files.writeString(report, new Report(Machine.describe(false), workloads, transports, List.of(), results).markdown(),
        StandardCharsets.UTF_8);
    assertEquals(List.of("run-latency.svg", "run-throughput.svg"),
        SvgCharts.renderBeside(report).stream().map(p -> p.getFileName().toString()).toList());
    assertTrue(Files.notExists(dir.resolve("run-peers.svg")), "a stale peer chart stays behind");
  }

  private static String latencyKey(String tooltip) {
    // "raw 1-byte ping-pong (interleaved with noop()), subprocess pipe: 4.1 µs"
    String transport = tooltip.contains("subprocess pipe") ? "pipe" : "http";
    String series = tooltip.startsWith("raw ") ? "raw" : tooltip.substring(0, tooltip.indexOf(", " + (transport.equals("pipe") ? "subprocess pipe" : "http")));
    return transport + "-" + series + " " + tooltip.substring(tooltip.lastIndexOf(": ") + 2);
  }

  /** The caption's lines, joined. */
  private static String caption(Path svg) throws Exception {
    return String.join(" ", texts(svg, "caption"));
  }

  /** The texts of a class, in document order. */
  private static List<String> texts(Path svg, String cls) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    NodeList texts = factory.newDocumentBuilder().parse(svg.toFile())
        .getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      Element text = (Element) texts.item(i);
      if (text.getAttribute("class").equals(cls)) {
        out.add(text.getTextContent());
      }
    }
    return out;
  }

  /** The bars' tooltips, in document order. */
  private static List<String> bars(Path svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc = factory.newDocumentBuilder().parse(svg.toFile());
    NodeList rects = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < rects.getLength(); i++) {
      Element rect = (Element) rects.item(i);
      if (rect.getAttribute("class").equals("bar")) {
        out.add(rect.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent());
      }
    }
    return out;
  }
}
