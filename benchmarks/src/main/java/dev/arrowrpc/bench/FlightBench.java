package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.flight.FlightRpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The Flight targets of issue 15, each measured interleaved with a bare Flight server ({@link
 * RawFlight}) in the same run: the benchmark worker serving {@code FlightRpcServer} and the raw
 * worker are started side by side, and each operation alternates with its raw counterpart.
 *
 * <ul>
 *   <li>{@code noop}: {@code noop()} through the typed proxy over {@code FlightRpc} against the raw
 *       unary round trip ({@link RawFlight.Client#roundTrip()}); target at most 1.5x;
 *   <li>{@code echo}: one 1M-row batch out and back on an open {@code BatchStream} exchange (one
 *       DoExchange for the stream) against the raw DoExchange echo of the same batch on an open
 *       DoExchange; target at least 50% of the raw throughput;
 *   <li>{@code doget}: a DoGet of the {@code rows} producer, 10M rows in 64k-row batches of (int64,
 *       float64, utf8), read by a stock {@code FlightClient.getStream}, against the bare producer
 *       serving the same batches from memory; targets at least 50% of the raw rows/s and a time to
 *       first batch at most 2x the raw one. Rows/s is also compared with the seeds' 1,000,000.
 * </ul>
 *
 * <p>A quick run measures the same three with a small budget and a 1M-row DoGet.
 */
final class FlightBench {
  /** The rows of the full run's DoGet. */
  static final long DOGET_ROWS = 10_000_000;
  /** The rows of the quick run's DoGet. */
  static final long DOGET_ROWS_QUICK = 1_000_000;
  /** Rows per DoGet batch. */
  static final int DOGET_BATCH = 65_536;
  /** The rows of the echo. */
  static final int ECHO_ROWS = 1_000_000;
  /** The seeds' streaming target, rows per second. */
  static final long SEED_ROWS_PER_SECOND = 1_000_000;

  /** The ids of the measurements, in report order. */
  static final String NOOP = "noop";
  static final String ECHO = "echo";
  static final String DOGET = "doget";

  private FlightBench() {}

  /**
   * Rows of the DoGet in a mode.
   *
   * @param quick whether the run is quick
   * @return the row count
   */
  static long dogetRows(boolean quick) {
    return quick ? DOGET_ROWS_QUICK : DOGET_ROWS;
  }

  /**
   * Runs the three measurements and records them in {@code results.flight}.
   *
   * @param results where to record
   * @param quick whether the run is quick
   */
  static void run(Results results, boolean quick) {
    Target target = Targets.bench();
    Launcher.SocketWorker ours;
    Launcher.SocketWorker raw;
    try {
      ours = Launcher.socketWorker(target.command(List.of("--flight", "127.0.0.1:0")), "PORT:");
    } catch (IOException e) {
      fail(results, e);
      return;
    }
    try {
      raw = Launcher.socketWorker(Launcher.benchWorker(List.of("raw", "--flight", "127.0.0.1:0")), "PORT:");
    } catch (IOException e) {
      ours.close();
      fail(results, e);
      return;
    }
    int port = Integer.parseInt(ours.announced());
    BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
    try (RawFlight.Client rawClient = new RawFlight.Client(Integer.parseInt(raw.announced()), raw);
        RpcClient client = FlightRpc.builder(Location.forGrpcInsecure("127.0.0.1", port)).allocator(allocator).build();
        FlightClient stock = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
      BenchService service = client.proxy(BenchService.class);
      results.flight.put(NOOP, measure(() -> {
        Measure.Result[] both = Measure.paired(service::noop, rawClient::roundTrip,
            BenchMain.budget(Workload.Size.LATENCY, quick));
        return new Results.Paired(Outcome.of(both[0]), Outcome.of(both[1]), null);
      }));
      progress(NOOP, results);
      results.flight.put(ECHO, measure(() -> {
        try (VectorSchemaRoot batch = BulkData.create(ECHO_ROWS, allocator);
            VectorSchemaRoot rawBatch = BulkData.create(ECHO_ROWS, allocator);
            BatchStream stream = service.echo_batches()) {
          Measure.Result[] both = Measure.paired(
              () -> check(stream.exchange(batch).getRowCount() == ECHO_ROWS, "echo_batches over Flight"),
              () -> check(rawClient.echo(rawBatch) == ECHO_ROWS, "raw Flight echo"),
              BenchMain.budget(Workload.Size.LARGE, quick));
          return new Results.Paired(Outcome.of(both[0]), Outcome.of(both[1]), null);
        }
      }));
      progress(ECHO, results);
      long rows = dogetRows(quick);
      Ticket ticket = new Ticket(("{\"method\": \"rows\", \"params\": {\"total\": " + rows + ", \"batch\": "
          + DOGET_BATCH + "}}").getBytes(StandardCharsets.UTF_8));
      String rawTicket = RawFlight.rowsTicket(rows, DOGET_BATCH);
      List<Long> oursFirst = new ArrayList<>();
      List<Long> rawFirst = new ArrayList<>();
      results.flight.put(DOGET, measure(() -> {
        Measure.Result[] both = Measure.paired(
            () -> check(RawFlight.readAll(stock, ticket, oursFirst::add) == rows, "DoGet of rows over FlightRpcServer"),
            () -> check(rawClient.doGet(rawTicket, rawFirst::add) == rows, "raw Flight DoGet"),
            BenchMain.budget(Workload.Size.LARGE, quick));
        // the measured runs are the last ones (the warm-up's come first)
        results.flightFirstBatch = new long[] {
            median(oursFirst.subList(oursFirst.size() - both[0].stats().count(), oursFirst.size())),
            median(rawFirst.subList(rawFirst.size() - both[1].stats().count(), rawFirst.size()))};
        return new Results.Paired(Outcome.of(both[0]), Outcome.of(both[1]), null);
      }));
      progress(DOGET, results);
    } catch (Exception e) {
      BenchMain.progress("  Flight run failed: " + e);
      for (String id : List.of(NOOP, ECHO, DOGET)) {
        results.flight.putIfAbsent(id, new Results.Paired(null, null, Outcome.failure(e).problem()));
      }
    } finally {
      ours.close();
      allocator.close();
    }
  }

  @FunctionalInterface
  private interface Measurement {
    Results.Paired run() throws Exception;
  }

  private static Results.Paired measure(Measurement measurement) {
    try {
      return measurement.run();
    } catch (Exception | AssertionError e) {
      return new Results.Paired(null, null, Outcome.failure(e).problem());
    }
  }

  private static void fail(Results results, Exception e) {
    BenchMain.progress("  cannot start the Flight workers: " + e);
    for (String id : List.of(NOOP, ECHO, DOGET)) {
      results.flight.put(id, new Results.Paired(null, null, Outcome.failure(e).problem()));
    }
  }

  private static void progress(String id, Results results) {
    Results.Paired p = results.flight.get(id);
    BenchMain.progress("  " + id + " over Flight: " + (p.problem() == null
        ? Report.duration(p.rpc().median()) + " vs raw " + Report.duration(p.raw().median())
        : p.problem()));
  }

  private static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[(sorted.length - 1) / 2];
  }

  private static void check(boolean ok, String what) throws IOException {
    if (!ok) {
      throw new IOException(what + " returned a wrong answer");
    }
  }
}
