package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.StreamOutput;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The benchmark service's implementation: as little work as each workload allows. */
public final class BenchServiceImpl implements BenchService {

  /** Creates the service. */
  public BenchServiceImpl() {}

  @Override
  public void noop() {}

  @Override
  public double add(double a, double b) {
    return a + b;
  }

  @Override
  public String greet(String name) {
    return "Hello, " + name;
  }

  @Override
  public long mixed(long id, int count, double score, float ratio, boolean enabled, String label,
      byte[] blob, List<Long> values, Map<String, String> tags, Instant at) {
    long digest = id + count + Double.doubleToLongBits(score) + Float.floatToIntBits(ratio)
        + (enabled ? 1 : 0) + label.length() + blob.length + tags.size() + at.getEpochSecond();
    for (long value : values) {
      digest += value;
    }
    return digest;
  }

  @Override
  public Producer<Tick> ticks(long count) {
    return Producer.of(new Ticks(count));
  }

  @Override
  public Exchange<Sample, Scaled> scale(double factor) {
    return Exchange.of(new Scale(factor));
  }

  @Override
  public VectorSchemaRoot echo_root(VectorSchemaRoot batch) {
    // The server closes the argument after the call and the result after sending it: hand the
    // buffers over to a second root instead of returning the same instance.
    return BulkData.transfer(batch, null);
  }

  @Override
  public BatchStream echo_batches() {
    return BatchStream.exchange(BulkData.SCHEMA, BulkData.SCHEMA, new EchoBatches());
  }

  @Override
  public BatchStream rows(long total, long batch) {
    if (total < 0 || batch < 1 || batch > BulkData.MAX_TEMPLATE_ROWS) {
      throw new IllegalArgumentException("rows(total >= 0, 1 <= batch <= " + BulkData.MAX_TEMPLATE_ROWS
          + "), not (" + total + ", " + batch + ")");
    }
    return BatchStream.producer(BulkData.SCHEMA, new Rows(total, batch));
  }

  @Override
  public byte[] echo_bytes(byte[] data) {
    return data;
  }

  // Stream states are named classes, not lambdas: over HTTP the state travels between requests in
  // a signed token, and only records and named classes with a no-argument constructor serialize.

  /** The {@link #ticks} producer: {@code count} one-row batches. */
  static final class Ticks implements ProducerState<Tick> {
    private long count;
    private long next;

    /** For the state codec, which restores the fields. */
    private Ticks() {}

    Ticks(long count) {
      this.count = count;
    }

    @Override
    public void produce(StreamOutput<Tick> out, CallContext context) {
      long i = next++;
      if (i >= count) {
        out.finish();
      } else {
        out.emitRow(new Tick(i, i * i));
      }
    }
  }

  /** The {@link #scale} exchange: each input row's value times the factor. */
  static final class Scale implements ExchangeState<Sample, Scaled> {
    private double factor;

    /** For the state codec, which restores the fields. */
    private Scale() {}

    Scale(double factor) {
      this.factor = factor;
    }

    @Override
    public void exchange(List<Sample> input, StreamOutput<Scaled> out, CallContext context) {
      if (input.size() == 1) {
        Sample s = input.get(0);
        out.emitRow(new Scaled(s.value(), s.value() * factor));
      } else {
        out.emit(input.stream().map(s -> new Scaled(s.value(), s.value() * factor)).toList());
      }
    }
  }

  /** The {@link #rows} producer: slices of the process's template batch until {@code total} rows went out. */
  static final class Rows implements BatchState {
    private long total;
    private long batch;
    private long sent;

    /** For the state codec, which restores the fields. */
    private Rows() {}

    Rows(long total, long batch) {
      this.total = total;
      this.batch = batch;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      long left = total - sent;
      if (left <= 0) {
        out.finish();
        return;
      }
      int rows = (int) Math.min(batch, left);
      sent += rows;
      out.emit(BulkData.template(rows));  // the template's buffers, shared: no copy
    }
  }

  /** The {@link #echo_batches} exchange: each batch back, its buffers handed over. */
  static final class EchoBatches implements BatchState {
    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      out.emit(BulkData.transfer(input.root(), out.allocator()));
    }
  }
}
