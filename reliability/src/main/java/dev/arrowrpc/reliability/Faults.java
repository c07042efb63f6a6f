package dev.arrowrpc.reliability;

import static dev.arrowrpc.core.StreamKind.Kind.PRODUCER;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamKind;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Faults around the worker: {@code worker-killed} (the project's own client calling a producer
 * stream or a run of unary calls while the worker is SIGKILLed must raise a TransportError, never
 * end the stream as if it were complete, never hang) and {@code client-reset} (a raw client resets
 * its connection in the middle of a producer or exchange stream, or of an HTTP request; the worker
 * must go on answering with its allocators back to zero).
 */
final class Faults {
  /** A whole fault case (client calls, the kill, the error) must end within this. */
  private static final Duration CASE_LIMIT = Duration.ofSeconds(30);
  private static final int STREAM_LENGTH = 200;

  private Faults() {}

  static List<Scenario> scenarios() {
    return List.of(new WorkerKilled(), new ClientReset());
  }

  /** The slice of ConformanceService the fault cases call, through the project's client. */
  @RpcService(name = "ConformanceService", version = "2.0.0")
  interface Conformance {
    /** Echoes bytes. */
    byte[] echo_bytes(byte[] data);

    /** Produces {@code count} counter batches ({@code index = i, value = 10 * i}). */
    @StreamKind(PRODUCER)
    BatchStream produce_n(long count);
  }

