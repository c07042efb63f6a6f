package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;

/**
 * The states behind the conformance exchanges. Each input batch (already coerced to the declared
 * input schema by the framework) is answered with exactly one output batch.
 *
 * <p>Every state is serializable by {@link dev.arrowrpc.core.server.StateCodec}, as streams over
 * HTTP need: a named class with a no-argument constructor whose non-transient fields are the
 * state. Process-wide services (the cancel probe, the sticky sessions) are transient fields that a
 * restored state takes from their static holders.
 */
final class ExchangeStates {
  private ExchangeStates() {}

  private static Float8Vector values(InputBatch input) {
    return (Float8Vector) input.root().getVector("value");
  }

  /** Multiplies the {@code value} column by a factor. */
  static final class Scale implements BatchState {
    private double factor;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Scale() {}

    Scale(double factor) {
      this.factor = factor;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      out.emit(Batches.scaled(values(input), factor, out));
    }
  }

  /** Answers with the running sum of all values so far and the number of turns. */
  static final class Accumulate implements BatchState {
    private double runningSum;
    private long exchangeCount;

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      runningSum += Batches.sum(values(input));
      exchangeCount++;
      out.emit(Batches.accumulated(out, runningSum, exchangeCount));
    }
  }

  /** Logs INFO {@code "exchange processing"} and DEBUG {@code "exchange debug"}, then echoes. */
  static final class Logging implements BatchState {
    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      out.log(LogLevel.INFO, "exchange processing");
      out.log(LogLevel.DEBUG, "exchange debug");
      out.emit(Batches.copy(input.root(), out));
    }
  }

  /** Answers each turn with a batch of no rows and no columns. */
  static final class ZeroColumns implements BatchState {
    private long callCount;

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      callCount++;
      out.emit(out.newBatch());
    }
  }

  /** Echoes until turn {@code failOn} (counted from 1), which fails with a RuntimeError. */
  static final class FailOnNth implements BatchState {
    private long failOn;
    private long exchangeCount;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private FailOnNth() {}

    FailOnNth(long failOn) {
      this.failOn = failOn;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      exchangeCount++;
      if (exchangeCount >= failOn) {
        throw new IllegalStateException("intentional error on exchange " + exchangeCount);
      }
      out.emit(Batches.copy(input.root(), out));
    }
  }

  /** Answers any input with one counter batch of {@code rows} rows. */
  static final class Oversized implements BatchState {
    private int rows;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Oversized() {}

    Oversized(int rows) {
      this.rows = rows;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      out.emit(Batches.counter(out, 0, rows));
    }
  }

  /**
   * Echoes; counts its turns and cancellation in the probe. The probe is not state: a state
   * restored from an HTTP stream token gets this process's ({@link CancelProbe#processWide}).
   */
  static final class Cancellable implements BatchState {
    private transient CancelProbe probe;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Cancellable() {
      this(CancelProbe.processWide());
    }

    Cancellable(CancelProbe probe) {
      this.probe = probe;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      probe.bump(CancelProbe.Counter.EXCHANGE);
      out.emit(Batches.copy(input.root(), out));
    }

    @Override
    public void onCancel(CallContext context) {
      probe.bump(CancelProbe.Counter.ON_CANCEL);
    }
  }

  /**
   * Adds the sum of each input's {@code by} column to the sticky session's counter and emits it.
   * The session registry is not state: a restored state gets this process's ({@link
   * StickyCounters#processWide}).
   */
  static final class SessionCounter implements BatchState {
    private transient StickyCounters sessions;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private SessionCounter() {
      this(StickyCounters.processWide());
    }

    SessionCounter(StickyCounters sessions) {
      this.sessions = sessions;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      var counter = sessions.bound(context);
      BigIntVector by = (BigIntVector) input.root().getVector("by");
      long sum = 0;
      for (int i = 0; i < by.getValueCount(); i++) {
        if (!by.isNull(i)) {
          sum += by.get(i);
        }
      }
      out.emit(Batches.longs(out, counter.addAndGet(sum)));
    }
  }

  /**
   * Reports the custom metadata each input batch arrived with, as one row: {@code seen} is the
   * value of {@value #INPUT_KEY} (empty when absent) and {@code keys} every key present, sorted by
   * code point and comma-joined (empty when there is none).
   */
  static final class InputMetadata implements BatchState {
    /** The input metadata key whose value is reported. */
    static final String INPUT_KEY = "vgi.conformance.input";

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      Map<String, String> metadata = input.metadata();
      List<String> keys = new ArrayList<>(metadata.keySet());
      keys.sort(ExchangeStates::compareCodePoints);
      out.emit(Batches.strings(out, metadata.getOrDefault(INPUT_KEY, ""), String.join(",", keys)));
    }
  }

  /** Orders strings by Unicode code point, as the reference sorts them (not by UTF-16 unit). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
