package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.LogLevel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The states behind the conformance producers. Each tick a state emits exactly one batch or
 * finishes (on the tick after its last batch).
 *
 * <p>Every state is serializable by {@link dev.arrowrpc.core.server.StateCodec}, as streams over
 * HTTP need: a named class with a no-argument constructor whose non-transient fields are the
 * state. Process-wide services (the cancel probe, the sticky sessions) are transient fields that a
 * restored state takes from their static holders.
 */
final class ProducerStates {
  private ProducerStates() {}

  /** Converts a row count a client sent into an array-sized count, refusing what cannot be. */
  static int rowCount(long rows, String name) {
    if (rows < 0 || rows > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(name + " must be between 0 and " + (Integer.MAX_VALUE - 8) + ", got " + rows);
    }
    return (int) rows;
  }

  /** {@code count} one-row counter batches {@code {i, i*10}}, then finish. */
  static final class Counter implements BatchState {
    private long count;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Counter() {}

    Counter(long count) {
      this.count = count;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= count) {
        out.finish();
        return;
      }
      out.emit(Batches.counter(out, current, 1));
      current++;
    }
  }

  /** Finishes on the first tick. */
  static final class Empty implements BatchState {
    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      out.finish();
    }
  }

  /** One batch {@code {0, 0}}, then finish. */
  static final class Single implements BatchState {
    private boolean emitted;

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (emitted) {
        out.finish();
        return;
      }
      emitted = true;
      out.emit(Batches.counter(out, 0, 1));
    }
  }

  /** {@code batchCount} batches of {@code rowsPerBatch} consecutive counter rows, then finish. */
  static final class Large implements BatchState {
    private int rowsPerBatch;
    private long batchCount;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Large() {}

    Large(int rowsPerBatch, long batchCount) {
      this.rowsPerBatch = rowsPerBatch;
      this.batchCount = batchCount;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= batchCount) {
        out.finish();
        return;
      }
      out.emit(Batches.counter(out, current * rowsPerBatch, rowsPerBatch));
      current++;
    }
  }

  /** One batch of {@code rows} counter rows, then finish. */
  static final class Oversized implements BatchState {
    private int rows;
    private boolean emitted;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Oversized() {}

    Oversized(int rows) {
      this.rows = rows;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (emitted) {
        out.finish();
        return;
      }
      out.emit(Batches.counter(out, 0, rows));
      emitted = true;
    }
  }

  /** Like {@link Counter}, with an INFO log {@code "producing batch i"} before each batch. */
  static final class Logging implements BatchState {
    private long count;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Logging() {}

    Logging(long count) {
      this.count = count;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= count) {
        out.finish();
        return;
      }
      out.log(LogLevel.INFO, "producing batch " + current);
      out.emit(Batches.counter(out, current, 1));
      current++;
    }
  }

  /** {@code emitBeforeError} counter batches, then a RuntimeError. */
  static final class ErrorAfterN implements BatchState {
    private long emitBeforeError;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private ErrorAfterN() {}

    ErrorAfterN(long emitBeforeError) {
      this.emitBeforeError = emitBeforeError;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= emitBeforeError) {
        throw new IllegalStateException("intentional error after " + emitBeforeError + " batches");
      }
      out.emit(Batches.counter(out, current, 1));
      current++;
    }
  }

  /** {@code count} one-row batches on a schema chosen at init ({@link Batches#dynamic}). */
  static final class Dynamic implements BatchState {
    private long count;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Dynamic() {}

    Dynamic(long count) {
      this.count = count;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= count) {
        out.finish();
        return;
      }
      out.emit(Batches.dynamicRow(out, current));
      current++;
    }
  }

  /**
   * Never finishes; counts its ticks and cancellation in the probe. The probe is not state: a
   * state restored from an HTTP stream token gets this process's ({@link CancelProbe#processWide}).
   */
  static final class Cancellable implements BatchState {
    private transient CancelProbe probe;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Cancellable() {
      this(CancelProbe.processWide());
    }

    Cancellable(CancelProbe probe) {
      this.probe = probe;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      probe.bump(CancelProbe.Counter.PRODUCE);
      out.emit(Batches.counter(out, current, 1));
      current++;
    }

    @Override
    public void onCancel(CallContext context) {
      probe.bump(CancelProbe.Counter.ON_CANCEL);
    }
  }

  /**
   * Emits the sticky session's counter {@code count} times, adding one each time. Sticky sessions
   * exist only over HTTP; elsewhere the first tick that would emit fails. The session registry is
   * not state: a restored state gets this process's ({@link StickyCounters#processWide}).
   */
  static final class SessionCounter implements BatchState {
    private long count;
    private transient StickyCounters sessions;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private SessionCounter() {
      this.sessions = StickyCounters.processWide();
    }

    SessionCounter(long count, StickyCounters sessions) {
      this.count = count;
      this.sessions = sessions;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= count) {
        out.finish();
        return;
      }
      long value = sessions.bound(context).addAndGet(1);
      out.emit(Batches.longs(out, value));
      current++;
    }
  }

  /**
   * Reports the application metadata each tick carried: one row {@code {index, seen}} per tick,
   * where {@code seen} is the tick's {@value #TICK_KEY} value (empty when absent). Like the
   * reference, the batch that brings the count to {@code count} is the last, and at least one
   * batch is emitted.
   */
  static final class TickMetadata implements BatchState {
    /** The tick metadata key whose value is reported. */
    static final String TICK_KEY = "vgi.conformance.tick";

    private long count;
    private long current;
    private boolean done;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private TickMetadata() {}

    TickMetadata(long count) {
      this.count = count;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (done) {
        out.finish();
        return;
      }
      out.emit(Batches.tickSeen(out, current, input.metadata().getOrDefault(TICK_KEY, "")));
      current++;
      done = current >= count;
    }
  }

  /**
   * {@code count} batches of {@code rowsPerBatch} values {@code i * 1_000_000 + row}, each with its
   * own custom metadata: {@code conformance.batch_index} (i), {@code conformance.batch_total}
   * (count) and {@code conformance.emit_label} ({@link #EMIT_LABEL}); then finish.
   */
  static final class Annotated implements BatchState {
    /** A constant, deliberately non-ASCII label every batch carries. */
    static final String EMIT_LABEL = "\u00fcn\u00efcode-\u03bb";

    private long count;
    private int rowsPerBatch;
    private long current;

    /** For {@link dev.arrowrpc.core.server.StateCodec}, which restores the fields. */
    private Annotated() {}

    Annotated(long count, int rowsPerBatch) {
      this.count = count;
      this.rowsPerBatch = rowsPerBatch;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (current >= count) {
        out.finish();
        return;
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("conformance.batch_index", Long.toString(current));
      metadata.put("conformance.batch_total", Long.toString(count));
      metadata.put("conformance.emit_label", EMIT_LABEL);
      out.emit(Batches.values(out, current * 1_000_000, rowsPerBatch), metadata);
      current++;
    }
  }
}
