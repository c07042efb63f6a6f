package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.flight.FlightRpc;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Checks arrow-rpc's Flight server behind a gRPC load balancer (issue 15; {@code
 * conformance/run-flight-behind-nginx.sh} sets the topology up: two {@link FlightInteropServer}
 * processes behind nginx's {@code grpc_pass}, round-robin). The typed Java client ({@link FlightRpc},
 * every call one DoExchange, so one gRPC stream that lands whole on one upstream) and a stock {@link
 * FlightClient} (DoGet with a JSON ticket, DoAction with a JSON body) call through the balancer; the
 * balancer's access log tells which upstream served each call. Then one upstream is SIGKILLed between
 * calls and every later call must still succeed with exact results.
 *
 * <pre>
 * FlightBalancerCheck --url grpc://127.0.0.1:FRONT --access-log PATH --upstream PID@HOST:PORT --upstream ...
 * </pre>
 *
 * <p>The access log has one line per gRPC call, fields separated by {@code |}: {@code $msec}, method,
 * URI, HTTP status, {@code grpc-status} trailer, {@code $upstream_addr}, {@code $upstream_status}.
 * Prints one line per check ({@code PASS name: detail} or {@code FAIL name: detail}); exit status 0
 * when every check passed, 1 when one failed, 2 on a bad command line.
 */
public final class FlightBalancerCheck {
  private static final String PROTOCOL = "ConformanceService";
  private static final long WAIT_MILLIS = 10_000;

  private final Location front;
  private final Location recycling;
  private final AccessLog log;
  private final List<Upstream> upstreams;
  private final PrintStream out;
  private int failures;

  private FlightBalancerCheck(Location front, Location recycling, AccessLog log, List<Upstream> upstreams,
      PrintStream out) {
    this.front = front;
    this.recycling = recycling;
    this.log = log;
    this.upstreams = upstreams;
    this.out = out;
  }

  /**
   * Runs the checks.
   *
   * @param args the command line (see the class comment)
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // stdout carries only the check lines
    FlightBalancerCheck check;
    try {
      check = parse(List.of(args), out);
    } catch (IllegalArgumentException e) {
      System.err.println("FlightBalancerCheck: " + e.getMessage());
      System.err.println("usage: FlightBalancerCheck --url grpc://HOST:PORT --access-log PATH"
          + " --upstream PID@HOST:PORT --upstream PID@HOST:PORT");
      System.exit(2);
      return;
    }
    System.exit(check.run() == 0 ? 0 : 1);
  }

  private static FlightBalancerCheck parse(List<String> args, PrintStream out) {
    Optional<Location> url = Optional.empty();
    Optional<Location> recycling = Optional.empty();
    Optional<Path> accessLog = Optional.empty();
    List<Upstream> upstreams = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--url" -> url = Optional.of(location(value));
        case "--recycling-url" -> recycling = Optional.of(location(value));
        case "--access-log" -> accessLog = Optional.of(Path.of(value));
        case "--upstream" -> {
          int at = value.indexOf('@');
          if (at <= 0) {
            throw new IllegalArgumentException("--upstream takes PID@HOST:PORT, got " + value);
          }
          upstreams.add(new Upstream(upstreams.size() + 1, Long.parseLong(value.substring(0, at)),
              value.substring(at + 1)));
        }
        default -> throw new IllegalArgumentException("unknown argument: " + flag);
      }
    }
    if (url.isEmpty() || recycling.isEmpty() || accessLog.isEmpty() || upstreams.size() != 2) {
      throw new IllegalArgumentException("--url, --recycling-url, --access-log and exactly two --upstream are needed");
    }
    return new FlightBalancerCheck(url.get(), recycling.get(), new AccessLog(accessLog.get()), upstreams, out);
  }

  private static Location location(String uri) {
    try {
      return new Location(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Flight location: " + uri, e);
    }
  }

  /** Runs every check in order, printing one line each; returns the number that failed. */
  private int run() {
    RootAllocator memory = new RootAllocator();
    try {
      try (RpcClient client = FlightRpc.builder(front).allocator(memory).build();
          Stock stock = new Stock(FlightClient.builder(memory, front).build())) {
        ConformanceService service = client.proxy(ConformanceService.class);
        Calls calls = new Calls(client, service, stock.flight());
        check("typed-unary-calls-spread", () -> spread("unary calls", calls::unary, 6));
        check("typed-producer-streams-spread", () -> spread("producer streams", calls::producer, 4));
        check("typed-exchange-streams-spread", () -> spread("exchange streams", calls::exchange, 4));
        check("stock-flight-client-spread", () -> spread("stock DoGet/DoAction calls", calls::stock, 4));
        check("large-messages", () -> spread("large messages", calls::large, 4));
        check("client-connections-recycled", () -> recycled(memory));
        check("upstream-killed-between-calls", () -> killBetweenCalls(calls));
      }
      check("client-memory-released", () -> {
        long left = memory.getAllocatedMemory();
        expect(left == 0, left + " bytes still allocated after closing both clients");
        return "the typed client's and the stock FlightClient's allocators are empty after close";
      });
    } finally {
      if (memory.getAllocatedMemory() == 0) {
        memory.close();
      }
    }
    return failures;
  }

