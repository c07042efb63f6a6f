package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RequestTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks that conformance streams survive a load balancer spreading their turns over several HTTP
 * workers sharing one signing key ({@code conformance/run-behind-nginx.sh} sets the topology up):
 * producer and exchange streams whose turns land on different replicas give exactly the right
 * rows, a replica killed in the middle of a stream does not break it, and a stream token minted
 * with another key is refused by the replicas behind the balancer.
 *
 * <pre>
 * LoadBalancerCheck --url FRONT_URL --rogue-url URL --replica PID:ACCESS_LOG [--replica ...]
 * </pre>
 *
 * <p>{@code --url} is the balancer; each {@code --replica} names a worker behind it (its process
 * id, and the access log it writes, from which the check learns which replica served each turn of
 * a stream); {@code --rogue-url} is a worker with a different signing key, outside the balancer.
 * The last check kills one replica with SIGKILL. Prints one line per check ({@code PASS name:
 * detail} or {@code FAIL name: detail}); exit status 0 when every check passed, 1 when one failed,
 * 2 on a bad command line.
 */
public final class LoadBalancerCheck {
  private static final long WAIT_MILLIS = 10_000;

  private final String url;
  private final String rogueUrl;
  private final List<Replica> replicas;
  private int failures;

  private LoadBalancerCheck(String url, String rogueUrl, List<Replica> replicas) {
    this.url = url;
    this.rogueUrl = rogueUrl;
    this.replicas = replicas;
  }

  /**
   * Runs the checks.
   *
   * @param args the command line (see the class comment)
   */
  public static void main(String[] args) {
    LoadBalancerCheck check;
    try {
      check = parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("LoadBalancerCheck: " + e.getMessage());
      System.err.println("usage: LoadBalancerCheck --url FRONT_URL --rogue-url URL --replica PID:ACCESS_LOG ...");
      System.exit(2);
      return;
    }
    System.exit(check.run() == 0 ? 0 : 1);
  }

