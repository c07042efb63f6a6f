package dev.arrowrpc.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The {@code slowloris} and {@code connections} categories over HTTP: connections held open by
 * clients that send a byte at a time (or nothing), and many connections at once. The judged outcome
 * is that valid requests are still answered promptly while they are held; the harness never waits
 * for the server's own read or idle timeouts.
 */
final class SlowClients {
  /** A valid request must come back this quickly while slow connections are held. */
  private static final long PROMPT_MILLIS = 2_000;
  private static final long TRICKLE_MILLIS = 100;

  private SlowClients() {}

  // ------------------------------------------------------------------ slowloris

  static void slowloris(HttpAbuse.Cases cases) {
    boolean full = cases.count > 500;
    long hold = full ? 8_000 : 1_500;
    String echoInt = HttpAbuse.CONFORMANCE_PATH + "echo_int";
    byte[] valid = Requests.echoInt(3).bytes();
    byte[] head = RawHttp.head("POST", echoInt, Map.of("Content-Type", Harness.ARROW,
        "Content-Length", Integer.toString(valid.length)));
    byte[] chunkedHead = RawHttp.head("POST", echoInt, Map.of("Content-Type", Harness.ARROW,
        "Transfer-Encoding", "chunked"));
    List<Integer> sizes = full ? List.of(20, 100, 400) : List.of(20);
    for (int n : sizes) {
      held(cases, n + " connections sending headers 1 byte per 100 ms", n, new byte[0], head, hold);
      held(cases, n + " connections trickling a Content-Length body 1 byte per 100 ms", n, head, valid, hold);
      held(cases, n + " connections sending a head that promises a body, then nothing", n, head, new byte[0], hold);
      held(cases, n + " connections trickling a chunked body", n, chunkedHead,
          oneByteChunks(valid), hold);
    }
    if (!full) {
      held(cases, "80 connections sending headers 1 byte per 100 ms", 80, new byte[0], head, hold);
    }
  }

  private static byte[] oneByteChunks(byte[] body) {
    List<byte[]> parts = new ArrayList<>();
    for (byte b : body) {
      parts.add(RawHttp.chunk(new byte[] {b}));
    }
    return RawHttp.concat(parts.toArray(new byte[0][]));
  }

