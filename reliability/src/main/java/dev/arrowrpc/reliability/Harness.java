package dev.arrowrpc.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Runs cases against one worker and judges them: the answer, then the worker's health (alive, no
 * escaped exception on stderr, allocators back to zero, peak memory within the bound) and a valid
 * request answered afterwards.
 */
final class Harness implements AutoCloseable {
  static final String ARROW = "application/vnd.apache.arrow.stream";

  private final Worker worker;
  private final Duration answerTimeout;
  private final long memoryBoundKb;
  private final Random random;
  private final BufferAllocator memory = new RootAllocator();
  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "answer-reader");
    thread.setDaemon(true);
    return thread;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Worker.Link control;
  private long baselineKb;
  /** Resident memory after the previous case: a case is judged on the peak it adds above it. */
  private long residentBeforeKb;
  /** Arrow bytes the worker held after the previous case (zero unless a case leaked). */
  private long heldBefore;

  Harness(Worker worker, Duration answerTimeout, long memoryBoundKb, Random random) {
    this.worker = worker;
    this.answerTimeout = answerTimeout;
    this.memoryBoundKb = memoryBoundKb;
    this.random = random;
  }

  static Harness start(Surface surface, Path root, Path scratch, Duration answerTimeout, long memoryBoundKb,
      Random random) throws IOException {
    Harness harness = new Harness(Worker.start(surface, root, scratch), answerTimeout, memoryBoundKb, random);
    harness.settle();
    return harness;
  }

  Worker worker() {
    return worker;
  }

  Surface surface() {
    return worker.surface();
  }

  HttpClient http() {
    return http;
  }

  Random random() {
    return random;
  }

  /** Warms the worker with a valid call and takes the memory baseline. */
  private void settle() throws IOException {
    Answer first = probe();
    if (first.kind() != Answer.Kind.ACCEPTED) {
      throw new IOException("the worker does not answer a valid request over " + surface().label() + ": " + first);
    }
    baselineKb = worker.rssKb();
    residentBeforeKb = baselineKb;
    heldBefore = 0;
    worker.resetPeak();
  }

  // ------------------------------------------------------------------ cases

  /** Sends one case, judges the answer and the worker afterwards. */
  Verdict run(Case c) {
    int escapedBefore = worker.escapedLines();
    if (surface() == Surface.HTTP) {
      Answer answer = post(c.method(), c.bytes(), Map.of());
      Verdict.Builder verdict = judgeAnswer(c, answer);
      return afterwards(verdict, escapedBefore, probe());
    }
    Worker.Link link;
    try {
      link = worker.connect();
    } catch (IOException e) {
      return recoverCrash(new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "connect failed: " + e)), escapedBefore,
          "cannot connect: " + e);
    }
    try {
      link.out().write(c.bytes());
      link.out().flush();
    } catch (IOException e) {
      // the server may close while hostile bytes are still arriving; its answer may still be readable
    }
    boolean intact = c.framing() == Case.Framing.INTACT;
    if (!intact) {
      link.endOutput();
    }
    Answer answer = read(link);
    Verdict.Builder verdict = judgeAnswer(c, answer);
    if (answer.kind() == Answer.Kind.HANG) {
      link.close();
      return restartIfPipe(verdict, escapedBefore);
    }
    if (intact && surface() != Surface.PIPE || intact && worker.alive()) {
      Answer probe = probeOn(link);
      if (surface() != Surface.PIPE) {
        link.close();
      }
      return afterwards(verdict, escapedBefore, probe);
    }
    link.close();
    if (surface() == Surface.PIPE) {
      // a stdio worker whose input ended (or broke) must end cleanly: status 0
      try {
        int status = worker.awaitExit(answerTimeout.toMillis());
        if (status == -1) {
          verdict.fail(Verdict.Problem.HANG, "the stdio worker did not exit after its input ended");
        } else if (status != 0) {
          verdict.fail(Verdict.Problem.CRASH, "the stdio worker exited with status " + status);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return restartIfPipe(verdict, escapedBefore);
    }
    return afterwards(verdict, escapedBefore, probe());
  }

  /** For scenarios: judges the worker after a case (alive, escapes, the given probe, leaks, peak memory). */
  Verdict judge(Verdict.Builder verdict, int escapedBefore, Answer probe) {
    return afterwards(verdict, escapedBefore, probe);
  }

  /** For scenarios: after a case that hung or ended a stdio worker's input (restarts a stdio worker). */
  Verdict judgeAbandoned(Verdict.Builder verdict, int escapedBefore) {
    return restartIfPipe(verdict, escapedBefore);
  }

  private Verdict restartIfPipe(Verdict.Builder verdict, int escapedBefore) {
    if (surface() == Surface.PIPE || !worker.alive()) {
      if (!worker.alive() && surface() != Surface.PIPE) {
        verdict.fail(Verdict.Problem.CRASH, "the worker process died");
      }
      noteEscapes(verdict, escapedBefore);
      restart(verdict);
      return verdict.build();
    }
    return afterwards(verdict, escapedBefore, probe());
  }

  private Verdict recoverCrash(Verdict.Builder verdict, int escapedBefore, String why) {
    verdict.fail(worker.alive() ? Verdict.Problem.UNUSABLE : Verdict.Problem.CRASH, why);
    noteEscapes(verdict, escapedBefore);
    restart(verdict);
    return verdict.build();
  }

  private void restart(Verdict.Builder verdict) {
    control = null;
    try {
      worker.restart();
      settle();
    } catch (IOException e) {
      verdict.fail(Verdict.Problem.CRASH, "the worker could not be restarted: " + e);
    }
  }

  /** Kills nothing itself: starts a fresh worker after a scenario killed (or broke) the old one, and settles it. */
  void restartWorker() throws IOException {
    control = null;
    worker.restart();
    settle();
  }

  /** The answer judged against what the case allows. */
  private Verdict.Builder judgeAnswer(Case c, Answer answer) {
    Verdict.Builder verdict = new Verdict.Builder(answer);
    switch (answer.kind()) {
      case TYPED_ERROR -> { }
      case ACCEPTED -> {
        if (c.expect() == Case.Expect.ERROR) {
          verdict.fail(Verdict.Problem.SILENT, "a request that must be refused was answered");
        }
      }
      case CLOSED -> {
        if (c.framing() == Case.Framing.INTACT || surface() == Surface.HTTP) {
          verdict.fail(Verdict.Problem.UNUSABLE, "a whole request got no answer, the connection was closed");
        }
      }
      case GARBLED -> verdict.fail(Verdict.Problem.ESCAPED, answer.detail());
      case HANG -> verdict.fail(Verdict.Problem.HANG, "no answer within " + answerTimeout.toMillis() + " ms");
    }
    return verdict;
  }

  /** The worker after the case: alive, no escaped trace, the probe answered, no leak, peak within bound. */
  private Verdict afterwards(Verdict.Builder verdict, int escapedBefore, Answer probe) {
    if (probe.kind() != Answer.Kind.ACCEPTED) {
      if (!worker.alive()) {
        return recoverCrash(verdict, escapedBefore, "the worker process died");
      }
      verdict.fail(Verdict.Problem.UNUSABLE, "the valid request after it got " + probe.kind() + " " + probe.detail());
    }
    noteEscapes(verdict, escapedBefore);
    long held = settledAllocation();
    if (held < 0) {
      verdict.fail(Verdict.Problem.LEAK, "the worker's allocators could not be read after the case");
      control = null;
    } else if (held > heldBefore) {
      verdict.fail(Verdict.Problem.LEAK, (held - heldBefore) + " more bytes allocated after the case ("
          + held + " in all)");
    }
    // each case is judged on what it added: an earlier leak is counted once, not against every later case
    heldBefore = Math.max(held, 0);
    long peak = worker.peakKb();
    if (peak - residentBeforeKb > memoryBoundKb) {
      verdict.fail(Verdict.Problem.OVER_MEMORY, "peak RSS " + peak / 1024 + " MiB, " + (peak - residentBeforeKb) / 1024
          + " MiB above the " + residentBeforeKb / 1024 + " MiB resident before the case");
    }
    worker.resetPeak();
    residentBeforeKb = Math.max(worker.rssKb(), baselineKb);
    return verdict.build();
  }

  /**
   * Judges the worker after a scenario's case whose answer the scenario judged itself: a valid request
   * answered (on a fresh connection), no escaped trace since {@code escapedBefore}, allocators back
   * to zero, peak memory within the bound.
   */
  Verdict judge(Verdict.Builder verdict, int escapedBefore) {
    return afterwards(verdict, escapedBefore, probe());
  }

  private void noteEscapes(Verdict.Builder verdict, int escapedBefore) {
    // stderr is read by another thread: give its lines a moment to arrive
    int escaped = worker.escapedLines();
    if (escaped == escapedBefore) {
      sleep(2);
      escaped = worker.escapedLines();
    }
    if (escaped > escapedBefore) {
      verdict.fail(Verdict.Problem.ESCAPED, (escaped - escapedBefore) + " stack-trace lines on the worker's stderr");
    }
  }

  /** The allocator's holding, allowing a connection torn down by the case a moment to release. */
  private long settledAllocation() {
    long held = allocated();
    for (int i = 0; i < 20 && held > heldBefore; i++) {
      sleep(50);
      held = allocated();
    }
    return held;
  }

  // ------------------------------------------------------------------ probes

  /** A valid request on a fresh connection (stdio: the pipe), its echo checked. */
  Answer probe() {
    if (surface() == Surface.HTTP) {
      long value = random.nextLong();
      return checkEcho(post("echo_int", Requests.echoInt(value).bytes(), Map.of()), value);
    }
    try {
      Worker.Link link = worker.connect();
      try {
        return probeOn(link);
      } finally {
        if (surface() != Surface.PIPE) {
          link.close();
        }
      }
    } catch (IOException e) {
      return Answer.of(Answer.Kind.CLOSED, "connect failed: " + e);
    }
  }

  /** A valid request on this connection, its echo checked (the connection is in step if it comes back). */
  Answer probeOn(Worker.Link link) {
    long value = random.nextLong();
    return checkEcho(exchange(link, Requests.echoInt(value).bytes()), value);
  }

  private static Answer checkEcho(Answer answer, long value) {
    if (answer.kind() == Answer.Kind.ACCEPTED
        && (answer.value().isEmpty() || answer.value().getAsLong() != value)) {
      return Answer.of(Answer.Kind.GARBLED, "the echo came back as " + answer.value() + ", not " + value);
    }
    return answer;
  }

  /** The bytes the server's allocators hold; -1 when it cannot be asked. */
  long allocated() {
    Answer answer;
    if (surface() == Surface.HTTP) {
      answer = post(Requests.DIAGNOSTICS, "allocated_bytes", Requests.allocatedBytes().bytes(), Map.of());
    } else {
      try {
        if (control == null) {
          control = worker.connect();
        }
        answer = exchange(control, Requests.allocatedBytes().bytes());
      } catch (IOException e) {
        answer = Answer.of(Answer.Kind.CLOSED, e.toString());
      }
      if (answer.kind() != Answer.Kind.ACCEPTED && surface() != Surface.PIPE) {
        control.close();
        control = null;
      }
    }
    return answer.kind() == Answer.Kind.ACCEPTED && answer.value().isPresent() ? answer.value().getAsLong() : -1;
  }

  // ------------------------------------------------------------------ I/O

  /** Writes a whole request on a connection and reads its answer. */
  Answer exchange(Worker.Link link, byte[] request) {
    try {
      link.out().write(request);
      link.out().flush();
    } catch (IOException e) {
      return Answer.of(Answer.Kind.CLOSED, "write failed: " + e);
    }
    return read(link);
  }

  /** Reads one answer within the timeout; on a timeout the answer is HANG and the reader is left to the close. */
  Answer read(Worker.Link link) {
    Future<Answer> reading = readers.submit(() -> Answers.read(link.in(), memory));
    try {
      return reading.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reading.cancel(true);
      return Answer.of(Answer.Kind.HANG, "no answer");
    } catch (ExecutionException e) {
      return Answer.of(Answer.Kind.GARBLED, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.of(Answer.Kind.HANG, "interrupted");
    }
  }

  /** Posts a body to a ConformanceService method. */
  Answer post(String method, byte[] body, Map<String, String> headers) {
    return post(Requests.CONFORMANCE, method, body, headers);
  }

  /** Posts a body to {@code /{protocol}/{method}} and classifies the HTTP answer. */
  Answer post(String protocol, String method, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.url() + "/" + protocol + "/" + method))
        .timeout(answerTimeout)
        .header("Content-Type", ARROW)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.http.HttpTimeoutException e) {
      return Answer.of(Answer.Kind.HANG, "no HTTP answer");
    } catch (IOException e) {
      return Answer.of(Answer.Kind.CLOSED, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.of(Answer.Kind.HANG, "interrupted");
    }
    return classify(response, memory);
  }

  /** An HTTP answer: a 200 carries an IPC answer, a 4xx a body saying why; anything else escaped. */
  static Answer classify(HttpResponse<byte[]> response, BufferAllocator memory) {
    int status = response.statusCode();
    byte[] body = response.body();
    if (status == 200) {
      if (body.length == 0) {
        return Answer.of(Answer.Kind.GARBLED, "an empty 200");
      }
      return Answers.read(new java.io.ByteArrayInputStream(body), memory);
    }
    if (status >= 400 && status < 500 && body.length > 0) {
      return Answer.of(Answer.Kind.TYPED_ERROR, "HTTP " + status);
    }
    return Answer.of(Answer.Kind.GARBLED, "HTTP " + status + " with " + body.length + " body bytes");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (control != null && surface() != Surface.PIPE) {
      control.close();
    }
    worker.close();
    readers.shutdownNow();
    try {
      memory.close();
    } catch (IllegalStateException e) {
      // an answer abandoned on a timeout still held its buffers: the harness's, not the worker's
    }
  }
}
