package dev.arrowrpc.reliability;

import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The load section: on TCP and HTTP, {@value #CLIENTS} clients call valid requests in a loop (a mix
 * of echo_int, echo_string of a few KiB and echo_bytes of 64 KiB, every answer checked) against a
 * fresh worker for a while. At the end of the first window and at the end of the run the clients
 * pause, and the worker's allocator bytes, heap after a full collection and resident memory (read
 * after that collection) are taken while nothing is in flight. A surface passes with no error and
 * the last measurements within 10% of the first (allocator bytes: within 1 MiB; heap: within 10%
 * or 16 MiB). Each surface is one case in the tally (category {@code load}).
 */
final class Load {
  static final int CLIENTS = 48;
  private static final long MIB = 1L << 20;
  private static final long ALLOCATOR_SLACK = MIB;
  private static final long HEAP_SLACK = 16 * MIB;
  private static final double GROWTH = 0.10;
  /** HTTP calls sent again because their pooled connection was closed before the request (see send). */
  static final AtomicLong STALE_RETRIES = new AtomicLong();
  /** A client whose call makes no progress for this long is stuck: its connection is closed. */
  private static final long STUCK_NANOS = Duration.ofSeconds(15).toNanos();

  private Load() {}

  /** What one surface's load came to. */
  record Result(Surface surface, long calls, long errors, double seconds, long p50Micros, long p99Micros,
      Sample first, Sample last, List<String> errorSamples, Verdict verdict) {}

  /**
   * The worker measured while nothing was in flight.
   *
   * @param rssKb resident memory (VmRSS)
   * @param heapAfterGc heap in use after a full collection, bytes
   * @param allocated the Arrow bytes the server's allocators hold
   */
  record Sample(long rssKb, long heapAfterGc, long allocated) {}

