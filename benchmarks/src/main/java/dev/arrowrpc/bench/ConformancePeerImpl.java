package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.InputBatch;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The peer methods as the reference implements them, for a Java column when the project's full
 * conformance worker ({@code conformance/bin/conformance-worker}) is not built.
 */
public final class ConformancePeerImpl implements ConformancePeer {
  private static final Schema COUNTER = new Schema(List.of(
      Field.nullable("index", new ArrowType.Int(64, true)),
      Field.nullable("value", new ArrowType.Int(64, true))));
  private static final Schema VALUE = new Schema(List.of(
      Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

  /** Creates the service. */
  public ConformancePeerImpl() {}

  @Override
  public void void_noop() {}

  @Override
  public double add_floats(double a, double b) {
    return a + b;
  }

  @Override
  public String echo_string(String value) {
    return value;
  }

  @Override
  public String with_defaults(long required, String optional_str, long optional_int) {
    return "required=" + required + ", optional_str=" + optional_str + ", optional_int=" + optional_int;
  }

  @Override
  public BatchStream produce_n(long count) {
    return BatchStream.producer(COUNTER, new Counter(count));
  }

  @Override
  public BatchStream exchange_scale(double factor) {
    return BatchStream.exchange(VALUE, VALUE, new Scale(factor));
  }

  @Override
  public byte[] echo_bytes(byte[] data) {
    return data;
  }

  // Named classes, not lambdas, so the states can travel in HTTP stream tokens.

  /** {@code produce_n}: one-row batches {@code {i, i * 10}}, then finish. */
  static final class Counter implements BatchState {
    private long count;
    private long current;

    /** For the state codec, which restores the fields. */
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
      VectorSchemaRoot batch = out.newBatch();
      ((BigIntVector) batch.getVector(0)).setSafe(0, current);
      ((BigIntVector) batch.getVector(1)).setSafe(0, current * 10);
      batch.setRowCount(1);
      current++;
      out.emit(batch);
    }
  }

  /** {@code exchange_scale}: each value times the factor, nulls kept. */
  static final class Scale implements BatchState {
    private double factor;

    /** For the state codec, which restores the fields. */
    private Scale() {}

    Scale(double factor) {
      this.factor = factor;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      Float8Vector in = (Float8Vector) input.root().getVector(0);
      VectorSchemaRoot batch = out.newBatch();
      Float8Vector scaled = (Float8Vector) batch.getVector(0);
      int rows = input.root().getRowCount();
      scaled.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          scaled.setNull(i);
        } else {
          scaled.set(i, in.get(i) * factor);
        }
      }
      batch.setRowCount(rows);
      out.emit(batch);
    }
  }
}
