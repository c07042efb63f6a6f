package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
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
    long[] next = {0};
    return Producer.of((out, context) -> {
      long i = next[0]++;
      if (i >= count) {
        out.finish();
      } else {
        out.emitRow(new Tick(i, i * i));
      }
    });
  }

  @Override
  public Exchange<Sample, Scaled> scale(double factor) {
    return Exchange.of((input, out, context) -> {
      if (input.size() == 1) {
        Sample s = input.get(0);
        out.emitRow(new Scaled(s.value(), s.value() * factor));
      } else {
        out.emit(input.stream().map(s -> new Scaled(s.value(), s.value() * factor)).toList());
      }
    });
  }

  @Override
  public VectorSchemaRoot echo_root(VectorSchemaRoot batch) {
    // The server closes the argument after the call and the result after sending it: hand the
    // buffers over to a second root instead of returning the same instance.
    return BulkData.transfer(batch, null);
  }

  @Override
  public BatchStream echo_batches() {
    return BatchStream.exchange(BulkData.SCHEMA, BulkData.SCHEMA,
        (input, out, context) -> out.emit(BulkData.transfer(input.root(), out.allocator())));
  }

  @Override
  public byte[] echo_bytes(byte[] data) {
    return data;
  }
}