  /**
   * Runs the load on TCP and HTTP (those of the run's surfaces), prints the {@code load} table and
   * records one case per surface in the tally.
   */
  static void run(Reliability.Options options, Path scratch, Tally tally, PrintStream out) {
    Duration duration = options.full() ? Duration.ofMinutes(10) : Duration.ofSeconds(60);
    Duration window = options.full() ? Duration.ofMinutes(1) : Duration.ofSeconds(10);
    List<Result> results = new ArrayList<>();
    for (Surface surface : List.of(Surface.TCP, Surface.HTTP)) {
      if (!options.surfaces().contains(surface)) {
        continue;
      }
      long started = System.nanoTime();
      Random random = new Random(options.seed() ^ 0x10AD ^ surface.ordinal());
      Result result;
      try (Harness harness = Harness.start(surface, options.root(), scratch, options.answerTimeout(),
          Reliability.MEMORY_BOUND_KB, random)) {
        result = new Run(harness, duration, window, random.nextLong()).go();
        if (harness.worker().escapedLines() > 0) {
          harness.worker().escapedSamples().forEach(line -> System.err.println("  worker stderr: " + line));
        }
      } catch (IOException e) {
        Verdict verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "no worker"))
            .fail(Verdict.Problem.CRASH, "the worker did not start: " + e).build();
        result = new Result(surface, 0, 0, 0, 0, 0, new Sample(-1, -1, -1), new Sample(-1, -1, -1), List.of(), verdict);
      }
      results.add(result);
      tally.add(surface, "load", CLIENTS + " clients for " + duration.toSeconds() + " s", result.verdict());
      System.err.printf("reliability: load over %s done in %.1f s%n", surface.label(),
          (System.nanoTime() - started) / 1e9);
    }
    print(results, window, out);
  }

  static void print(List<Result> results, Duration window, PrintStream out) {
    out.println();
    out.printf("load: %d clients, first/last window %d s (worker idle while measured)%n", CLIENTS,
        window.toSeconds());
    out.printf("%-6s %9s %6s %9s %8s %8s %15s %19s %17s %s%n", "surface", "calls", "errors", "calls/s", "p50 ms",
        "p99 ms", "rss MiB f->l", "heap-gc MiB f->l", "alloc B f->l", "verdict");
    for (Result r : results) {
      out.printf("%-6s %9d %6d %9.0f %8.2f %8.2f %15s %19s %17s %s%n", r.surface().label(), r.calls(), r.errors(),
          r.seconds() > 0 ? r.calls() / r.seconds() : 0, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0,
          String.format("%.1f->%.1f", r.first().rssKb() / 1024.0, r.last().rssKb() / 1024.0),
          String.format("%.1f->%.1f", r.first().heapAfterGc() / (double) MIB, r.last().heapAfterGc() / (double) MIB),
          r.first().allocated() + "->" + r.last().allocated(), r.verdict().passed() ? "PASS" : "FAIL");
    }
    if (STALE_RETRIES.get() > 0) {
      out.println("  http: " + STALE_RETRIES.get() + " call(s) sent again after the client's pool handed out a"
          + " connection the server had closed (no answer was lost)");
    }
    for (Result r : results) {
      if (!r.verdict().passed()) {
        out.println("  FAILED " + r.surface().label() + "/load: " + r.verdict().detail());
      }
      for (String sample : r.errorSamples()) {
        out.println("  load error " + r.surface().label() + ": " + sample);
      }
    }
  }

  /** Whether {@code last} is within the relative growth (or the absolute slack) of {@code first}. */
  static boolean within(long first, long last, long slack) {
    return last - first <= Math.max(slack, (long) (first * GROWTH));
  }

  /** One surface's run. */
  private static final class Run {
    private final Harness harness;
    private final Duration duration;
    private final Duration window;
    private final long seed;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong stuck = new AtomicLong();
    private final List<String> errorSamples = new ArrayList<>();
    private final BufferAllocator memory = new RootAllocator();

    Run(Harness harness, Duration duration, Duration window, long seed) {
      this.harness = harness;
      this.duration = duration;
      this.window = window;
      this.seed = seed;
    }

    Result go() {
      Surface surface = harness.surface();
      int escapedBefore = harness.worker().escapedLines();
      Client[] clients = new Client[CLIENTS];
      Thread[] threads = new Thread[CLIENTS];
      for (int i = 0; i < CLIENTS; i++) {
        clients[i] = new Client(new Random(seed + i));
        threads[i] = new Thread(clients[i], "load-" + surface.label() + "-" + i);
        threads[i].setDaemon(true);
      }
      long start = System.nanoTime();
      for (Thread thread : threads) {
        thread.start();
      }
      AtomicBoolean over = new AtomicBoolean();
      Thread watchdog = new Thread(() -> {
        while (!over.get()) {
          sleep(500);
          long now = System.nanoTime();
          for (Client client : clients) {
            long since = client.callStarted;
            if (since != 0 && now - since > STUCK_NANOS && client.abort()) {
              stuck.incrementAndGet();
            }
          }
        }
      }, "load-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      Sample first = null;
      long windowEnd = start + window.toNanos();
      long end = start + duration.toNanos();
      while (System.nanoTime() < end && harness.worker().alive()) {
        sleep(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
        if (first == null && System.nanoTime() >= windowEnd) {
          first = quiet();
        }
      }
      stop.set(true);
      gate.writeLock().lock();
      double seconds = (System.nanoTime() - start) / 1e9;
      gate.writeLock().unlock();
      for (Thread thread : threads) {
        join(thread);
      }
      over.set(true);
      Sample last = quiet();
      if (first == null) {
        first = last;
      }
      long calls = 0;
      long[] latencies = new long[0];
      for (Client client : clients) {
        calls += client.calls;
        int from = latencies.length;
        latencies = Arrays.copyOf(latencies, from + client.count);
        System.arraycopy(client.latencies, 0, latencies, from, client.count);
        client.close();
      }
      Arrays.sort(latencies);
      long p50 = percentile(latencies, 0.50) / 1000;
      long p99 = percentile(latencies, 0.99) / 1000;
      Verdict verdict = judge(first, last, calls, escapedBefore);
      try {
        memory.close();
      } catch (IllegalStateException e) {
        // an answer abandoned on an error still held its buffers: the harness's, not the worker's
      }
      synchronized (errorSamples) {
        return new Result(surface, calls, errors.get(), seconds, p50, p99, first, last, List.copyOf(errorSamples),
            verdict);
      }
    }

    private Verdict judge(Sample first, Sample last, long calls, int escapedBefore) {
      long failed = errors.get();
      Answer answer = failed == 0 && calls > 0 ? Answer.of(Answer.Kind.ACCEPTED, calls + " calls")
          : Answer.of(Answer.Kind.GARBLED, failed + " of " + calls + " calls failed");
      Verdict.Builder verdict = new Verdict.Builder(answer);
      if (!harness.worker().alive()) {
        verdict.fail(Verdict.Problem.CRASH, "the worker died under load");
      }
      if (stuck.get() > 0) {
        verdict.fail(Verdict.Problem.HANG, stuck.get() + " calls without an answer for "
            + STUCK_NANOS / 1_000_000_000 + " s");
      }
      if (failed > 0 || calls == 0) {
        verdict.fail(Verdict.Problem.UNUSABLE, failed + " of " + calls + " calls failed");
      }
      if (harness.worker().escapedLines() > escapedBefore) {
        verdict.fail(Verdict.Problem.ESCAPED, (harness.worker().escapedLines() - escapedBefore)
            + " stack-trace lines on the worker's stderr");
      }
      if (first.rssKb() < 0 || !within(first.rssKb(), last.rssKb(), 0)) {
        verdict.fail(Verdict.Problem.OVER_MEMORY, "RSS " + first.rssKb() / 1024 + " -> " + last.rssKb() / 1024
            + " MiB (more than 10%)");
      }
      if (first.heapAfterGc() < 0 || !within(first.heapAfterGc(), last.heapAfterGc(), HEAP_SLACK)) {
        verdict.fail(Verdict.Problem.LEAK, "heap after GC " + first.heapAfterGc() / MIB + " -> "
            + last.heapAfterGc() / MIB + " MiB (more than 10% and 16 MiB)");
      }
      if (first.allocated() < 0 || last.allocated() < 0
          || first.allocated() > ALLOCATOR_SLACK || last.allocated() > ALLOCATOR_SLACK
          || !within(first.allocated(), last.allocated(), ALLOCATOR_SLACK)) {
        verdict.fail(Verdict.Problem.LEAK, "allocator bytes " + first.allocated() + " -> " + last.allocated()
            + " with nothing in flight");
      }
      return verdict.build();
    }

    /**
     * Pauses the clients (waits for calls in flight), measures the worker, lets them go on. RSS is
     * read after the full collection: that collection resizes the heap to the live set (the worker
     * starts at -Xms32m, and its ~16 MiB live set, mostly per-connection buffers, makes the first
     * full collection commit ~9 MiB more heap, pre-touched), so reading RSS before it put that
     * one-time resize between the first and the last sample (+8-9% of RSS, heap and native memory
     * otherwise flat). Read after it, both samples see a heap sized by a full collection.
     */
    private Sample quiet() {
      gate.writeLock().lock();
      try {
        long allocated = harness.allocated();
        for (int i = 0; i < 20 && allocated != 0; i++) {
          sleep(50);
          allocated = harness.allocated();
        }
        long heap = heapAfterGc();
        long rss = harness.worker().rssKb();
        return new Sample(rss, heap, allocated);
      } finally {
        gate.writeLock().unlock();
      }
    }

    private long heapAfterGc() {
      byte[] request = Requests.build(Requests.DIAGNOSTICS, "heap_used_after_gc", List.of(), root -> { }).bytes();
      Answer answer;
      if (harness.surface() == Surface.HTTP) {
        answer = harness.post(Requests.DIAGNOSTICS, "heap_used_after_gc", request, Map.of());
      } else {
        try (Worker.Link link = harness.worker().connect()) {
          answer = harness.exchange(link, request);
        } catch (IOException e) {
          answer = Answer.of(Answer.Kind.CLOSED, e.toString());
        }
      }
      return answer.kind() == Answer.Kind.ACCEPTED && answer.value().isPresent() ? answer.value().getAsLong() : -1;
    }

    private void error(String what) {
      errors.incrementAndGet();
      synchronized (errorSamples) {
        if (errorSamples.size() < 5) {
          errorSamples.add(what);
        }
      }
    }

    /** One client: its own connection (TCP) or the shared HTTP client, calls in a loop. */
    private final class Client implements Runnable {
      private final Random random;
      private Worker.Link link;
      volatile long callStarted;
      private volatile boolean aborted;
      long calls;
      long[] latencies = new long[1024];
      int count;

      Client(Random random) {
        this.random = random;
      }

      /** Closes the connection of a stuck call (its read then fails); false when there is nothing to close. */
      synchronized boolean abort() {
        if (aborted || link == null) {
          return false;
        }
        aborted = true;
        link.close();
        return true;
      }

      @Override
      public void run() {
        try {
          while (!stop.get()) {
            Call call = Call.next(random);
            gate.readLock().lock();
            try {
              if (stop.get()) {
                return;
              }
              long started = System.nanoTime();
              callStarted = started;
              Optional<String> failure = harness.surface() == Surface.HTTP ? overHttp(call) : overTcp(call);
              callStarted = 0;
              if (failure.isPresent()) {
                error(call.method + ": " + failure.get());
                reconnect();
              } else {
                record(System.nanoTime() - started);
              }
            } finally {
              gate.readLock().unlock();
            }
          }
        } catch (RuntimeException e) {
          error("client thread: " + e);
        }
      }

      private void record(long nanos) {
        calls++;
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = nanos;
      }

      private synchronized void reconnect() {
        if (link != null) {
          link.close();
          link = null;
        }
        aborted = false;
      }

      private Optional<String> overTcp(Call call) {
        Worker.Link current;
        synchronized (this) {
          if (link == null) {
            try {
              link = harness.worker().connect();
            } catch (IOException e) {
              return Optional.of("connect failed: " + e);
            }
          }
          current = link;
        }
        try {
          current.out().write(call.request);
          current.out().flush();
        } catch (IOException | RuntimeException e) {
          return Optional.of("write failed: " + e);
        }
        return check(current.in(), call);
      }

      private Optional<String> overHttp(Call call) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(harness.worker().url() + "/"
                + Requests.CONFORMANCE + "/" + call.method))
            .timeout(Duration.ofNanos(STUCK_NANOS))
            .header("Content-Type", Harness.ARROW)
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.request))
            .build();
        HttpResponse<byte[]> response;
        try {
          response = send(request);
        } catch (java.net.http.HttpTimeoutException e) {
          stuck.incrementAndGet();
          return Optional.of("no HTTP answer");
        } catch (IOException e) {
          return Optional.of(e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.of("interrupted");
        }
        if (response.statusCode() != 200) {
          return Optional.of("HTTP " + response.statusCode() + " " + new String(response.body(),
              StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        }
        return check(new ByteArrayInputStream(response.body()), call);
      }

      /**
       * Sends a call, once more when the first attempt met a pooled connection the server had already
       * closed: the JDK client reuses a kept-alive connection without checking it and never resends a
       * POST, so a close racing the reuse ends the call before any byte of an answer ("header parser
       * received no bytes"), while the server never saw the request. Production clients (OkHttp)
       * resend on exactly this; the retries are counted and printed, and a second failure counts.
       */
      private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        try {
          return harness.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          if (e instanceof java.net.http.HttpTimeoutException || e.getMessage() == null
              || !e.getMessage().contains("header parser received no bytes")) {
            throw e;
          }
          STALE_RETRIES.incrementAndGet();
          return harness.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
      }

      /** Reads one answer and checks it echoes the call's value. */
      private Optional<String> check(InputStream in, Call call) {
        try {
          Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
          if (opened.isEmpty()) {
            return Optional.of("the connection ended before an answer");
          }
          try (IpcStreamReader reader = opened.get()) {
            Optional<String> verdict = Optional.of("an answer without a result");
            while (reader.next()) {
              Map<String, String> metadata = reader.metadata();
              String level = metadata.get(MetadataKeys.LOG_LEVEL);
              if ("EXCEPTION".equals(level)) {
                verdict = Optional.of(metadata.getOrDefault(MetadataKeys.ERROR_KIND, "?") + ": "
                    + metadata.getOrDefault(MetadataKeys.LOG_MESSAGE, ""));
              } else if (level == null) {
                verdict = call.matches(reader.root()) ? Optional.empty() : Optional.of("a wrong echo");
              }
            }
            return verdict;
          }
        } catch (IOException | RuntimeException e) {
          return Optional.of("answer broke off: " + e);
        }
      }

      void close() {
        reconnect();
      }
    }
  }

  /** One valid call and what its answer must hold. */
  private record Call(String method, byte[] request, Object expected) {
    private static final byte[] BYTES = new byte[64 * 1024];
    private static final String TEXT;
    private static final Call BYTES_CALL;
    private static final Call TEXT_CALL;

    static {
      new Random(64).nextBytes(BYTES);
      StringBuilder text = new StringBuilder();
      while (text.length() < 3 * 1024) {
        text.append("load \u00e9\u4e16 ").append(text.length());
      }
      TEXT = text.toString();
      BYTES_CALL = new Call("echo_bytes", Requests.echoBytes(BYTES).bytes(), BYTES);
      TEXT_CALL = new Call("echo_string", Requests.echoString(TEXT).bytes(), TEXT);
    }

    /** The mix: half echo_int, a third echo_string of about 3 KiB, a sixth echo_bytes of 64 KiB. */
    static Call next(Random random) {
      int pick = random.nextInt(6);
      if (pick < 3) {
        long value = random.nextLong();
        return new Call("echo_int", Requests.echoInt(value).bytes(), value);
      }
      return pick < 5 ? TEXT_CALL : BYTES_CALL;
    }

    boolean matches(VectorSchemaRoot root) {
      if (root.getRowCount() != 1 || root.getFieldVectors().isEmpty()) {
        return false;
      }
      var vector = root.getVector(0);
      if (vector.isNull(0)) {
        return false;
      }
      if (expected instanceof Long value) {
        return vector instanceof BigIntVector ints && ints.get(0) == value;
      }
      if (expected instanceof String text) {
        return vector instanceof VarCharVector chars
            && Arrays.equals(chars.get(0), text.getBytes(StandardCharsets.UTF_8));
      }
      return vector instanceof VarBinaryVector binary && Arrays.equals(binary.get(0), (byte[]) expected);
    }
  }

  private static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