  /**
   * Opens {@code n} connections that send {@code sentAtOnce}, then {@code trickled} a byte per
   * {@link #TRICKLE_MILLIS}; while they are held, valid requests must be answered within {@link
   * #PROMPT_MILLIS}.
   */
  private static void held(HttpAbuse.Cases cases, String label, int n, byte[] sentAtOnce, byte[] trickled,
      long holdMillis) {
    int escapedBefore = cases.worker().escapedLines();
    List<Socket> sockets = new ArrayList<>();
    Verdict.Builder verdict;
    Thread trickler = null;
    try {
      for (int i = 0; i < n; i++) {
        Socket socket = RawHttp.open(cases.worker(), 1_000);
        socket.getOutputStream().write(sentAtOnce);
        socket.getOutputStream().flush();
        sockets.add(socket);
      }
      trickler = new Thread(() -> trickle(sockets, trickled), "slowloris");
      trickler.setDaemon(true);
      trickler.start();
      verdict = probeWhileHeld(cases, holdMillis);
    } catch (IOException e) {
      verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "could not open the slow connections: " + e))
          .fail(Verdict.Problem.UNUSABLE, "opening " + n + " connections failed after " + sockets.size() + ": " + e);
    } finally {
      if (trickler != null) {
        trickler.interrupt();
      }
      sockets.forEach(HttpAbuse::close);
    }
    cases.record(label, verdict, escapedBefore);
  }

  private static void trickle(List<Socket> sockets, byte[] bytes) {
    for (int at = 0; at < bytes.length && !Thread.currentThread().isInterrupted(); at++) {
      for (Socket socket : sockets) {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(bytes[at]);
          out.flush();
        } catch (IOException e) {
          // the server closed it: fine
        }
      }
      try {
        Thread.sleep(TRICKLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Valid requests sent while the connections are held, each on a fresh connection with a short
   * timeout: each must be answered, and within {@link #PROMPT_MILLIS}. The first failure ends the
   * probing (the case has failed; the server's own timeouts are not waited for).
   */
  private static Verdict.Builder probeWhileHeld(HttpAbuse.Cases cases, long holdMillis) {
    long end = System.nanoTime() + holdMillis * 1_000_000;
    sleep(300);
    long slowest = 0;
    int probes = 0;
    while (System.nanoTime() < end || probes < 2) {
      long value = cases.harness.random().nextLong();
      byte[] body = Requests.echoInt(value).bytes();
      RawHttp.Reply reply = RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST",
          HttpAbuse.CONFORMANCE_PATH + "echo_int", Map.of("Content-Type", Harness.ARROW,
              "Content-Length", Integer.toString(body.length), "Connection", "close")), body), false,
          (int) PROMPT_MILLIS);
      Answer answer = checked(reply, value);
      probes++;
      slowest = Math.max(slowest, reply.millis());
      if (answer.kind() != Answer.Kind.ACCEPTED || reply.millis() > PROMPT_MILLIS) {
        Verdict.Builder verdict = new Verdict.Builder(answer);
        verdict.fail(answer.kind() == Answer.Kind.HANG ? Verdict.Problem.HANG : Verdict.Problem.UNUSABLE,
            "valid request " + probes + " while they were held: " + answer.kind() + " after " + reply.millis()
                + " ms (" + answer.detail() + ")");
        return verdict;
      }
      sleep(200);
    }
    return new Verdict.Builder(Answer.of(Answer.Kind.ACCEPTED, probes + " valid requests answered, slowest "
        + slowest + " ms"));
  }

  // ------------------------------------------------------------------ connections

  static void connections(HttpAbuse.Cases cases) {
    boolean full = cases.count > 500;
    int idle = full ? 1_000 : 300;
    int concurrent = full ? 200 : 50;
    ExecutorService pool = Executors.newFixedThreadPool(concurrent, r -> {
      Thread thread = new Thread(r, "connections");
      thread.setDaemon(true);
      return thread;
    });
    try {
      idleThenConcurrent(cases, pool, idle, concurrent);
      openAndClose(cases, idle, false, "");
      openAndClose(cases, idle, true, "");
      openAndClose(cases, idle, true, "POST /ConformanceService/echo_int HTTP/1.1\r\nHost: x\r\nContent-Le");
      abandoned(cases, concurrent * 2);
      keepAlive(cases, pool, concurrent, 4);
      pipelined(cases, 20);
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code idle} connections that send nothing, then {@code concurrent} valid requests at once. */
  private static void idleThenConcurrent(HttpAbuse.Cases cases, ExecutorService pool, int idle, int concurrent) {
    int escapedBefore = cases.worker().escapedLines();
    List<Socket> sockets = new ArrayList<>();
    Verdict.Builder verdict;
    try {
      for (int i = 0; i < idle; i++) {
        sockets.add(RawHttp.open(cases.worker(), 1_000));
      }
      verdict = concurrentRequests(cases, pool, concurrent);
    } catch (IOException e) {
      verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, e.toString()))
          .fail(Verdict.Problem.UNUSABLE, "opening idle connection " + sockets.size() + " failed: " + e);
    } finally {
      sockets.forEach(HttpAbuse::close);
    }
    cases.record(idle + " idle connections, then " + concurrent + " concurrent requests", verdict, escapedBefore);
  }

  private static Verdict.Builder concurrentRequests(HttpAbuse.Cases cases, ExecutorService pool, int concurrent) {
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < concurrent; i++) {
      long value = cases.harness.random().nextLong();
      answers.add(pool.submit(() -> echo(cases, value)));
    }
    int failed = 0;
    Answer first = null;
    for (Future<Answer> future : answers) {
      Answer answer;
      try {
        answer = future.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        answer = Answer.of(Answer.Kind.HANG, e.toString());
      }
      if (answer.kind() != Answer.Kind.ACCEPTED) {
        failed++;
        if (first == null) {
          first = answer;
        }
      }
    }
    Verdict.Builder verdict = new Verdict.Builder(first == null ? answers.isEmpty()
        ? Answer.of(Answer.Kind.ACCEPTED, "none") : Answer.of(Answer.Kind.ACCEPTED, "ok") : first);
    if (failed > 0) {
      verdict.fail(first.kind() == Answer.Kind.HANG ? Verdict.Problem.HANG : Verdict.Problem.UNUSABLE,
          failed + " of " + concurrent + " concurrent valid requests failed: " + first.kind() + " " + first.detail());
    }
    return verdict;
  }

  /** One echo_int on a fresh raw connection, its value checked. */
  private static Answer echo(HttpAbuse.Cases cases, long value) {
    RawHttp.Reply reply = cases.post(HttpAbuse.CONFORMANCE_PATH + "echo_int", Map.of(),
        Requests.echoInt(value).bytes());
    return checked(reply, value);
  }

  private static Answer checked(RawHttp.Reply reply, long value) {
    Answer answer = HttpAbuse.classify(reply, HttpAbuse.Expect.answered());
    if (answer.kind() == Answer.Kind.ACCEPTED && (answer.value().isEmpty() || answer.value().getAsLong() != value)) {
      return Answer.of(Answer.Kind.GARBLED, "the echo came back as " + answer.value() + ", not " + value);
    }
    return answer;
  }

  /** Opens {@code n} connections, sends {@code partial} on each, closes them all (reset, or a clean close). */
  private static void openAndClose(HttpAbuse.Cases cases, int n, boolean reset, String partial) {
    int escapedBefore = cases.worker().escapedLines();
    Verdict.Builder verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "no answer is due"));
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Socket socket = RawHttp.open(cases.worker(), 1_000);
        if (reset) {
          socket.setSoLinger(true, 0);
        }
        if (!partial.isEmpty()) {
          socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        }
        sockets.add(socket);
      }
    } catch (IOException e) {
      verdict.fail(Verdict.Problem.UNUSABLE, "opening connection " + sockets.size() + " failed: " + e);
    } finally {
      sockets.forEach(HttpAbuse::close);
    }
    sleep(200);
    cases.record(n + " connections " + (partial.isEmpty() ? "opened" : "sent half a head") + ", then "
        + (reset ? "reset" : "closed"), verdict, escapedBefore);
  }

  /** Connections that send a whole request and close without reading the answer. */
  private static void abandoned(HttpAbuse.Cases cases, int n) {
    int escapedBefore = cases.worker().escapedLines();
    Verdict.Builder verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "the answers were not read"));
    byte[] valid = Requests.echoInt(9).bytes();
    byte[] request = RawHttp.concat(RawHttp.head("POST", HttpAbuse.CONFORMANCE_PATH + "echo_int", Map.of(
        "Content-Type", Harness.ARROW, "Content-Length", Integer.toString(valid.length))), valid);
    try {
      for (int i = 0; i < n; i++) {
        try (Socket socket = RawHttp.open(cases.worker(), 1_000)) {
          socket.setSoLinger(true, 0);
          socket.getOutputStream().write(request);
          socket.getOutputStream().flush();
        }
      }
    } catch (IOException e) {
      verdict.fail(Verdict.Problem.UNUSABLE, "a connection failed: " + e);
    }
    sleep(300);
    cases.record(n + " requests whose answers were never read (reset)", verdict, escapedBefore);
  }

  /** {@code n} keep-alive connections at once, each carrying {@code each} requests in turn. */
  private static void keepAlive(HttpAbuse.Cases cases, ExecutorService pool, int n, int each) {
    int escapedBefore = cases.worker().escapedLines();
    List<Future<Answer>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(pool.submit(() -> {
        try (Socket socket = RawHttp.open(cases.worker(), cases.timeoutMillis())) {
          InputStream in = socket.getInputStream();
          for (int k = 0; k < each; k++) {
            long value = cases.harness.random().nextLong();
            byte[] body = Requests.echoInt(value).bytes();
            socket.getOutputStream().write(RawHttp.concat(RawHttp.head("POST", HttpAbuse.CONFORMANCE_PATH + "echo_int",
                Map.of("Content-Type", Harness.ARROW, "Content-Length", Integer.toString(body.length))), body));
            socket.getOutputStream().flush();
            Answer answer = checked(RawHttp.read(in, System.nanoTime()), value);
            if (answer.kind() != Answer.Kind.ACCEPTED) {
              return Answer.of(answer.kind(), "request " + (k + 1) + " on the connection: " + answer.detail());
            }
          }
          return Answer.of(Answer.Kind.ACCEPTED, "ok");
        }
      }));
    }
    record(cases, n + " keep-alive connections at once, " + each + " requests each", results, escapedBefore);
  }

  /** {@code n} requests written back to back on one connection, then their answers read in order. */
  private static void pipelined(HttpAbuse.Cases cases, int n) {
    int escapedBefore = cases.worker().escapedLines();
    List<Long> values = new ArrayList<>();
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long value = cases.harness.random().nextLong();
      values.add(value);
      byte[] body = Requests.echoInt(value).bytes();
      requests.add(RawHttp.concat(RawHttp.head("POST", HttpAbuse.CONFORMANCE_PATH + "echo_int",
          Map.of("Content-Type", Harness.ARROW, "Content-Length", Integer.toString(body.length))), body));
    }
    Answer result = Answer.of(Answer.Kind.ACCEPTED, "ok");
    try (Socket socket = RawHttp.open(cases.worker(), cases.timeoutMillis())) {
      socket.getOutputStream().write(RawHttp.concat(requests.toArray(new byte[0][])));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < n; i++) {
        Answer answer = checked(RawHttp.read(in, System.nanoTime()), values.get(i));
        if (answer.kind() != Answer.Kind.ACCEPTED) {
          result = Answer.of(answer.kind(), "pipelined request " + (i + 1) + ": " + answer.detail());
          break;
        }
      }
    } catch (IOException e) {
      result = Answer.of(Answer.Kind.CLOSED, e.toString());
    }
    Verdict.Builder verdict = new Verdict.Builder(result);
    if (result.kind() != Answer.Kind.ACCEPTED) {
      verdict.fail(result.kind() == Answer.Kind.HANG ? Verdict.Problem.HANG : Verdict.Problem.UNUSABLE,
          result.detail());
    }
    cases.record(n + " requests pipelined on one connection", verdict, escapedBefore);
  }

  private static void record(HttpAbuse.Cases cases, String label, List<Future<Answer>> results, int escapedBefore) {
    Map<Answer.Kind, Integer> kinds = new LinkedHashMap<>();
    Answer first = null;
    for (Future<Answer> future : results) {
      Answer answer;
      try {
        answer = future.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        answer = Answer.of(Answer.Kind.CLOSED, e.getCause().toString());
      } catch (Exception e) {
        answer = Answer.of(Answer.Kind.HANG, e.toString());
      }
      kinds.merge(answer.kind(), 1, Integer::sum);
      if (answer.kind() != Answer.Kind.ACCEPTED && first == null) {
        first = answer;
      }
    }
    Verdict.Builder verdict = new Verdict.Builder(first == null ? Answer.of(Answer.Kind.ACCEPTED, "ok") : first);
    if (first != null) {
      verdict.fail(first.kind() == Answer.Kind.HANG ? Verdict.Problem.HANG : Verdict.Problem.UNUSABLE,
          kinds + "; first: " + first.detail());
    }
    cases.record(label, verdict, escapedBefore);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
