package dev.arrowrpc.bench;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-call CPU cost of each side alone, on one thread, with no thread hand-offs: a call's
 * request and answer bytes are recorded once, then the server serves the recorded request over and
 * over from memory, and the client makes the call over and over against the recorded answer. A
 * profiling aid for {@link CallCost}'s calls (what each side's code costs, without the wake-ups
 * that dominate an in-process round trip).
 *
 * <p>Arguments: calls per round (default 200,000), rounds (default 5). {@code -Dsidecost.only=NAME}
 * measures one shape ({@code noop}, {@code small}, {@code mixed}, {@code mixed~}), or those whose name
 * holds NAME.
 */
public final class SideCost {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private SideCost() {}

  /** One call of the service, made through a proxy; {@code i} counts the calls (a call may vary by it). */
  @FunctionalInterface
  private interface Call {
    void make(CallCostService service, int i);
  }

  /** How many different requests a varying call cycles through (more than the checked-header cache holds). */
  private static final int VARIANTS = 16;

  /**
   * Runs the measurement and prints a line per call shape.
   *
   * @param args calls per round and rounds
   * @throws Exception when a call fails
   */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String only = System.getProperty("sidecost.only", "");
    RpcServer server = RpcServer.create(CallCostService.class, new CallCostService.Impl());
    byte[] blob = new byte[64];
    List<Long> values = List.of(1L, 2L, 3L, 4L);
    Map<String, String> tags = Map.of("k", "v", "team", "bench");
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    Map<String, Call> shapes = new java.util.LinkedHashMap<>();
    String[] labels = new String[VARIANTS];
    for (int i = 0; i < VARIANTS; i++) {
      labels[i] = "l".repeat(i + 1);
    }
    shapes.put("noop", (s, i) -> s.noop());
    shapes.put("small", (s, i) -> s.small(41));
    shapes.put("mixed", (s, i) -> s.mixed(7, 3, 2.5, 0.5f, true, "label", blob, values, tags, at));
    // the same call with a label of 1 to 16 characters: a header of another shape each time
    shapes.put("mixed~", (s, i) -> s.mixed(7, 3, 2.5, 0.5f, true, labels[i % VARIANTS], blob, values, tags, at));
    // -Dsidecost.only=NAME: that shape alone when NAME is one, else the shapes whose name holds NAME
    boolean exact = shapes.containsKey(only);
    shapes.keySet().removeIf(name -> exact ? !name.equals(only) : !name.contains(only));
    double[][] served = new double[shapes.size()][rounds];
    double[][] client = new double[shapes.size()][rounds];
    double[][] servedBytes = new double[shapes.size()][rounds];
    double[][] clientBytes = new double[shapes.size()][rounds];
    byte[][][] recorded = new byte[shapes.size()][][];
    int index = 0;
    for (Call call : shapes.values()) {
      recorded[index++] = record(server, call);
    }
    for (int round = 0; round < rounds; round++) {
      index = 0;
      for (Call call : shapes.values()) {
        double[] s = serverCost(server, recorded[index][0], calls);
        double[] c = clientCost(call, recorded[index][1], calls);
        served[index][round] = s[0];
        servedBytes[index][round] = s[1];
        client[index][round] = c[0];
        clientBytes[index][round] = c[1];
        index++;
      }
    }
    index = 0;
    double noopTotal = 0;
    for (String name : shapes.keySet()) {
      double s = median(served[index]);
      double c = median(client[index]);
      if (index == 0) {
        noopTotal = s + c;
      }
      System.out.printf(Locale.ROOT, "%-6s client %.2f µs %4.0f B  server %.2f µs %4.0f B  both %.2f µs  "
          + "(%.2fx the first)%n", name, c / 1e3, median(clientBytes[index]), s / 1e3, median(servedBytes[index]),
          (s + c) / 1e3, (s + c) / noopTotal);
      index++;
    }
    System.exit(0);
  }

  private static double median(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * {@return the requests and answers of calls 0 to {@value #VARIANTS} - 1, after a first call (which
   * may negotiate)}
   */
  private static byte[][] record(RpcServer server, Call call) throws IOException {
    Loopback loop = new Loopback(server);
    try (RpcClient client = RpcClient.connect(loop)) {
      CallCostService service = client.proxy(CallCostService.class);
      call.make(service, 0);
      loop.requests.reset();
      loop.answers.reset();
      for (int i = 0; i < VARIANTS; i++) {
        call.make(service, i);
      }
      return new byte[][] {loop.requests.toByteArray(), loop.answers.toByteArray()};
    }
  }

  /**
   * {@return CPU ns and bytes allocated per request for the server serving {@code request} {@code
   * calls} times from memory}
   */
  private static double[] serverCost(RpcServer server, byte[] request, int calls) throws IOException {
    long thread = Thread.currentThread().getId();
    long bytes = THREADS.getThreadAllocatedBytes(thread);
    long before = THREADS.getCurrentThreadCpuTime();
    server.serve(new Repeating(request, calls / VARIANTS), OutputStream.nullOutputStream());
    int served = calls / VARIANTS * VARIANTS;
    return new double[] {(double) (THREADS.getCurrentThreadCpuTime() - before) / served,
        (double) (THREADS.getThreadAllocatedBytes(thread) - bytes) / served};
  }

  /**
   * {@return CPU ns and bytes allocated per call for the client making the call {@code calls} times
   * against a recorded answer}
   */
  private static double[] clientCost(Call call, byte[] answer, int calls) throws IOException {
    Transport transport = new Transport(new Repeating(answer, calls / VARIANTS + 2), OutputStream.nullOutputStream());
    try (RpcClient client = RpcClient.connect(transport)) {
      CallCostService service = client.proxy(CallCostService.class);
      for (int i = 0; i < VARIANTS; i++) {
        call.make(service, i); // connects, maybe negotiates: not timed
      }
      long thread = Thread.currentThread().getId();
      long bytes = THREADS.getThreadAllocatedBytes(thread);
      long before = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < calls; i++) {
        call.make(service, i);
      }
      return new double[] {(double) (THREADS.getCurrentThreadCpuTime() - before) / calls,
          (double) (THREADS.getThreadAllocatedBytes(thread) - bytes) / calls};
    }
  }

  /** The same bytes over and over, then the end of the stream. */
  private static final class Repeating extends InputStream {
    private final byte[] bytes;
    private int left;
    private int at;

    Repeating(byte[] bytes, int times) {
      this.bytes = bytes;
      this.left = times;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (at == bytes.length) {
        if (--left <= 0) {
          return -1;
        }
        at = 0;
      }
      int n = Math.min(length, bytes.length - at);
      System.arraycopy(bytes, at, into, offset, n);
      at += n;
      return n;
    }
  }

  private record Transport(InputStream input, OutputStream output) implements ByteTransport {
    @Override
    public void close() {}
  }

  /**
   * A client transport that serves each request on the calling thread when the client reads: the
   * bytes written since the last read are served by the server and its answer is read back.
   */
  private static final class Loopback implements ByteTransport {
    final ByteArrayOutputStream requests = new ByteArrayOutputStream();
    final ByteArrayOutputStream answers = new ByteArrayOutputStream();
    private final RpcServer server;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private InputStream answer = new ByteArrayInputStream(new byte[0]);

    Loopback(RpcServer server) {
      this.server = server;
    }

    @Override
    public InputStream input() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
          if (answer.available() == 0 && pending.size() > 0) {
            byte[] request = pending.toByteArray();
            pending.reset();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            server.serve(new ByteArrayInputStream(request), out);
            answers.write(out.toByteArray());
            answer = new ByteArrayInputStream(out.toByteArray());
          }
          return answer.read(into, offset, length);
        }
      };
    }

    @Override
    public OutputStream output() {
      return new OutputStream() {
        @Override
        public void write(int b) {
          pending.write(b);
          requests.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          pending.write(b, off, len);
          requests.write(b, off, len);
        }
      };
    }

    @Override
    public void close() {}
  }
}