  private static LoadBalancerCheck parse(List<String> args) {
    String url = null;
    String rogue = null;
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--url" -> url = value;
        case "--rogue-url" -> rogue = value;
        case "--replica" -> {
          int colon = value.indexOf(':');
          if (colon <= 0) {
            throw new IllegalArgumentException("--replica takes PID:ACCESS_LOG, got " + value);
          }
          replicas.add(new Replica(replicas.size() + 1, Long.parseLong(value.substring(0, colon)),
              Path.of(value.substring(colon + 1))));
        }
        default -> throw new IllegalArgumentException("unknown argument: " + flag);
      }
    }
    if (url == null || rogue == null || replicas.size() < 2) {
      throw new IllegalArgumentException("--url, --rogue-url and at least two --replica are needed");
    }
    return new LoadBalancerCheck(url, rogue, replicas);
  }

  /** Runs every check in order, printing one line each; returns the number that failed. */
  private int run() {
    try (RpcClient client = HttpRpc.connect(url)) {
      ConformanceService service = client.proxy(ConformanceService.class);
      check("producer-across-replicas", () -> producerAcrossReplicas(service));
      check("exchange-across-replicas", () -> exchangeAcrossReplicas(client, service));
      check("state-across-replicas", () -> accumulateAcrossReplicas(client, service));
      check("foreign-key-token-refused", this::foreignKeyRefused);
      check("replica-killed-mid-stream", () -> replicaKilledMidStream(client, service));
    }
    return failures;
  }

  /** One check: returns what it showed, or throws {@link CheckFailed} (or anything) when it failed. */
  @FunctionalInterface
  private interface Check {
    String run() throws Exception;
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
    }
    System.out.println(line);
    System.out.flush();
  }

  private static void expect(boolean condition, String message) throws CheckFailed {
    if (!condition) {
      throw new CheckFailed(message);
    }
  }

  // ---------------------------------------------------------------- the checks

  private String producerAcrossReplicas(ConformanceService service) throws Exception {
    Marks marks = mark();
    List<String> rows = new ArrayList<>();
    try (BatchStream stream = service.produce_n(30)) {
      drain(stream, rows, Integer.MAX_VALUE);
    }
    expect(rows.equals(counterRows(30)), "produce_n(30) gave " + rows);
    Spread spread = awaitSpread(marks, "produce_n");
    expect(spread.replicas() >= 2, "all turns of the stream reached one replica: " + spread);
    return "produce_n(count=30) gave rows {i, 10*i} for i = 0..29 exactly; " + spread;
  }

  private String exchangeAcrossReplicas(RpcClient client, ConformanceService service) throws Exception {
    Marks marks = mark();
    int rounds = 20;
    try (BatchStream stream = service.exchange_scale(3.0);
        VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
      for (int round = 0; round < rounds; round++) {
        List<Double> values = new ArrayList<>();
        for (int row = 0; row <= round % 3; row++) {
          values.add(round + row * 0.25 - (row == 2 ? 2 * round : 0));
        }
        fill(input, values);
        List<Double> scaled = doubles(stream.exchange(input), "value");
        List<Double> expected = values.stream().map(v -> v * 3.0).toList();
        expect(scaled.equals(expected), "round " + round + ": sent " + values + ", got " + scaled);
      }
    }
    Spread spread = awaitSpread(marks, "exchange_scale");
    expect(spread.replicas() >= 2, "all turns of the stream reached one replica: " + spread);
    return "20 rounds of exchange_scale(factor=3.0) (1-3 rows each) answered exactly; " + spread;
  }

  private String accumulateAcrossReplicas(RpcClient client, ConformanceService service) throws Exception {
    Marks marks = mark();
    double sum = 0;
    try (BatchStream stream = service.exchange_accumulate();
        VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
      for (int round = 1; round <= 15; round++) {
        fill(input, List.of((double) round, 0.5));
        sum += round + 0.5;
        VectorSchemaRoot out = stream.exchange(input);
        double runningSum = doubles(out, "running_sum").get(0);
        long count = ((BigIntVector) out.getVector("exchange_count")).get(0);
        expect(runningSum == sum && count == round,
            "round " + round + ": running_sum " + runningSum + " (expected " + sum + "), exchange_count " + count);
      }
    }
    Spread spread = awaitSpread(marks, "exchange_accumulate");
    expect(spread.replicas() >= 2, "all turns of the stream reached one replica: " + spread);
    return "15 rounds of exchange_accumulate kept running_sum " + sum + " and exchange_count 15 exact; " + spread;
  }

  private String foreignKeyRefused() throws Exception {
    try (SplitTransport transport = new SplitTransport(HttpRpc.builder(rogueUrl).transport(),
        HttpRpc.builder(url).transport());
        RpcClient client = RpcClient.connect(transport)) {
      ConformanceService service = client.proxy(ConformanceService.class);
      List<String> rows = new ArrayList<>();
      RpcException refusal = null;
      try (BatchStream stream = service.produce_n(5)) {
        drain(stream, rows, Integer.MAX_VALUE);
      } catch (RpcException e) {
        refusal = e;
      }
      expect(transport.initStatus == 200, "the rogue worker's /init answered " + transport.initStatus);
      expect(refusal != null, "the stream continued through the front end with a foreign token: rows " + rows);
      expect(transport.frontStatus == 400, "the front end answered " + transport.frontStatus + ": " + refusal);
      String message = refusal.errorMessage();
      expect(message.contains("signature verification failed"),
          "the refusal does not name signature verification: " + refusal.errorType() + ": " + message);
      return "/init at the rogue worker (another key) gave " + rows.size() + " row(s); the next turn through"
          + " the front end was refused with " + transport.frontStatus + " " + refusal.errorType() + ": " + message;
    }
  }

  private String replicaKilledMidStream(RpcClient client, ConformanceService service) throws Exception {
    Marks marks = mark();
    List<String> rows = new ArrayList<>();
    Replica victim;
    Marks afterKill;
    try (BatchStream stream = service.produce_n(24)) {
      drain(stream, rows, 8);
      victim = lastServer(marks, "produce_n");
      ProcessHandle process = ProcessHandle.of(victim.pid())
          .orElseThrow(() -> new CheckFailed("replica " + victim + " is not running"));
      process.destroyForcibly();
      process.onExit().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      afterKill = mark();
      drain(stream, rows, Integer.MAX_VALUE);
    }
    expect(rows.equals(counterRows(24)), "produce_n(24) gave " + rows);
    Map<Replica, Integer> later = awaitSpread(afterKill, "produce_n").turns();
    expect(!later.containsKey(victim) && !later.isEmpty(), "turns after the kill: " + later);
    // and an exchange opened after the kill, while the dead replica is still in the rotation
    int rounds = 9;
    try (BatchStream stream = service.exchange_scale(0.5);
        VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
      for (int round = 0; round < rounds; round++) {
        fill(input, List.of((double) round));
        List<Double> scaled = doubles(stream.exchange(input), "value");
        expect(scaled.equals(List.of(round * 0.5)), "exchange_scale round " + round + " gave " + scaled);
      }
    }
    return "SIGKILLed replica " + victim.index() + " (pid " + victim.pid() + ", which served the stream's"
        + " latest turn) after 8 of 24 rows; the remaining turns went to " + describe(later)
        + " and the rows were exact; then 9 exchange_scale rounds answered exactly";
  }

  // ---------------------------------------------------------------- streams and batches

  /** Ticks up to {@code limit} batches (or to the end), appending {@code "index:value"} rows. */
  private static void drain(BatchStream stream, List<String> rows, int limit) {
    for (int batches = 0; batches < limit; batches++) {
      Optional<VectorSchemaRoot> batch = stream.tick();
      if (batch.isEmpty()) {
        return;
      }
      VectorSchemaRoot root = batch.get();
      BigIntVector index = (BigIntVector) root.getVector("index");
      BigIntVector value = (BigIntVector) root.getVector("value");
      for (int row = 0; row < root.getRowCount(); row++) {
        rows.add(index.get(row) + ":" + value.get(row));
      }
    }
  }

  private static List<String> counterRows(int count) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(i + ":" + (i * 10L));
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

  // ---------------------------------------------------------------- access logs

  /**
   * A worker behind the balancer.
   *
   * @param index its number, from 1
   * @param pid its process id
   * @param accessLog the JSONL access log it appends to
   */
  private record Replica(int index, long pid, Path accessLog) {
    /** The access records written since the log had {@code skip} lines. */
    List<Map<?, ?>> recordsAfter(int skip) {
      List<String> lines = lines();
      List<Map<?, ?>> records = new ArrayList<>();
      for (String line : lines.subList(Math.min(skip, lines.size()), lines.size())) {
        if (!line.isBlank() && Json.parse(line) instanceof Map<?, ?> record) {
          records.add(record);
        }
      }
      return records;
    }

    List<String> lines() {
      try {
        return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return "replica " + index;
    }
  }

  /** How many lines each replica's access log had at some moment. */
  private record Marks(Map<Replica, Integer> lines) {}

  private Marks mark() {
    Map<Replica, Integer> lines = new LinkedHashMap<>();
    for (Replica replica : replicas) {
      lines.put(replica, replica.lines().size());
    }
    return new Marks(lines);
  }

  /**
   * Where one stream's turns went.
   *
   * @param streamId the stream's id in the access logs
   * @param turns the number of its records in each replica's log (replicas with none left out)
   */
  private record Spread(String streamId, Map<Replica, Integer> turns) {
    int replicas() {
      return turns.size();
    }

    @Override
    public String toString() {
      return "stream_id " + streamId + ": " + describe(turns);
    }
  }

  private static String describe(Map<Replica, Integer> turns) {
    return turns.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " requests)")
        .collect(Collectors.joining(", "));
  }

  /** The stream of {@code method} with the most records since the marks, per replica. */
  private Spread spread(Marks marks, String method) {
    Map<String, Map<Replica, Integer>> byStream = new LinkedHashMap<>();
    for (Replica replica : replicas) {
      for (Map<?, ?> record : replica.recordsAfter(marks.lines().get(replica))) {
        if (method.equals(record.get("method")) && record.get("stream_id") instanceof String id) {
          byStream.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(replica, 1, Integer::sum);
        }
      }
    }
    return byStream.entrySet().stream()
        .max((a, b) -> Integer.compare(total(a.getValue()), total(b.getValue())))
        .map(e -> new Spread(e.getKey(), e.getValue()))
        .orElse(new Spread("(none)", Map.of()));
  }

  private static int total(Map<Replica, Integer> turns) {
    return turns.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * The spread once the logs stop growing: a worker writes a turn's record just after answering
   * it, so the last records may land a moment after the client has its answer.
   */
  private Spread awaitSpread(Marks marks, String method) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    Spread last = spread(marks, method);
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      Spread next = spread(marks, method);
      if (next.equals(last) && next.replicas() > 0) {
        return next;
      }
      last = next;
    }
    return last;
  }

  /** The replica that wrote the newest record of the current {@code method} stream. */
  private Replica lastServer(Marks marks, String method) throws Exception {
    Spread spread = awaitSpread(marks, method);
    Replica latest = null;
    String latestTime = "";
    for (Replica replica : spread.turns().keySet()) {
      for (Map<?, ?> record : replica.recordsAfter(marks.lines().get(replica))) {
        if (spread.streamId().equals(record.get("stream_id")) && record.get("timestamp") instanceof String time
            && time.compareTo(latestTime) >= 0) {
          latest = replica;
          latestTime = time;
        }
      }
    }
    expect(latest != null, "no access record of the stream: " + spread);
    return latest;
  }

  // ---------------------------------------------------------------- the split transport

  /**
   * Sends stream inits ({@code .../init}) to one server and every other request to another,
   * remembering the statuses: here, inits to a worker with a foreign signing key and the turns to
   * the balancer, so the balancer's replicas see tokens minted with a key they do not hold.
   */
  private static final class SplitTransport implements RequestTransport {
    private final HttpTransport inits;
    private final HttpTransport rest;
    volatile int initStatus;
    volatile int frontStatus;

    SplitTransport(HttpTransport inits, HttpTransport rest) {
      this.inits = inits;
      this.rest = rest;
    }

    @Override
    public InputStream call(String protocol, String method, Kind kind, byte[] body) throws IOException {
      String route = HttpTransport.route(protocol, method, kind);
      if (kind == Kind.INIT) {
        HttpTransport.Answer answer = inits.post(route, body);
        initStatus = answer.status();
        return answer.arrowStream();
      }
      HttpTransport.Answer answer = rest.post(route, body);
      frontStatus = answer.status();
      return answer.arrowStream();
    }

    @Override
    public void close() throws IOException {
      try {
        inits.close();
      } finally {
        rest.close();
      }
    }
  }
}