  // ---------------------------------------------------------------- checks

  /** One check: returns what it showed, or throws {@link CheckFailed} (or anything) when it failed. */
  @FunctionalInterface
  private interface Check {
    String run() throws Exception;
  }

  /** One numbered call of some kind; returns a short description of what it sent and got. */
  @FunctionalInterface
  private interface Call {
    String run(int index) throws Exception;
  }

  /** A check's expectation that did not hold. */
  private static final class CheckFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailed(String message) {
      super(message);
    }
  }

  private void check(String name, Check check) {
    String line;
    try {
      line = "PASS " + name + ": " + check.run();
    } catch (Exception e) {
      failures++;
      line = "FAIL " + name + ": " + (e instanceof CheckFailed ? e.getMessage() : e.toString());
      if (!(e instanceof CheckFailed)) {
        e.printStackTrace();
      }
    }
    out.println(line);
  }

  private static void expect(boolean condition, String message) throws CheckFailed {
    if (!condition) {
      throw new CheckFailed(message);
    }
  }

  /** Runs {@code count} calls, each its own gRPC call; they must spread over both upstreams. */
  private String spread(String what, Call call, int count) throws Exception {
    List<Served> served = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Served one = served(call, i, described);
      served.add(one);
    }
    Map<Upstream, Integer> by = tally(served);
    expect(by.size() == upstreams.size(), what + " did not spread over both upstreams: " + describe(by)
        + " (" + served + ")");
    return count + " " + what + " (" + String.join("; ", described) + ") exact, each one gRPC call on one upstream: "
        + describe(by);
  }

  /** Runs one call and reads from the access log the one gRPC call it made. */
  private Served served(Call call, int index, List<String> described) throws Exception {
    int mark = log.lines().size();
    described.add(call.run(index));
    List<Entry> entries = log.awaitAfter(mark, 1);
    expect(entries.size() == 1, "one gRPC call expected in the access log, got " + entries);
    Entry entry = entries.get(0);
    expect(entry.status().equals("200") && entry.grpcStatus().equals("0"),
        "the call's access record is not a success: " + entry);
    return new Served(entry, upstream(entry.finalUpstream()));
  }

  /**
   * Through the recycling front end (nginx closes each client connection after 3 calls with a
   * GOAWAY, and after 1 s idle), new clients make 12 calls of every kind with a 2 s pause midway:
   * all succeed exactly, over several client connections.
   */
  private String recycled(RootAllocator memory) throws Exception {
    List<Served> served = new ArrayList<>();
    List<String> described = new ArrayList<>();
    try (RpcClient client = FlightRpc.builder(recycling).allocator(memory).build();
        Stock stock = new Stock(FlightClient.builder(memory, recycling).build())) {
      Calls calls = new Calls(client, client.proxy(ConformanceService.class), stock.flight());
      List<Call> mix = List.of(calls::unary, calls::producer, calls::exchange, calls::stock);
      for (int round = 0; round < 3; round++) {
        for (Call call : mix) {
          served.add(served(call, round, described));
        }
        if (round == 1) {
          Thread.sleep(2_000); // longer than the front end's keepalive_timeout: it closes the idle connections
        }
      }
    }
    Set<String> typed = new TreeSet<>();
    Set<String> all = new TreeSet<>();
    for (Served s : served) {
      all.add(s.entry().connection());
      if (!s.entry().uri().endsWith("/DoGet") && !s.entry().uri().endsWith("/DoAction")) {
        typed.add(s.entry().connection());
      }
    }
    expect(typed.size() >= 3, "the typed client's 9 calls used " + typed.size() + " client connection(s): "
        + served.stream().map(s -> s.entry().connection()).toList());
    return served.size() + " calls (typed unary, producer, exchange, stock DoGet/DoAction) exact although nginx"
        + " closed each client connection after 3 calls (GOAWAY) and after 1 s idle: the typed client used "
        + typed.size() + " connections, both clients " + all.size() + "; " + describe(tally(served));
  }

  private String killBetweenCalls(Calls calls) throws Exception {
    List<Entry> before = log.entries();
    expect(!before.isEmpty(), "no call in the access log before the kill");
    Upstream last = upstream(before.get(before.size() - 1).finalUpstream());
    // round-robin: the next call goes to the other upstream, which is the one to kill, so the
    // first call after the kill meets the dead upstream and must be passed on to the live one
    Upstream victim = upstreams.stream().filter(u -> !u.equals(last)).findFirst().orElseThrow();
    Upstream live = last;
    ProcessHandle process = ProcessHandle.of(victim.pid())
        .orElseThrow(() -> new CheckFailed(victim + " (pid " + victim.pid() + ") is not running"));
    process.destroyForcibly(); // SIGKILL
    process.onExit().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    List<Call> mix = List.of(calls::unary, calls::producer, calls::exchange, calls::stock);
    List<Served> served = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (Call call : mix) {
        served.add(served(call, round, described));
      }
    }
    Map<Upstream, Integer> by = tally(served);
    expect(by.keySet().equals(Set.of(live)), "calls after the kill were served by " + describe(by));
    Entry first = served.get(0).entry();
    expect(first.upstreams().size() == 2 && first.upstreams().get(0).equals(victim.address()),
        "the first call after the kill did not meet the killed upstream first and pass on: " + first);
    return "SIGKILLed " + victim + " (pid " + victim.pid() + "), next in the rotation; the first call after the"
        + " kill was refused by it and passed on (upstream_addr " + String.join(", ", first.upstreams())
        + ", upstream_status " + first.upstreamStatus() + "); then " + served.size()
        + " calls (typed unary, producer, exchange, stock DoGet/DoAction) all exact on " + describe(by);
  }

  /**
   * A stock Flight client, closed without the {@link InterruptedException} its close declares.
   *
   * @param flight the client
   */
  private record Stock(FlightClient flight) implements AutoCloseable {
    @Override
    public void close() {
      try {
        flight.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while closing a FlightClient", e);
      }
    }
  }

  /** The calls the checks make, each checking its results exactly. */
  private static final class Calls {
    private final RpcClient client;
    private final ConformanceService service;
    private final FlightClient stock;

    Calls(RpcClient client, ConformanceService service, FlightClient stock) {
      this.client = client;
      this.service = service;
      this.stock = stock;
    }

    String unary(int i) throws CheckFailed {
      switch (i % 3) {
        case 0 -> {
          String value = "héllo-" + i;
          String got = service.echo_string(value);
          expect(got.equals(value), "echo_string(" + value + ") gave " + got);
          return "echo_string";
        }
        case 1 -> {
          double got = service.add_floats(i + 0.5, 2.25);
          expect(got == i + 2.75, "add_floats(" + (i + 0.5) + ", 2.25) gave " + got);
          return "add_floats";
        }
        default -> {
          long value = 1L << (40 + i);
          long got = service.echo_int(value);
          expect(got == value, "echo_int(" + value + ") gave " + got);
          return "echo_int";
        }
      }
    }

    String producer(int i) throws CheckFailed {
      int count = 5 + i;
      List<String> rows = new ArrayList<>();
      try (BatchStream stream = service.produce_n(count)) {
        for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
          counterRows(batch.get(), rows);
        }
      }
      expect(rows.equals(expectedCounter(0, count)), "produce_n(" + count + ") gave " + rows);
      return "produce_n(" + count + ")";
    }

    String exchange(int i) throws CheckFailed {
      int rounds = 5;
      if (i % 2 == 0) {
        double factor = 1.5 + i;
        try (BatchStream stream = service.exchange_scale(factor);
            VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
          for (int round = 0; round < rounds; round++) {
            List<Double> values = List.of((double) round, round + 0.25);
            fill(input, values);
            List<Double> got = doubles(stream.exchange(input), "value");
            List<Double> want = values.stream().map(v -> v * factor).toList();
            expect(got.equals(want), "exchange_scale(" + factor + ") round " + round + ": " + got + " for " + want);
          }
        }
        return rounds + " rounds of exchange_scale(" + factor + ")";
      }
      double sum = 0;
      try (BatchStream stream = service.exchange_accumulate();
          VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
        for (int round = 1; round <= rounds; round++) {
          fill(input, List.of((double) round, 0.5));
          sum += round + 0.5;
          VectorSchemaRoot got = stream.exchange(input);
          double running = doubles(got, "running_sum").get(0);
          long count = ((BigIntVector) got.getVector("exchange_count")).get(0);
          expect(running == sum && count == round,
              "exchange_accumulate round " + round + ": running_sum " + running + ", exchange_count " + count);
        }
      }
      return rounds + " rounds of exchange_accumulate";
    }

    String stock(int i) throws Exception {
      if (i % 2 == 0) {
        int count = 3 + i;
        String ticket = "{\"protocol\":\"" + PROTOCOL + "\",\"method\":\"produce_n\",\"params\":{\"count\":" + count + "}}";
        List<String> rows = new ArrayList<>();
        FlightStream stream = stock.getStream(new Ticket(ticket.getBytes(StandardCharsets.UTF_8)));
        try {
          while (stream.next()) {
            counterRows(stream.getRoot(), rows);
          }
        } finally {
          stream.close();
        }
        expect(rows.equals(expectedCounter(0, count)), "DoGet produce_n(" + count + ") gave " + rows);
        return "DoGet produce_n(" + count + ")";
      }
      double a = i * 1.25;
      String body = "{\"a\":" + a + ",\"b\":0.5}";
      Iterator<Result> results = stock.doAction(new Action(PROTOCOL + "/add_floats", body.getBytes(StandardCharsets.UTF_8)));
      List<Double> answers = new ArrayList<>();
      while (results.hasNext()) {
        byte[] answer = results.next().getBody();
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(answer), client.allocator())) {
          while (reader.loadNextBatch()) {
            answers.addAll(doubles(reader.getVectorSchemaRoot(), "result"));
          }
        }
      }
      expect(answers.equals(List.of(a + 0.5)), "DoAction add_floats(" + a + ", 0.5) gave " + answers);
      return "DoAction add_floats";
    }

    String large(int i) throws Exception {
      switch (i % 3) {
        case 0 -> {
          byte[] data = new byte[(6 << 20) + i];
          new Random(i).nextBytes(data);
          byte[] got = service.echo_bytes(data);
          expect(Arrays.equals(got, data), "echo_bytes of " + data.length + " bytes came back different");
          return "echo_bytes(" + (data.length >> 20) + " MiB)";
        }
        case 1 -> {
          int perBatch = 65_536;
          int batches = 16;
          long rows = 0;
          long sum = 0;
          try (BatchStream stream = service.produce_large_batches(perBatch, batches)) {
            for (Optional<VectorSchemaRoot> batch = stream.tick(); batch.isPresent(); batch = stream.tick()) {
              BigIntVector index = (BigIntVector) batch.get().getVector("index");
              for (int row = 0; row < batch.get().getRowCount(); row++) {
                expect(index.get(row) == rows, "row " + rows + " has index " + index.get(row));
                sum += ((BigIntVector) batch.get().getVector("value")).get(row);
                rows++;
              }
            }
          }
          long n = (long) perBatch * batches;
          expect(rows == n && sum == 10 * n * (n - 1) / 2, "produce_large_batches gave " + rows + " rows, sum " + sum);
          return "produce_large_batches(" + perBatch + " x " + batches + ")";
        }
        default -> {
          int rows = 400_000;
          List<Double> values = new ArrayList<>(rows);
          for (int r = 0; r < rows; r++) {
            values.add(r * 0.5);
          }
          try (BatchStream stream = service.exchange_scale(2.0);
              VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
            for (int round = 0; round < 2; round++) {
              fill(input, values);
              Float8Vector got = (Float8Vector) stream.exchange(input).getVector("value");
              expect(got.getValueCount() == rows, "exchange_scale gave " + got.getValueCount() + " rows");
              for (int r = 0; r < rows; r++) {
                expect(got.get(r) == r, "exchange_scale row " + r + " gave " + got.get(r));
              }
            }
          }
          return "2 rounds of exchange_scale with " + rows + " rows (3 MiB) each way";
        }
      }
    }
  }

  // ---------------------------------------------------------------- batches

  private static void counterRows(VectorSchemaRoot root, List<String> rows) {
    BigIntVector index = (BigIntVector) root.getVector("index");
    BigIntVector value = (BigIntVector) root.getVector("value");
    for (int row = 0; row < root.getRowCount(); row++) {
      rows.add(index.get(row) + ":" + value.get(row));
    }
  }

  private static List<String> expectedCounter(long from, long count) {
    List<String> rows = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      rows.add(i + ":" + (i * 10));
    }
    return rows;
  }

  private static void fill(VectorSchemaRoot input, List<Double> values) {
    Float8Vector vector = (Float8Vector) input.getVector("value");
    vector.allocateNew(values.size());
    for (int i = 0; i < values.size(); i++) {
      vector.set(i, values.get(i));
    }
    vector.setValueCount(values.size());
    input.setRowCount(values.size());
  }

  private static List<Double> doubles(VectorSchemaRoot root, String column) {
    Float8Vector vector = (Float8Vector) root.getVector(column);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < root.getRowCount(); i++) {
      values.add(vector.get(i));
    }
    return values;
  }

  // ---------------------------------------------------------------- upstreams and the access log

  /**
   * A Flight server behind the balancer.
   *
   * @param index its number, from 1
   * @param pid its process id
   * @param address {@code host:port} as the balancer's {@code $upstream_addr} names it
   */
  private record Upstream(int index, long pid, String address) {
    @Override
    public String toString() {
      return "upstream " + index + " (" + address + ")";
    }
  }

  /**
   * A call as an upstream served it.
   *
   * @param entry its access record
   * @param upstream the upstream that answered it
   */
  private record Served(Entry entry, Upstream upstream) {
    @Override
    public String toString() {
      return entry.uri().substring(entry.uri().lastIndexOf('/') + 1) + "@" + upstream.index();
    }
  }

  private Upstream upstream(String address) throws CheckFailed {
    for (Upstream upstream : upstreams) {
      if (upstream.address().equals(address)) {
        return upstream;
      }
    }
    throw new CheckFailed("the access log names an unknown upstream " + address);
  }

  private static Map<Upstream, Integer> tally(List<Served> served) {
    Map<Upstream, Integer> by = new LinkedHashMap<>();
    served.stream().sorted((a, b) -> Integer.compare(a.upstream().index(), b.upstream().index()))
        .forEach(s -> by.merge(s.upstream(), 1, Integer::sum));
    return by;
  }

  private static String describe(Map<Upstream, Integer> by) {
    return by.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * One line of the balancer's access log.
   *
   * @param uri the gRPC method's path
   * @param status the HTTP status
   * @param grpcStatus the {@code grpc-status} trailer sent to the client ({@code -} when none)
   * @param upstreams the upstreams tried, in order
   * @param upstreamStatus what each answered
   * @param connection the client connection's serial number ({@code $connection})
   */
  private record Entry(String uri, String status, String grpcStatus, List<String> upstreams, String upstreamStatus,
      String connection) {
    static Entry parse(String line) {
      String[] f = line.split("\\|", -1);
      if (f.length < 8) {
        throw new IllegalArgumentException("not an access record: " + line);
      }
      List<String> tried = Arrays.stream(f[5].split(",")).map(String::trim)
          .filter(s -> !s.isEmpty() && !s.equals("-")).toList();
      return new Entry(f[2], f[3], f[4], tried, f[6], f[7]);
    }

    String finalUpstream() {
      return upstreams.isEmpty() ? "-" : upstreams.get(upstreams.size() - 1);
    }
  }

  /** The balancer's access log. */
  private record AccessLog(Path path) {
    List<String> lines() {
      try {
        if (!Files.exists(path)) {
          return List.of();
        }
        return Files.readAllLines(path).stream().filter(l -> !l.isBlank()).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    List<Entry> entries() {
      return lines().stream().map(Entry::parse).toList();
    }

    /**
     * The records after the first {@code mark} lines, once there are at least {@code count} and no
     * more arrive for a moment (the balancer writes a call's record just after the call ends).
     */
    List<Entry> awaitAfter(int mark, int count) throws InterruptedException {
      long deadline = System.currentTimeMillis() + WAIT_MILLIS;
      List<String> lines = lines();
      while (lines.size() - mark < count && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
        lines = lines();
      }
      Thread.sleep(20);
      lines = lines();
      return lines.subList(Math.min(mark, lines.size()), lines.size()).stream().map(Entry::parse).toList();
    }
  }
}