  /** Runs work on a daemon thread with a time limit. */
  private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "fault-case");
    thread.setDaemon(true);
    return thread;
  });

  private interface Work<T> {
    T run() throws Exception;
  }

  /** The work's result; empty when it did not end within the limit (it is interrupted and left). */
  private static <T> Optional<T> within(Duration limit, Work<T> work) throws Exception {
    Future<T> future = RUNNER.submit(work::run);
    try {
      return Optional.ofNullable(future.get(limit.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      future.cancel(true);
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ worker-killed

  /** A client connected to a worker that can be killed under it. */
  private interface Target extends AutoCloseable {
    RpcClient client();

    /** SIGKILLs the worker and waits until it is gone. */
    void kill();

    /** Closes the client (judged: it must not hang or throw anything but an RpcException). */
    @Override
    void close();
  }

  /**
   * {@code worker-killed}: per case a client (pipe: a subprocess of its own; others: the harness's
   * worker, restarted afterwards) and one kill: between producer ticks, or during a run of 2 MiB
   * echo_bytes calls (the kill lands inside a call or between two; either must raise).
   */
  static final class WorkerKilled implements Scenario {
    @Override
    public String category() {
      return "worker-killed";
    }

    @Override
    public Set<Surface> surfaces() {
      return EnumSet.allOf(Surface.class);
    }

    @Override
    public void run(Harness harness, int count, Tally tally) {
      int cases = count >= 1_000 ? 8 : 3;
      long started = System.nanoTime();
      Random random = harness.random();
      for (int i = 0; i < cases; i++) {
        boolean unary = i % 3 == 2;
        int ticks = i % 3 == 0 ? 1 + random.nextInt(3) : 10 + random.nextInt(40);
        long killAfterMillis = 20 + random.nextInt(150);
        String label = unary ? "kill-mid-unary after " + killAfterMillis + " ms" : "kill-between-ticks after " + ticks;
        Verdict verdict;
        try {
          verdict = killCase(harness, unary, ticks, killAfterMillis);
        } catch (Exception e) {
          verdict = new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, "the case broke: " + e))
              .fail(Verdict.Problem.ESCAPED, e.toString()).build();
        }
        tally.add(harness.surface(), category(), label, verbose(harness, category(), label, verdict));
      }
      took(harness, category(), started);
    }

    private static Verdict killCase(Harness harness, boolean unary, int ticks, long killAfterMillis) throws Exception {
      Target target = target(harness);
      Verdict.Builder verdict;
      Optional<Verdict.Builder> outcome;
      try {
        outcome = within(CASE_LIMIT, () -> unary ? midUnary(target, killAfterMillis) : betweenTicks(target, ticks));
      } finally {
        target.kill();
      }
      if (outcome.isEmpty()) {
        verdict = new Verdict.Builder(Answer.of(Answer.Kind.HANG, "no end within " + CASE_LIMIT.toSeconds() + " s"))
            .fail(Verdict.Problem.HANG, "the client neither finished nor failed within " + CASE_LIMIT.toSeconds()
                + " s of the kill");
      } else {
        verdict = outcome.get();
      }
      Optional<String> closing = within(Duration.ofSeconds(10), () -> {
        try {
          target.close();
          return "";
        } catch (RpcException e) {
          return "";
        } catch (RuntimeException e) {
          return "closing the client threw " + e;
        }
      });
      if (closing.isEmpty()) {
        verdict.fail(Verdict.Problem.HANG, "closing the client did not end within 10 s");
      } else if (!closing.get().isEmpty()) {
        verdict.fail(closing.get().contains("Memory was leaked") ? Verdict.Problem.LEAK : Verdict.Problem.ESCAPED,
            closing.get());
      }
      if (harness.surface() != Surface.PIPE) {
        try {
          harness.restartWorker();
        } catch (IOException e) {
          verdict.fail(Verdict.Problem.CRASH, "the worker could not be restarted: " + e);
          return verdict.build();
        }
      }
      Answer probe = harness.probe();
      if (probe.kind() != Answer.Kind.ACCEPTED) {
        verdict.fail(Verdict.Problem.UNUSABLE, "after the kill and restart a valid request got " + probe);
      }
      return verdict.build();
    }

    /** Ticks a few batches, kills the worker, ticks on: the stream must fail, not end. */
    private static Verdict.Builder betweenTicks(Target target, int ticks) {
      Conformance service = target.client().proxy(Conformance.class);
      int rows = 0;
      BatchStream stream = null;
      try {
        stream = service.produce_n(STREAM_LENGTH);
        for (; rows < ticks; rows++) {
          Optional<VectorSchemaRoot> batch = stream.tick();
          if (batch.isEmpty() || !counterRow(batch.get(), rows)) {
            return unexpected("before the kill, tick " + rows + " gave " + batch.map(Faults::describe).orElse("the end"));
          }
        }
        target.kill();
        while (rows <= STREAM_LENGTH) {
          Optional<VectorSchemaRoot> batch = stream.tick();
          if (batch.isEmpty()) {
            return new Verdict.Builder(Answer.of(Answer.Kind.ACCEPTED, "the stream ended"))
                .fail(Verdict.Problem.SILENT, "after the kill the stream ended cleanly at " + rows + " of "
                    + STREAM_LENGTH + " batches");
          }
          if (!counterRow(batch.get(), rows)) {
            return new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, "a wrong batch"))
                .fail(Verdict.Problem.SILENT, "after the kill tick " + rows + " gave " + describe(batch.get()));
          }
          rows++;
        }
        return new Verdict.Builder(Answer.of(Answer.Kind.ACCEPTED, "more batches than produced"))
            .fail(Verdict.Problem.SILENT, "the killed worker's stream went on past " + STREAM_LENGTH + " batches");
      } catch (RpcException e) {
        return judgeError(e, "after " + rows + " batches");
      } catch (RuntimeException e) {
        return new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, e.toString()))
            .fail(Verdict.Problem.ESCAPED, "the client threw " + e + " instead of an RpcException");
      } finally {
        closeQuietly(stream);
      }
    }

    /** Calls echo_bytes(2 MiB) back to back while the worker is killed after a delay. */
    private static Verdict.Builder midUnary(Target target, long killAfterMillis) {
      Conformance service = target.client().proxy(Conformance.class);
      byte[] payload = new byte[2 << 20];
      new Random(killAfterMillis).nextBytes(payload);
      int calls = 0;
      Thread killer = null;
      try {
        if (!Arrays.equals(service.echo_bytes(payload), payload)) {
          return unexpected("the first echo_bytes came back wrong");
        }
        killer = new Thread(() -> {
          try {
            Thread.sleep(killAfterMillis);
          } catch (InterruptedException e) {
            return;
          }
          target.kill();
        }, "fault-killer");
        killer.setDaemon(true);
        killer.start();
        for (; calls < 10_000; calls++) {
          byte[] echoed = service.echo_bytes(payload);
          if (!Arrays.equals(echoed, payload)) {
            return new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, "a wrong echo"))
                .fail(Verdict.Problem.SILENT, "call " + calls + " around the kill echoed " + echoed.length
                    + " wrong bytes");
          }
        }
        return unexpected("10,000 calls were answered by a worker killed after " + killAfterMillis + " ms");
      } catch (RpcException e) {
        return judgeError(e, "after " + calls + " whole calls");
      } catch (RuntimeException e) {
        return new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, e.toString()))
            .fail(Verdict.Problem.ESCAPED, "the client threw " + e + " instead of an RpcException");
      } finally {
        if (killer != null) {
          try {
            killer.join(5_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    private static Verdict.Builder judgeError(RpcException e, String when) {
      Verdict.Builder verdict = new Verdict.Builder(Answer.of(Answer.Kind.TYPED_ERROR, e.errorType() + " " + when
          + ": " + e.errorMessage()));
      if (!"TransportError".equals(e.errorType())) {
        verdict.fail(Verdict.Problem.ESCAPED, "the client raised " + e.errorType() + " (not TransportError) " + when
            + ": " + e.errorMessage());
      }
      return verdict;
    }

    private static Verdict.Builder unexpected(String why) {
      return new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, why)).fail(Verdict.Problem.UNUSABLE, why);
    }

    private static Target target(Harness harness) throws IOException {
      Worker worker = harness.worker();
      if (harness.surface() == Surface.PIPE) {
        Subprocess process = Subprocess.builder(List.of(worker.launcher().toString(), "--diagnostics"))
            .stderr(line -> { })
            .launch();
        RpcClient client = RpcClient.connect(process);
        return new Target() {
          @Override
          public RpcClient client() {
            return client;
          }

          @Override
          public void kill() {
            killAndWait(process.processHandle());
          }

          @Override
          public void close() {
            try {
              client.close();
            } finally {
              killAndWait(process.processHandle());
            }
          }
        };
      }
      RpcClient client = switch (harness.surface()) {
        case UNIX -> RpcClient.connect(UnixSocket.connect(Path.of(worker.address())));
        case TCP -> {
          String address = worker.address();
          int colon = address.lastIndexOf(':');
          yield RpcClient.connect(Tcp.connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
        }
        default -> HttpRpc.builder(worker.url()).callTimeout(Duration.ofSeconds(20)).build();
      };
      ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow(() -> new IOException("the worker is gone"));
      return new Target() {
        @Override
        public RpcClient client() {
          return client;
        }

        @Override
        public void kill() {
          killAndWait(process);
        }

        @Override
        public void close() {
          client.close();
        }
      };
    }

    private static void killAndWait(ProcessHandle process) {
      process.destroyForcibly();
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // judged by what the client saw
      }
    }

    private static boolean counterRow(VectorSchemaRoot root, long index) {
      return root.getRowCount() == 1 && root.getFieldVectors().size() == 2
          && root.getVector(0) instanceof BigIntVector indexes && !indexes.isNull(0) && indexes.get(0) == index
          && root.getVector(1) instanceof BigIntVector values && !values.isNull(0) && values.get(0) == 10 * index;
    }
  }

  /** With {@code -Dreliability.verbose=true} every fault case is printed on stderr with what it came to. */
  private static Verdict verbose(Harness harness, String category, String label, Verdict verdict) {
    if (Boolean.getBoolean("reliability.verbose")) {
      System.err.println("  " + harness.surface().label() + "/" + category + " " + label + " -> " + verdict.detail());
    }
    return verdict;
  }

  private static void took(Harness harness, String category, long started) {
    System.err.printf("reliability: %s over %s in %.1f s%n", category, harness.surface().label(),
        (System.nanoTime() - started) / 1e9);
  }

  private static String describe(VectorSchemaRoot root) {
    String text = root.contentToTSVString().replace('\n', ' ').trim();
    return root.getRowCount() + " rows [" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "]";
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // the stream already failed
    }
  }

  // ------------------------------------------------------------------ client-reset

  /**
   * {@code client-reset}: a raw client opens a producer (produce_n) or exchange (exchange_scale)
   * stream, reads a few batches, maybe sends one more turn without reading its answer, then resets
   * the connection (TCP: SO_LINGER 0, an RST; Unix: an abrupt close). Over HTTP: a body cut off by a
   * reset, a reset while a 2 MiB answer is being sent, a reset right after a producer's init. Then a
   * valid request must be answered and the allocators must return to zero.
   */
  static final class ClientReset implements Scenario {
    private static final Schema EMPTY = new Schema(List.of());
    private static final Schema SCALE =
        new Schema(List.of(Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

    private final BufferAllocator memory = new RootAllocator();

    @Override
    public String category() {
      return "client-reset";
    }

    @Override
    public Set<Surface> surfaces() {
      return EnumSet.of(Surface.UNIX, Surface.TCP, Surface.HTTP);
    }

    @Override
    public void run(Harness harness, int count, Tally tally) {
      int cases = count >= 1_000 ? 60 : 12;
      long started = System.nanoTime();
      Random random = harness.random();
      for (int i = 0; i < cases; i++) {
        int escapedBefore = harness.worker().escapedLines();
        int turns = random.nextInt(5);
        boolean unread = random.nextBoolean();
        String label;
        Optional<String> setup;
        try {
          if (harness.surface() == Surface.HTTP) {
            int kind = i % 3;
            label = switch (kind) {
              case 0 -> "http-reset-in-body";
              case 1 -> "http-reset-in-answer";
              default -> "http-reset-after-producer-init";
            };
            setup = within(CASE_LIMIT, () -> http(harness, kind));
          } else {
            boolean producer = i % 2 == 0;
            label = (producer ? "producer" : "exchange") + "-reset after " + turns + " turns"
                + (unread ? " and one unread" : "");
            setup = within(CASE_LIMIT, () -> stream(harness, producer, turns, unread));
          }
        } catch (Exception e) {
          label = "case " + i;
          setup = Optional.of("the case broke: " + e);
        }
        Verdict.Builder verdict;
        if (setup.isEmpty()) {
          verdict = new Verdict.Builder(Answer.of(Answer.Kind.HANG, "the stream stalled before the reset"))
              .fail(Verdict.Problem.HANG, "no answer to a stream turn within " + CASE_LIMIT.toSeconds() + " s");
        } else if (!setup.get().isEmpty()) {
          verdict = new Verdict.Builder(Answer.of(Answer.Kind.GARBLED, setup.get()))
              .fail(Verdict.Problem.UNUSABLE, "the stream did not run before the reset: " + setup.get());
        } else {
          verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "reset by the client"));
        }
        tally.add(harness.surface(), category(), label,
            verbose(harness, category(), label, harness.judge(verdict, escapedBefore)));
      }
      took(harness, category(), started);
    }

    /** A producer or exchange stream over a raw connection, reset mid-stream; "" when it ran as meant. */
    private String stream(Harness harness, boolean producer, int turns, boolean unread) throws IOException {
      RawConnection connection = RawConnection.open(harness);
      IpcStreamReader reader = null;
      try (VectorSchemaRoot input = VectorSchemaRoot.create(producer ? EMPTY : SCALE, memory)) {
        OutputStream out = connection.out();
        if (producer) {
          out.write(Requests.build("produce_n", List.of(Requests.field("count", new ArrowType.Int(64, true))),
              root -> ((BigIntVector) root.getVector(0)).setSafe(0, 1_000_000L)).bytes());
          input.setRowCount(0);
        } else {
          out.write(Requests.build("exchange_scale", List.of(Requests.field("factor",
                  new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))),
              root -> ((Float8Vector) root.getVector(0)).setSafe(0, 2.0)).bytes());
          Float8Vector values = (Float8Vector) input.getVector(0);
          values.allocateNew(3);
          for (int row = 0; row < 3; row++) {
            values.setSafe(row, row + 0.5);
          }
          input.setRowCount(3);
        }
        IpcStreamWriter writer = IpcStreamWriter.start(out, input.getSchema());
        for (int turn = 0; turn < turns; turn++) {
          writer.write(input, Map.of());
          if (reader == null) {
            Optional<IpcStreamReader> opened = IpcStreamReader.open(connection.in(), memory);
            if (opened.isEmpty()) {
              return "the connection ended before the stream's answer";
            }
            reader = opened.get();
          }
          if (!reader.next()) {
            return "the output stream ended at turn " + turn;
          }
          String level = reader.metadata().get(MetadataKeys.LOG_LEVEL);
          if (level != null) {
            return "turn " + turn + " answered " + level + " " + reader.metadata().get(MetadataKeys.LOG_MESSAGE);
          }
        }
        if (unread) {
          writer.write(input, Map.of());
        } else {
          out.flush();
        }
        return "";
      } finally {
        connection.reset();
        if (reader != null) {
          reader.close();
        }
      }
    }

    /** An HTTP request cut by a reset; "" when it ran as meant. */
    private String http(Harness harness, int kind) throws IOException {
      byte[] body;
      String method;
      if (kind == 2) {
        method = "produce_n";
        body = Requests.build("produce_n", List.of(Requests.field("count", new ArrowType.Int(64, true))),
            root -> ((BigIntVector) root.getVector(0)).setSafe(0, 1_000_000L)).bytes();
      } else {
        method = "echo_bytes";
        byte[] payload = new byte[2 << 20];
        harness.random().nextBytes(payload);
        body = Requests.echoBytes(payload).bytes();
      }
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(harness.worker().address())), 5_000);
      socket.setSoTimeout((int) CASE_LIMIT.toMillis());
      try {
        OutputStream out = socket.getOutputStream();
        String head = "POST /" + Requests.CONFORMANCE + "/" + method + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: " + Harness.ARROW + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (kind == 0) {
          out.write(body, 0, body.length / 2);
          out.flush();
          return "";
        }
        out.write(body);
        out.flush();
        if (kind == 1) {
          InputStream in = socket.getInputStream();
          byte[] some = new byte[4096];
          int got = in.read(some);
          return got > 0 ? "" : "the answer ended before a byte";
        }
        return "";
      } finally {
        socket.setSoLinger(true, 0);
        socket.close();
      }
    }
  }

  /** A raw connection to the worker that can be reset (TCP) or closed abruptly (Unix). */
  private record RawConnection(Optional<Socket> socket, Worker.Link link, InputStream in, OutputStream out) {
    static RawConnection open(Harness harness) throws IOException {
      if (harness.surface() == Surface.TCP) {
        String address = harness.worker().address();
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(address.substring(0, colon),
            Integer.parseInt(address.substring(colon + 1))), 5_000);
        socket.setSoTimeout((int) CASE_LIMIT.toMillis());
        return new RawConnection(Optional.of(socket), null, new BufferedInputStream(socket.getInputStream()),
            socket.getOutputStream());
      }
      Worker.Link link = harness.worker().connect();
      return new RawConnection(Optional.empty(), link, link.in(), link.out());
    }

    /** TCP: SO_LINGER 0 then close, which sends an RST; Unix: close without ending the streams first. */
    void reset() {
      if (socket.isPresent()) {
        try {
          socket.get().setSoLinger(true, 0);
          socket.get().close();
        } catch (IOException e) {
          // already gone
        }
      } else {
        link.close();
      }
    }
  }
}
