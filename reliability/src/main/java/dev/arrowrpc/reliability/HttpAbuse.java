package dev.arrowrpc.reliability;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The HTTP abuse categories, as scenarios over raw sockets: decompression bombs, oversized and
 * lying bodies, bad methods, paths and headers, forged stream tokens ({@link TokenAbuse}), slow
 * clients and many connections. Each case is judged on its answer (a typed refusal with the status
 * it calls for, or an answer where one is allowed; never a 5xx, an empty 200, a stack trace in the
 * body, or a hang), then on the worker afterwards ({@link Harness#judge}).
 */
final class HttpAbuse {
  /** Answers from the abuse requests are read with this allocator (the harness's own, not the worker's). */
  static final BufferAllocator MEMORY = new RootAllocator();
  static final String CONFORMANCE_PATH = "/" + Requests.CONFORMANCE + "/";
  private static final Pattern TRACE = Pattern.compile("\\n\\s+at [\\w$.]+\\(|Exception in thread");
  /** Refusals of oversized or bombed bodies must come this quickly. */
  static final long QUICK_MILLIS = 5_000;
  /** With {@code RELIABILITY_VERBOSE} set, every failed case and each category's time go to stderr. */
  static final boolean VERBOSE = System.getenv("RELIABILITY_VERBOSE") != null;

  private HttpAbuse() {}

  /** Every HTTP abuse scenario, for {@code Reliability.main}. */
  static List<Scenario> scenarios() {
    return List.of(
        scenario("bombs", HttpAbuse::bombs),
        scenario("oversize", HttpAbuse::oversize),
        scenario("http-metadata", HttpAbuse::metadata),
        scenario("tokens", TokenAbuse::run),
        scenario("slowloris", SlowClients::slowloris),
        scenario("connections", SlowClients::connections));
  }

  /** What a scenario's body does with the harness. */
  interface Body {
    void run(Cases cases);
  }

  private static Scenario scenario(String category, Body body) {
    return new Scenario() {
      @Override
      public String category() {
        return category;
      }

      @Override
      public Set<Surface> surfaces() {
        return Set.of(Surface.HTTP);
      }

      @Override
      public void run(Harness harness, int count, Tally tally) {
        long started = System.nanoTime();
        body.run(new Cases(harness, category, count, tally));
        if (VERBOSE) {
          System.err.printf("  %s: %.1f s%n", category, (System.nanoTime() - started) / 1e9);
        }
      }
    };
  }

  /**
   * What an answer may be.
   *
   * @param statuses the refusal statuses that pass (empty: any 4xx)
   * @param refusable whether a typed refusal passes
   * @param acceptable whether an ordinary answer passes
   * @param closeAllowed whether a close without a response passes (the framing was broken)
   * @param bareRefusal whether a 4xx without a body passes (HTTP-level refusals by the server's parser)
   * @param quickMillis the longest the answer may take (0: the harness's answer timeout)
   */
  record Expect(Set<Integer> statuses, boolean refusable, boolean acceptable, boolean closeAllowed,
      boolean bareRefusal, long quickMillis) {
    /** A typed refusal, with one of these statuses (any 4xx when none are given). */
    static Expect refused(Integer... statuses) {
      return new Expect(Set.of(statuses), true, false, false, false, 0);
    }

    /** A valid request: only an ordinary answer passes. */
    static Expect answered() {
      return new Expect(Set.of(), false, true, false, false, 0);
    }

    /** A typed refusal (any 4xx) or an ordinary answer. */
    static Expect either() {
      return new Expect(Set.of(), true, true, false, false, 0);
    }

    Expect quick() {
      return new Expect(statuses, refusable, acceptable, closeAllowed, bareRefusal, QUICK_MILLIS);
    }

    Expect orClose() {
      return new Expect(statuses, refusable, acceptable, true, true, quickMillis);
    }

    Expect bare() {
      return new Expect(statuses, refusable, acceptable, closeAllowed, true, quickMillis);
    }

    Expect orAnswer() {
      return new Expect(statuses, refusable, true, closeAllowed, bareRefusal, quickMillis);
    }
  }

  /** One category's cases against the harness: runs, judges and records each. */
  static final class Cases {
    final Harness harness;
    final String category;
    final int count;
    final Tally tally;
    /** The value every valid request of the category echoes, when it has one. */
    java.util.OptionalLong echo = java.util.OptionalLong.empty();

    Cases(Harness harness, String category, int count, Tally tally) {
      this.harness = harness;
      this.category = category;
      this.count = count;
      this.tally = tally;
    }

    Worker worker() {
      return harness.worker();
    }

    int timeoutMillis() {
      return 10_000;
    }

    /**
     * Sends, judges the reply and the worker afterwards, records. An ordinary answer must carry
     * {@link #echo}, the value the category's valid request sent.
     */
    void run(String label, Expect expect, Supplier<RawHttp.Reply> send) {
      run(label, expect, send, (reply, verdict) -> {
        Answer answer = classify(reply, expect);
        if (echo.isPresent() && answer.kind() == Answer.Kind.ACCEPTED
            && (answer.value().isEmpty() || answer.value().getAsLong() != echo.getAsLong())) {
          verdict.fail(Verdict.Problem.SILENT, "the echo came back as " + answer.value() + ", not " + echo.getAsLong());
        }
      });
    }

    /** Sends, judges the reply, applies the case's own check of what came back, judges the worker. */
    void run(String label, Expect expect, Supplier<RawHttp.Reply> send,
        java.util.function.BiConsumer<RawHttp.Reply, Verdict.Builder> check) {
      int escapedBefore = worker().escapedLines();
      RawHttp.Reply reply = send.get();
      Verdict.Builder verdict = judgeReply(reply, expect);
      check.accept(reply, verdict);
      record(label, verdict, escapedBefore);
    }

    /** Records a case judged by the scenario, after judging the worker. */
    void record(String label, Verdict.Builder verdict, int escapedBefore) {
      if (verdict.build().answer() != Answer.Kind.TYPED_ERROR && verdict.build().answer() != Answer.Kind.ACCEPTED) {
        // a trace logged while the failure was answered reaches stderr a moment later: count it here
        sleep(150);
      }
      Verdict judged = harness.judge(verdict, escapedBefore);
      if (VERBOSE && !judged.passed()) {
        System.err.println("  failed " + category + ": " + label + " -> " + judged.detail());
        if (worker().escapedLines() > escapedBefore) {
          List<String> lines = worker().recentLines().stream()
              .filter(line -> !line.contains("org.jboss.") && !line.contains("org.xnio.") && !line.contains("java.base/"))
              .toList();
          lines.subList(Math.max(0, lines.size() - 16), lines.size())
              .forEach(line -> System.err.println("    stderr: " + shorten(line)));
        }
      }
      tally.add(Surface.HTTP, category, label, judged);
    }

    /** A POST on a fresh connection, the whole body with its Content-Length, {@code Connection: close}. */
    RawHttp.Reply post(String path, Map<String, String> headers, byte[] body) {
      Map<String, String> all = new LinkedHashMap<>();
      all.put("Content-Type", Harness.ARROW);
      all.put("Content-Length", Integer.toString(body.length));
      all.put("Connection", "close");
      all.putAll(headers);
      all.values().removeIf(String::isEmpty);
      return RawHttp.exchange(worker(), RawHttp.concat(RawHttp.head("POST", path, all), body), false, timeoutMillis());
    }
  }

  /** Classifies a raw reply and judges it against what the case allows. */
  static Verdict.Builder judgeReply(RawHttp.Reply reply, Expect expect) {
    Answer classified = classify(reply, expect);
    Answer answer = new Answer(classified.kind(), shorten(classified.detail()), classified.value());
    Verdict.Builder verdict = new Verdict.Builder(answer);
    switch (answer.kind()) {
      case HANG -> verdict.fail(Verdict.Problem.HANG, "no response within the timeout (" + reply.millis() + " ms)");
      case CLOSED -> {
        if (!expect.closeAllowed()) {
          verdict.fail(Verdict.Problem.UNUSABLE, "closed without a response: " + reply.detail());
        }
      }
      case GARBLED -> verdict.fail(Verdict.Problem.ESCAPED, answer.detail());
      case ACCEPTED -> {
        if (!expect.acceptable()) {
          verdict.fail(Verdict.Problem.SILENT, "a request that must be refused was answered (HTTP " + reply.status() + ")");
        }
      }
      case TYPED_ERROR -> {
        if (!expect.refusable()) {
          verdict.fail(Verdict.Problem.UNUSABLE, "a valid request was refused (HTTP " + reply.status() + ")");
        } else if (reply.status() != 200 && !expect.statuses().isEmpty() && !expect.statuses().contains(reply.status())) {
          verdict.fail(Verdict.Problem.ESCAPED, "refused with HTTP " + reply.status() + ", expected "
              + expect.statuses());
        }
        if (expect.refusable() && reply.status() == 200 && !expect.statuses().isEmpty()) {
          verdict.fail(Verdict.Problem.ESCAPED, "refused in-band with HTTP 200, expected " + expect.statuses());
        }
      }
    }
    String text = new String(reply.body(), StandardCharsets.ISO_8859_1);
    if (TRACE.matcher(text).find()) {
      verdict.fail(Verdict.Problem.ESCAPED, "a stack trace in the response body");
    }
    if (expect.quickMillis() > 0 && reply.millis() > expect.quickMillis() && answer.kind() != Answer.Kind.HANG) {
      verdict.fail(Verdict.Problem.HANG, "answered after " + reply.millis() + " ms, more than " + expect.quickMillis());
    }
    return verdict;
  }

  /** The raw reply as an {@link Answer}: 200 with IPC, 4xx with a body, or something that is no answer. */
  static Answer classify(RawHttp.Reply reply, Expect expect) {
    switch (reply.outcome()) {
      case TIMEOUT:
        return Answer.of(Answer.Kind.HANG, reply.detail());
      case CLOSED:
        return Answer.of(Answer.Kind.CLOSED, reply.detail());
      default:
        break;
    }
    int status = reply.status();
    if (status == 200) {
      if (reply.body().length == 0) {
        return Answer.of(Answer.Kind.GARBLED, "an empty 200");
      }
      return Answers.read(new ByteArrayInputStream(reply.body()), MEMORY);
    }
    if (status >= 400 && status < 500 && (reply.body().length > 0 || expect.bareRefusal())) {
      return Answer.of(Answer.Kind.TYPED_ERROR, "HTTP " + status);
    }
    return Answer.of(Answer.Kind.GARBLED, "HTTP " + status + " with " + reply.body().length + " body bytes"
        + (reply.detail().isEmpty() ? "" : " (" + reply.detail() + ")"));
  }

  // ------------------------------------------------------------------ bombs

  private static void bombs(Cases cases) {
    long limit = maxRequestBytes(cases);
    String echoBytes = CONFORMANCE_PATH + "echo_bytes";
    String echoInt = CONFORMANCE_PATH + "echo_int";
    HttpBodies.Virtual over = HttpBodies.hugeEchoBytes(limit + (1 << 20));
    HttpBodies.Virtual far = HttpBodies.hugeEchoBytes(Integer.MAX_VALUE - 1024);
    HttpBodies.Virtual zeros = new HttpBodies.Virtual(new byte[0], limit + (1 << 20), new byte[0]);
    byte[] valid = Requests.echoInt(42).bytes();
    cases.echo = java.util.OptionalLong.of(42);
    byte[] zstdOver = HttpBodies.zstd(over, Long.MAX_VALUE);
    byte[] gzipOver = HttpBodies.gzip(over, Long.MAX_VALUE);
    Map<String, String> zstd = Map.of("Content-Encoding", "zstd");
    Map<String, String> gzip = Map.of("Content-Encoding", "gzip");
    Expect tooLarge = Expect.refused(413).quick();
    Expect corrupt = Expect.refused(400).quick();
    Expect notARequest = Expect.refused().quick();

    cases.run("zstd request decoding to max_request_bytes + 1 MiB", tooLarge,
        () -> cases.post(echoBytes, zstd, zstdOver));
    cases.run("zstd request decoding to 2 GiB", tooLarge,
        () -> cases.post(echoBytes, zstd, HttpBodies.zstd(far, Long.MAX_VALUE)));
    cases.run("zstd request in concatenated 32 MiB frames", tooLarge,
        () -> cases.post(echoBytes, zstd, HttpBodies.zstd(over, 32L << 20)));
    cases.run("zstd zeros decoding past the limit", notARequest,
        () -> cases.post(echoBytes, zstd, HttpBodies.zstd(zeros, Long.MAX_VALUE)));
    cases.run("zstd of a zstd bomb (nested)", notARequest,
        () -> cases.post(echoBytes, zstd, HttpBodies.zstd(zstdOver)));
    cases.run("zstd frame declaring 16 bytes, decoding to 1 MiB", corrupt,
        () -> cases.post(echoBytes, zstd, HttpBodies.zstdLyingSize(16, 1 << 20)));
    cases.run("zstd frame declaring 2^62 bytes", corrupt.orAnswer(),
        () -> cases.post(echoInt, zstd, RawHttp.concat(HttpBodies.zstdLyingSize(1L << 62, 1 << 10))));
    cases.run("zstd skippable frame claiming 2 GiB", corrupt,
        () -> cases.post(echoInt, zstd, HttpBodies.zstdSkippable(Integer.MAX_VALUE, HttpBodies.zstd(valid))));
    cases.run("zstd skippable frame then the request", Expect.either(),
        () -> cases.post(echoInt, zstd, HttpBodies.zstdSkippable(16, RawHttp.concat(new byte[16], HttpBodies.zstd(valid)))));
    cases.run("zstd magic then random bytes", corrupt,
        () -> cases.post(echoInt, zstd, RawHttp.concat(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD},
            randomBytes(cases, 4096))));
    cases.run("zstd stream cut in the middle", corrupt,
        () -> cases.post(echoBytes, zstd, java.util.Arrays.copyOf(zstdOver, zstdOver.length / 2)));
    cases.run("zstd header on a gzip body", corrupt,
        () -> cases.post(echoInt, zstd, HttpBodies.gzip(valid)));
    cases.run("zstd-encoded valid request", Expect.answered(),
        () -> cases.post(echoInt, zstd, HttpBodies.zstd(valid)));
    cases.run("gzip request decoding to max_request_bytes + 1 MiB", tooLarge,
        () -> cases.post(echoBytes, gzip, gzipOver));
    cases.run("gzip request in concatenated 64 MiB members", tooLarge,
        () -> cases.post(echoBytes, gzip, HttpBodies.gzip(over, 64L << 20)));
    cases.run("gzip of a gzip bomb (nested)", notARequest,
        () -> cases.post(echoBytes, gzip, HttpBodies.gzip(gzipOver)));
    cases.run("gzip stream cut in the middle", corrupt,
        () -> cases.post(echoBytes, gzip, java.util.Arrays.copyOf(gzipOver, gzipOver.length / 2)));
    cases.run("gzip header then random bytes", corrupt,
        () -> cases.post(echoInt, gzip, RawHttp.concat(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff},
            randomBytes(cases, 4096))));
    byte[] badCrc = HttpBodies.gzip(valid);
    badCrc[badCrc.length - 6] ^= 0x55;
    cases.run("gzip member with a wrong CRC", corrupt, () -> cases.post(echoInt, gzip, badCrc));
    byte[] badLength = HttpBodies.gzip(valid);
    badLength[badLength.length - 2] ^= 0x55;
    cases.run("gzip member with a wrong ISIZE", corrupt, () -> cases.post(echoInt, gzip, badLength));
    cases.run("gzip-encoded valid request", Expect.answered(),
        () -> cases.post(echoInt, gzip, HttpBodies.gzip(valid)));
    cases.run("x-gzip-encoded valid request", Expect.answered(),
        () -> cases.post(echoInt, Map.of("Content-Encoding", "x-gzip"), HttpBodies.gzip(valid)));
    for (String coding : List.of("br", "deflate", "compress", "gzip, zstd", "zstd, zstd", "aes128gcm", "*",
        "zstd;level=19", "snappy")) {
      cases.run("Content-Encoding: " + coding, Expect.refused(415),
          () -> cases.post(echoInt, Map.of("Content-Encoding", coding), valid));
    }
  }

  static byte[] randomBytes(Cases cases, int n) {
    byte[] bytes = new byte[n];
    cases.harness.random().nextBytes(bytes);
    return bytes;
  }

  /** The limit the worker advertises ({@code VGI-Max-Request-Bytes}), or its default. */
  static long maxRequestBytes(Cases cases) {
    RawHttp.Reply reply = RawHttp.exchange(cases.worker(),
        RawHttp.head("GET", "/health", Map.of("Connection", "close")), false, cases.timeoutMillis());
    return RawHttp.header(reply, "VGI-Max-Request-Bytes").map(Long::parseLong).orElse(256L << 20);
  }

  // ------------------------------------------------------------------ oversize

  private static void oversize(Cases cases) {
    long limit = maxRequestBytes(cases);
    String echoBytes = CONFORMANCE_PATH + "echo_bytes";
    String echoInt = CONFORMANCE_PATH + "echo_int";
    byte[] valid = Requests.echoInt(7).bytes();
    cases.echo = java.util.OptionalLong.of(7);
    HttpBodies.Virtual over = HttpBodies.hugeEchoBytes(limit + (1 << 20));
    Expect tooLarge = Expect.refused(413).quick();
    int t = cases.timeoutMillis();

    cases.run("Content-Length max_request_bytes + 1, body sent until the answer", tooLarge,
        () -> RawHttp.exchange(cases.worker(), head(echoBytes, Long.toString(limit + 1)),
            zeros(limit + 1, 48L << 20), false, t));
    cases.run("Content-Length 2^62, body sent until the answer", Expect.refused(413, 400).bare().quick(),
        () -> RawHttp.exchange(cases.worker(), head(echoBytes, Long.toString(1L << 62)),
            zeros(1L << 62, 48L << 20), false, t));
    cases.run("Content-Length max_request_bytes + 1, no body, half-closed", tooLarge.orClose(),
        () -> RawHttp.exchange(cases.worker(), head(echoBytes, Long.toString(limit + 1)), true, t));
    cases.run("Content-Length past int64", Expect.refused(400, 413).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(head(echoBytes, "99999999999999999999999"), valid), false, t));
    cases.run("negative Content-Length", Expect.refused(400).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(head(echoInt, "-1"), valid), true, t));
    cases.run("two different Content-Length headers", Expect.refused(400).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
            "Content-Type", Harness.ARROW, "Content-Length", Integer.toString(valid.length),
            "content-length", Integer.toString(valid.length + 5), "Connection", "close")), valid), true, t));
    cases.run("Content-Length shorter than the body", Expect.refused().bare(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(head(echoInt, Integer.toString(valid.length / 2)), valid),
            true, t));
    // the IPC stream inside is whole: a server may answer it before it finds the body short
    cases.run("Content-Length longer than the body, then half-closed", Expect.refused().orClose().orAnswer(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(head(echoInt, Integer.toString(valid.length + 100)), valid),
            true, t));
    cases.run("Content-Length 0", Expect.refused(),
        () -> RawHttp.exchange(cases.worker(), head(echoInt, "0"), false, t));
    cases.run("chunked request past max_request_bytes", tooLarge,
        () -> RawHttp.exchange(cases.worker(), chunkedHead(echoBytes), chunked(over, 1 << 20), false, t));
    cases.run("chunked zeros past max_request_bytes", Expect.refused().quick(),
        () -> RawHttp.exchange(cases.worker(), chunkedHead(echoBytes),
            chunked(new HttpBodies.Virtual(new byte[0], limit + 1, new byte[0]), 1 << 20), false, t));
    cases.run("chunked valid request in 1-byte chunks", Expect.answered(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(chunkedHead(echoInt), oneByteChunks(valid)), false, t));
    cases.run("chunked body without its last chunk, half-closed", Expect.refused().orClose().orAnswer(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(chunkedHead(echoInt), RawHttp.chunk(valid)), true, t));
    cases.run("chunk size that is not hex", Expect.refused(400).orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(chunkedHead(echoInt),
            "zz\r\n".getBytes(StandardCharsets.US_ASCII), valid), true, t));
    cases.run("chunk size 2^64 - 1", Expect.refused(400, 413).orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(chunkedHead(echoInt),
            "ffffffffffffffff\r\n".getBytes(StandardCharsets.US_ASCII), valid), true, t));
    cases.run("one chunk larger than max_request_bytes", tooLarge,
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(chunkedHead(echoBytes),
            (Long.toHexString(over.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII)),
            out -> {
              over.writeTo(out);
              out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
              out.write(RawHttp.lastChunk());
            }, false, t));
    // a refusal already decided must not wait for a body the client is not sending
    int quick = (int) QUICK_MILLIS + 1_000;
    cases.run("Content-Length over the limit, no body, connection left open", tooLarge,
        () -> RawHttp.exchange(cases.worker(), head(echoBytes, Long.toString(limit + 1)), false, quick));
    cases.run("a request that stops just past max_request_bytes, connection left open", tooLarge,
        () -> RawHttp.exchange(cases.worker(), head(echoBytes, Long.toString(over.length())), out -> {
          out.write(over.prefix());
          zeros(over.zeros(), limit + 65_536 - over.prefix().length).writeTo(out);
        }, false, quick));
    cases.run("Content-Length and chunked together", Expect.refused(400).bare().orClose().orAnswer(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
            "Content-Type", Harness.ARROW, "Content-Length", "3", "Transfer-Encoding", "chunked", "Connection", "close")),
            RawHttp.chunk(valid), RawHttp.lastChunk()), false, t));
    cases.run("Transfer-Encoding gzip, chunked", Expect.refused(400, 415, 501).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
            "Content-Type", Harness.ARROW, "Transfer-Encoding", "gzip, chunked", "Connection", "close")),
            RawHttp.chunk(HttpBodies.gzip(valid)), RawHttp.lastChunk()), false, t));
    cases.run("JDK client, body of max_request_bytes + 1 MiB", tooLarge, () -> jdkPost(cases, echoBytes,
        limit + (1 << 20)));
  }

  private static byte[] head(String path, String contentLength) {
    return RawHttp.head("POST", path, Map.of("Content-Type", Harness.ARROW, "Content-Length", contentLength,
        "Connection", "close"));
  }

  private static byte[] chunkedHead(String path) {
    return RawHttp.head("POST", path, Map.of("Content-Type", Harness.ARROW, "Transfer-Encoding", "chunked",
        "Connection", "close"));
  }

  /** Up to {@code bound} of {@code total} zero bytes (a sender that stops when the server answers). */
  private static RawHttp.Body zeros(long total, long bound) {
    return out -> {
      byte[] block = new byte[64 * 1024];
      for (long left = Math.min(total, bound); left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
      out.flush();
    };
  }

  private static RawHttp.Body chunked(HttpBodies.Virtual body, int chunkBytes) {
    return out -> {
      OutputStream chunks = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          for (int at = off; at < off + len; at += chunkBytes) {
            int n = Math.min(chunkBytes, off + len - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, at, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        }
      };
      body.writeTo(chunks);
      out.write(RawHttp.lastChunk());
      out.flush();
    };
  }

  private static byte[] oneByteChunks(byte[] body) {
    List<byte[]> parts = new ArrayList<>();
    for (byte b : body) {
      parts.add(RawHttp.chunk(new byte[] {b}));
    }
    parts.add(RawHttp.lastChunk());
    return RawHttp.concat(parts.toArray(new byte[0][]));
  }

  /** What an ordinary client sees: the JDK client posting a long body of zeros with its length. */
  private static RawHttp.Reply jdkPost(Cases cases, String path, long length) {
    long started = System.nanoTime();
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(cases.worker().url() + path))
        .timeout(java.time.Duration.ofMillis(cases.timeoutMillis()))
        .header("Content-Type", Harness.ARROW)
        .POST(java.net.http.HttpRequest.BodyPublishers.fromPublisher(
            java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
              long left = length;

              @Override
              public int read() {
                return left-- > 0 ? 0 : -1;
              }

              @Override
              public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                  return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
              }
            }), length))
        .build();
    try {
      java.net.http.HttpResponse<byte[]> response = cases.harness.http().send(request,
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> headers = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(", ", v)));
      return new RawHttp.Reply(RawHttp.Outcome.ANSWERED, response.statusCode(), headers, response.body(),
          (System.nanoTime() - started) / 1_000_000, "");
    } catch (java.net.http.HttpTimeoutException e) {
      return RawHttp.Reply.failed(RawHttp.Outcome.TIMEOUT, (System.nanoTime() - started) / 1_000_000, e.toString());
    } catch (IOException e) {
      return RawHttp.Reply.failed(RawHttp.Outcome.CLOSED, (System.nanoTime() - started) / 1_000_000, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RawHttp.Reply.failed(RawHttp.Outcome.TIMEOUT, 0, "interrupted");
    }
  }

  // ------------------------------------------------------------------ metadata

  private static void metadata(Cases cases) {
    String echoInt = CONFORMANCE_PATH + "echo_int";
    byte[] valid = Requests.echoInt(11).bytes();
    cases.echo = java.util.OptionalLong.of(11);
    int t = cases.timeoutMillis();
    Map<String, Expect> contentTypes = new LinkedHashMap<>();
    contentTypes.put("application/json", Expect.refused(415));
    contentTypes.put("", Expect.refused(415));
    contentTypes.put("text/plain", Expect.refused(415));
    contentTypes.put("application/vnd.apache.arrow.file", Expect.refused(415));
    contentTypes.put("application/vnd.apache.arrow.stream.evil", Expect.refused(415));
    contentTypes.put("application/x-www-form-urlencoded", Expect.refused(415));
    contentTypes.put("multipart/form-data; boundary=x", Expect.refused(415));
    contentTypes.put("application/vnd.apache.arrow.stream; charset=utf-8", Expect.answered());
    contentTypes.put("APPLICATION/VND.APACHE.ARROW.STREAM", Expect.answered());
    contentTypes.forEach((type, expect) -> cases.run("Content-Type '" + type + "'", expect,
        () -> type.isEmpty()
            ? RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
                "Content-Length", Integer.toString(valid.length), "Connection", "close")), valid), false, t)
            : cases.post(echoInt, Map.of("Content-Type", type), valid)));
    cases.run("two Content-Type headers", Expect.refused(400, 415).bare().orAnswer(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
            "Content-Type", Harness.ARROW, "content-type", "application/json",
            "Content-Length", Integer.toString(valid.length), "Connection", "close")), valid), false, t));

    for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "HEAD", "FOO")) {
      Expect expect = method.equals("HEAD") ? Expect.refused(405).bare() : Expect.refused(405, 501);
      cases.run(method + " on a method's route", expect,
          () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head(method, echoInt, Map.of(
              "Content-Type", Harness.ARROW, "Content-Length", Integer.toString(valid.length), "Connection", "close")),
              valid), false, t));
    }
    cases.run("TRACE on a method's route", Expect.refused(405, 501).bare(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.head("TRACE", echoInt, Map.of("Connection", "close")), false, t));

    Map<String, Expect> paths = new LinkedHashMap<>();
    paths.put("/NoSuchProtocol/echo_int", Expect.refused(404));
    paths.put(CONFORMANCE_PATH + "no_such_method", Expect.refused(400, 404));
    paths.put("/", Expect.refused(404));
    paths.put("//echo_int", Expect.refused(404));
    paths.put("/../../../../etc/passwd", Expect.refused(400, 404).bare());
    paths.put("/ConformanceService/../ConformanceService/echo_int", Expect.refused(400, 404).bare().orAnswer());
    paths.put("/%2e%2e/%2e%2e/etc/passwd", Expect.refused(400, 404).bare());
    paths.put("/ConformanceService%2Fecho_int", Expect.refused(400, 404).bare());
    paths.put("/ConformanceService%2fecho_int", Expect.refused(400, 404).bare());
    paths.put("/Conformance%53ervice/echo_int", Expect.refused(400, 404).bare().orAnswer());
    paths.put(CONFORMANCE_PATH + "echo%5Fint", Expect.refused(400, 404).bare().orAnswer());
    paths.put(CONFORMANCE_PATH + "echo_int%00", Expect.refused(400, 404).bare());
    paths.put(CONFORMANCE_PATH + "echo_int/", Expect.refused(400, 404));
    paths.put(CONFORMANCE_PATH + "echo_int?x=1", Expect.either());
    paths.put(CONFORMANCE_PATH + "echo_int#frag", Expect.refused(400, 404).bare().orAnswer());
    paths.put(CONFORMANCE_PATH + "echo_int/init", Expect.refused(400, 404));
    paths.put(CONFORMANCE_PATH + "echo_int/exchange", Expect.refused(400, 404));
    paths.put(CONFORMANCE_PATH + "echo_int/other", Expect.refused(400, 404));
    paths.put(CONFORMANCE_PATH + "produce_n", Expect.refused(400, 404));
    paths.put("/__describe__", Expect.refused(400, 404).orAnswer());
    paths.put("/__nope__", Expect.refused(400, 404));
    paths.put("/" + "x".repeat(10_000) + "/echo_int", Expect.refused(400, 404, 414, 431).bare().orClose());
    paths.put(CONFORMANCE_PATH + "m".repeat(100_000), Expect.refused(400, 404, 414, 431).bare().orClose());
    paths.put("/" + "a/".repeat(20_000) + "echo_int", Expect.refused(400, 404, 414, 431).bare().orClose());
    paths.put("http://127.0.0.1" + echoInt, Expect.either());
    paths.put("*", Expect.refused(400, 404).bare());
    paths.put("echo_int", Expect.refused(400, 404).bare());
    paths.put("/ConformanceService/\u00e9cho_int", Expect.refused(400, 404).bare());
    paths.put("/conformance.Secondary.v1/echo_int", Expect.refused(400, 404));
    paths.put("/conformanceservice/echo_int", Expect.refused(400, 404));
    paths.forEach((path, expect) -> cases.run("path " + shorten(path), expect,
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", path, Map.of(
            "Content-Type", Harness.ARROW, "Content-Length", Integer.toString(valid.length), "Connection", "close")),
            valid), false, t)));

    // the path and the request's metadata disagree
    cases.run("echo_string body posted to echo_int", Expect.refused(),
        () -> cases.post(echoInt, Map.of(), Requests.echoString("x").bytes()));
    cases.run("echo_int body posted to echo_float", Expect.refused(),
        () -> cases.post(CONFORMANCE_PATH + "echo_float", Map.of(), valid));
    Requests.Request echo = Requests.echoInt(11);
    Map<String, String> otherMethod = new LinkedHashMap<>(echo.metadata());
    otherMethod.put(dev.arrowrpc.core.wire.MetadataKeys.METHOD, "echo_bytes");
    cases.run("echo_int request whose metadata names echo_bytes", Expect.refused().orAnswer(),
        () -> cases.post(echoInt, Map.of(), Requests.write(echo.schema(), otherMethod, 1,
            root -> ((org.apache.arrow.vector.BigIntVector) root.getVector(0)).setSafe(0, 11))));
    Map<String, String> otherProtocol = new LinkedHashMap<>(echo.metadata());
    otherProtocol.put(dev.arrowrpc.core.wire.MetadataKeys.PROTOCOL, "conformance.Secondary.v1");
    cases.run("echo_int request whose metadata names another protocol", Expect.refused().orAnswer(),
        () -> cases.post(echoInt, Map.of(), Requests.write(echo.schema(), otherProtocol, 1,
            root -> ((org.apache.arrow.vector.BigIntVector) root.getVector(0)).setSafe(0, 11))));
    cases.run("a diagnostics request posted to ConformanceService", Expect.refused(),
        () -> cases.post(CONFORMANCE_PATH + "allocated_bytes", Map.of(), Requests.allocatedBytes().bytes()));

    for (String value : List.of("abc", "-1", "0", "65535", "065536", "1e9", "+65536", "9007199254740992",
        "99999999999999999999", "65536.0", "0x10000", "65536 65536", "\u0661\u0662\u0663\u0664\u0665\u0666")) {
      cases.run("VGI-Accept-Max-Response-Bytes '" + value + "'", Expect.refused(400),
          () -> cases.post(echoInt, Map.of("VGI-Accept-Max-Response-Bytes", value), valid));
    }
    cases.run("VGI-Accept-Max-Response-Bytes twice", Expect.refused(400),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(RawHttp.head("POST", echoInt, Map.of(
            "Content-Type", Harness.ARROW, "Content-Length", Integer.toString(valid.length), "Connection", "close",
            "VGI-Accept-Max-Response-Bytes", "65536", "vgi-accept-max-response-bytes", "70000")), valid), false, t));
    cases.run("VGI-Accept-Max-Response-Bytes 65536", Expect.answered(),
        () -> cases.post(echoInt, Map.of("VGI-Accept-Max-Response-Bytes", "65536"), valid));
    cases.run("VGI-Accept-Max-Response-Bytes 2^53 - 1", Expect.answered(),
        () -> cases.post(echoInt, Map.of("VGI-Accept-Max-Response-Bytes", "9007199254740991"), valid));
    cases.run("X-Request-ID of 10 KiB", Expect.answered(),
        () -> cases.post(echoInt, Map.of("X-Request-ID", "r".repeat(10_240)), valid));
    cases.run("a header value of 1 MiB", Expect.refused(400, 413, 431).bare().orClose(),
        () -> cases.post(echoInt, Map.of("X-Filler", "v".repeat(1 << 20)), valid));
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 2_000; i++) {
      many.put("X-Many-" + i, "v");
    }
    cases.run("2,000 headers", Expect.refused(400, 431).bare().orClose().orAnswer(),
        () -> cases.post(echoInt, many, valid));
    cases.run("a header line without a colon", Expect.refused(400).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(("POST " + echoInt + " HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: " + Harness.ARROW + "\r\nContent-Length: " + valid.length + "\r\nno colon here\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), valid), false, t));
    cases.run("an HTTP/1.0 request", Expect.answered(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(("POST " + echoInt + " HTTP/1.0\r\n"
            + "Content-Type: " + Harness.ARROW + "\r\nContent-Length: " + valid.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1), valid), false, t));
    cases.run("HTTP/9.9", Expect.refused(400, 505).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), RawHttp.concat(("POST " + echoInt + " HTTP/9.9\r\n"
            + "Content-Type: " + Harness.ARROW + "\r\nContent-Length: " + valid.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1), valid), true, t));
    cases.run("a request line of garbage", Expect.refused(400).bare().orClose(),
        () -> RawHttp.exchange(cases.worker(), "\u0001\u0002 garbage \u00ff\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            true, t));
  }

  static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 120) + "...(" + text.length() + " chars)";
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes quietly. */
  static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // gone already
    }
  }
}
