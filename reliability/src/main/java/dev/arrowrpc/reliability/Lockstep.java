package dev.arrowrpc.reliability;

import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import dev.arrowrpc.reliability.RawIpc.Batch;
import dev.arrowrpc.reliability.RawIpc.Col;
import dev.arrowrpc.reliability.RawIpc.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
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

/**
 * Stream misuse over byte channels ({@code lockstep}): an exchange whose input batches have the
 * wrong schema, a second request sent where the input stream belongs, cancels in the wrong place,
 * input ending early, ticks that are not ticks. Whole streams (the usual case) must be answered
 * (an output stream, possibly empty, or an error) and leave the connection in step for a valid call
 * on it; a stream cut by a message that does not belong (framing broken) may also be closed, and
 * the worker must answer a new connection (not run over stdio, where it costs a restart).
 */
final class Lockstep implements Scenario {
  static final String CATEGORY = "lockstep";
  private static final Col VALUE = Col.nullable("value", Kind.float64());
  private static final long ANSWER_MILLIS = 10_000;

  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "lockstep-reader");
    thread.setDaemon(true);
    return thread;
  });

  /** One misuse: the bytes, whether they are whole streams, and whether an error is the only right answer. */
  record Misuse(String label, byte[] bytes, boolean whole, boolean errorOnly) {}

  @Override
  public String category() {
    return CATEGORY;
  }

  @Override
  public Set<Surface> surfaces() {
    return EnumSet.of(Surface.PIPE, Surface.UNIX, Surface.TCP);
  }

  @Override
  public void run(Harness harness, int count, Tally tally) {
    Random random = harness.random();
    for (int i = 0; i < count; i++) {
      Misuse misuse = misuse(random);
      if (!misuse.whole() && harness.surface() == Surface.PIPE) {
        misuse = honest(random);
      }
      tally.add(harness.surface(), CATEGORY, misuse.label(), judge(harness, misuse));
    }
  }

  // ------------------------------------------------------------------ the misuses

  static byte[] request(String method, List<Col> params, Batch row) {
    return Structured.request(method, params, row);
  }

  static byte[] exchangeScale(double factor) {
    return request("exchange_scale", List.of(Col.of("factor", Kind.float64())), float64Row(factor));
  }

  static Batch float64Row(double value) {
    return RawIpc.int64Row(Double.doubleToLongBits(value));
  }

  static byte[] input(Batch batch) {
    return RawIpc.recordBatch(batch, Map.of());
  }

  static byte[] cancel(List<Col> schema) {
    List<RawIpc.Node> nodes = new ArrayList<>();
    List<RawIpc.Buf> buffers = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      nodes.add(new RawIpc.Node(0, 0));
      buffers.add(new RawIpc.Buf(0, 0));
      buffers.add(new RawIpc.Buf(0, 0));
    }
    return RawIpc.recordBatch(new Batch(0, nodes, buffers, new byte[0]), Map.of(MetadataKeys.CANCEL, "1"));
  }

  /** exchange_scale with {@code n} honest input batches: answered with n output batches. */
  static Misuse honest(Random random) {
    int n = 1 + random.nextInt(3);
    byte[][] inputs = new byte[n][];
    for (int i = 0; i < n; i++) {
      inputs[i] = input(float64Row(random.nextDouble()));
    }
    return new Misuse("exchange_scale with " + n + " good input batches",
        RawIpc.concat(exchangeScale(2), RawIpc.stream(List.of(VALUE), inputs)), true, false);
  }

  static Misuse misuse(Random random) {
    byte[] init = exchangeScale(1 + random.nextInt(5));
    byte[] good = input(float64Row(random.nextDouble()));
    return switch (random.nextInt(12)) {
      case 0 -> honest(random);
      case 1 -> new Misuse("exchange input of schema {x: int64}", RawIpc.concat(init,
          RawIpc.stream(List.of(Col.of("x", Kind.int64())), input(RawIpc.int64Row(3)))), true, true);
      case 2 -> new Misuse("exchange input of schema {value: utf8}", RawIpc.concat(init,
          RawIpc.stream(List.of(Col.of("value", Kind.utf8())), input(RawIpc.varWidthRow(new byte[] {'1'})))), true,
          true);
      case 3 -> new Misuse("a second request (echo_int) where the exchange input belongs",
          RawIpc.concat(init, Structured.echoInt(random.nextLong())), true, false);
      case 4 -> new Misuse("a second exchange_scale request where the exchange input belongs",
          RawIpc.concat(init, exchangeScale(3)), true, true);
      case 5 -> new Misuse("cancel as the first input", RawIpc.concat(init, RawIpc.stream(List.of(VALUE),
          cancel(List.of(VALUE)))), true, false);
      case 6 -> {
        int after = 1 + random.nextInt(3);
        byte[][] inputs = new byte[after + 2][];
        inputs[0] = good;
        inputs[1] = cancel(List.of(VALUE));
        for (int i = 0; i < after; i++) {
          inputs[2 + i] = input(float64Row(i));
        }
        yield new Misuse(after + " input batches after a cancel", RawIpc.concat(init, RawIpc.stream(List.of(VALUE),
            inputs)), true, false);
      }
      case 7 -> {
        var metadata = Requests.metadata(Requests.CONFORMANCE, "echo_int");
        metadata.put(MetadataKeys.CANCEL, "1");
        yield new Misuse("cancel on a unary request", RawIpc.stream(List.of(Structured.VALUE_INT),
            RawIpc.recordBatch(RawIpc.int64Row(5), metadata)), true, false);
      }
      case 8 -> {
        var metadata = Requests.metadata(Requests.CONFORMANCE, "exchange_scale");
        metadata.put(MetadataKeys.CANCEL, "1");
        yield new Misuse("cancel on the exchange's init request", RawIpc.concat(
            RawIpc.stream(List.of(Col.of("factor", Kind.float64())), RawIpc.recordBatch(float64Row(2), metadata)),
            RawIpc.stream(List.of(VALUE), good)), true, false);
      }
      case 9 -> new Misuse("exchange input ended before its first batch",
          RawIpc.concat(init, RawIpc.stream(List.of(VALUE))), true, false);
      case 10 -> {
        byte[] produce = request("produce_n", List.of(Col.of("count", Kind.int64())), RawIpc.int64Row(3));
        yield random.nextBoolean()
            ? new Misuse("producer ticks of schema {value: float64}", RawIpc.concat(produce,
                RawIpc.stream(List.of(VALUE), good, good)), true, false)
            : new Misuse("producer ticks of 5 rows on the empty schema", RawIpc.concat(produce,
                RawIpc.stream(List.of(), input(new Batch(5, List.of(), List.of(), new byte[0])))), true, false);
      }
      default -> random.nextBoolean()
          ? new Misuse("a new request inside the exchange input stream", RawIpc.concat(init, RawIpc.schema(List.of(VALUE)),
              good, Structured.echoInt(1)), false, false)
          : new Misuse("a bare end-of-stream marker as the exchange input", RawIpc.concat(init, RawIpc.eos()), false,
              false);
    };
  }

  // ------------------------------------------------------------------ judging

  private Verdict judge(Harness harness, Misuse misuse) {
    int escapedBefore = harness.worker().escapedLines();
    Worker.Link link;
    try {
      link = harness.worker().connect();
    } catch (IOException e) {
      Verdict.Builder verdict = new Verdict.Builder(Answer.of(Answer.Kind.CLOSED, "connect failed: " + e));
      verdict.fail(Verdict.Problem.UNUSABLE, "cannot connect: " + e);
      return harness.judgeAbandoned(verdict, escapedBefore);
    }
    try {
      link.out().write(misuse.bytes());
      link.out().flush();
    } catch (IOException e) {
      // the server may close while the bytes are still arriving
    }
    if (!misuse.whole()) {
      link.endOutput();
    }
    Answer answer = read(link.in());
    Verdict.Builder verdict = new Verdict.Builder(answer);
    switch (answer.kind()) {
      case TYPED_ERROR -> { }
      case ACCEPTED -> {
        if (misuse.errorOnly()) {
          verdict.fail(Verdict.Problem.SILENT, "a misuse that must be refused was answered");
        }
      }
      case CLOSED -> {
        if (misuse.whole()) {
          verdict.fail(Verdict.Problem.UNUSABLE, "whole streams got no answer, the connection was closed");
        }
      }
      case GARBLED -> verdict.fail(Verdict.Problem.ESCAPED, answer.detail());
      case HANG -> verdict.fail(Verdict.Problem.HANG, "no answer within " + ANSWER_MILLIS + " ms");
    }
    if (answer.kind() == Answer.Kind.HANG) {
      link.close();
      return harness.judgeAbandoned(verdict, escapedBefore);
    }
    if (misuse.whole()) {
      Answer probe = harness.probeOn(link);
      if (harness.surface() != Surface.PIPE) {
        link.close();
      }
      return harness.judge(verdict, escapedBefore, probe);
    }
    link.close();
    return harness.judge(verdict, escapedBefore, harness.probe());
  }

  /** Reads one output stream: an error, or any number of data batches (a cancelled stream has none). */
  private Answer read(InputStream in) {
    Future<Answer> reading = readers.submit(() -> readStream(in));
    try {
      return reading.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
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

  private static Answer readStream(InputStream in) {
    try (BufferAllocator memory = new RootAllocator()) {
      Optional<IpcStreamReader> opened;
      try {
        opened = IpcStreamReader.open(in, memory);
      } catch (IOException | RuntimeException e) {
        return Answer.of(Answer.Kind.GARBLED, "unreadable answer: " + e);
      }
      if (opened.isEmpty()) {
        return Answer.of(Answer.Kind.CLOSED, "the input ended before an answer");
      }
      try (IpcStreamReader reader = opened.get()) {
        int data = 0;
        while (reader.next()) {
          Map<String, String> metadata = reader.metadata();
          if ("EXCEPTION".equals(metadata.get(MetadataKeys.LOG_LEVEL))) {
            Answer error = Answer.of(Answer.Kind.TYPED_ERROR, metadata.getOrDefault(MetadataKeys.ERROR_KIND, "?") + ": "
                + metadata.getOrDefault(MetadataKeys.LOG_MESSAGE, ""));
            reader.drain();
            return error;
          }
          if (!metadata.containsKey(MetadataKeys.LOG_LEVEL)) {
            data++;
          }
        }
        return Answer.of(Answer.Kind.ACCEPTED, data + " output batches");
      } catch (IOException | RuntimeException e) {
        return Answer.of(Answer.Kind.GARBLED, "answer broke off: " + e);
      }
    }
  }
}
