package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.StreamOutput;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** A service whose stream states travel in tokens: named classes with fields, or records. */
@RpcService(name = "HttpStreams", version = "1.0.0")
public interface StreamService {
  /** A row. */
  record Row(long n) {}

  /** A sample for the accumulating exchange. */
  record Sample(double value) {}

  /** The accumulating exchange's answer. */
  record Total(double sum, long turns) {}

  /** A stream header. */
  record Header(String title, long total) {}

  String echo(String s);

  byte[] echoBytes(byte[] data);

  void raise(String kind);

  long logged(long count);

  String whoami();

  long slow(long millis);

  Producer<Row> count(long n);

  @StreamHeader(Header.class)
  Producer<Row> counted(long n);

  Producer<Row> failAt(long n);

  Producer<Row> failInit(String why);

  @StreamHeader(Header.class)
  Producer<Row> failInitWithHeader(String why);

  Producer<Row> silent();

  Producer<Row> lambda();

  Exchange<Row, Row> doubler();

  @StreamHeader(Header.class)
  Exchange<Row, Row> doublerWithHeader(String title);

  Exchange<Sample, Total> accumulate();

  BatchStream numbers(long count);

  BatchStream scale(double factor);

  long cancels();

  /** The implementation. Cancel hooks run on rebuilt states, so the counter is shared. */
  final class Impl implements StreamService {
    static final AtomicInteger CANCELS = new AtomicInteger();
    static final Schema VALUE = new Schema(List.of(
        Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    static final Schema NUMBERS = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));

    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public byte[] echoBytes(byte[] data) {
      return data;
    }

    @Override
    public void raise(String kind) {
      switch (kind) {
        case "value" -> throw new IllegalArgumentException("bad value");
        case "runtime" -> throw new IllegalStateException("bad state");
        case "type" -> throw new ClassCastException("bad type");
        default -> throw new RpcException("CustomError", "custom message");
      }
    }

    @Override
    public long logged(long count) {
      CallContext context = CallContext.current().orElseThrow();
      for (long i = 0; i < count; i++) {
        context.log(LogLevel.INFO, "line " + i, Map.of("index", Long.toString(i)));
      }
      return count;
    }

    @Override
    public String whoami() {
      CallContext context = CallContext.current().orElseThrow();
      return context.principal().map(p -> p + "@" + context.authDomain()).orElse("anonymous");
    }

    @Override
    public long slow(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return millis;
    }

    @Override
    public Producer<Row> count(long n) {
      return Producer.of(new Counter(n, -1));
    }

    @Override
    public Producer<Row> counted(long n) {
      CallContext.current().orElseThrow().log(LogLevel.INFO, "init log");
      return Producer.of(new Header("rows", n), new Counter(n, -1));
    }

    @Override
    public Producer<Row> failAt(long n) {
      return Producer.of(new Counter(Long.MAX_VALUE, n));
    }

    @Override
    public Producer<Row> failInit(String why) {
      throw new IllegalArgumentException(why);
    }

    @Override
    public Producer<Row> failInitWithHeader(String why) {
      throw new IllegalStateException(why);
    }

    @Override
    public Producer<Row> silent() {
      return Producer.of(new Silent());
    }

    @Override
    public Producer<Row> lambda() {
      long[] i = {0};
      return Producer.of((out, context) -> out.emitRow(new Row(i[0]++)));
    }

    @Override
    public Exchange<Row, Row> doubler() {
      return Exchange.of(new Doubler());
    }

    @Override
    public Exchange<Row, Row> doublerWithHeader(String title) {
      return Exchange.of(new Header(title, -1), new Doubler());
    }

    @Override
    public Exchange<Sample, Total> accumulate() {
      return Exchange.of(new Accumulator());
    }

    @Override
    public BatchStream numbers(long count) {
      return BatchStream.producer(NUMBERS, new Numbers(count));
    }

    @Override
    public BatchStream scale(double factor) {
      return BatchStream.exchange(VALUE, VALUE, new Scale(factor));
    }

    @Override
    public long cancels() {
      return CANCELS.get();
    }
  }

  /** Counts to a limit, failing at a turn when asked. */
  final class Counter implements ProducerState<Row> {
    long next;
    long limit;
    long failAt;

    Counter() {}

    Counter(long limit, long failAt) {
      this.limit = limit;
      this.failAt = failAt;
    }

    @Override
    public void produce(StreamOutput<Row> out, CallContext context) {
      if (next == failAt) {
        throw new IllegalArgumentException("failed at " + failAt);
      }
      if (next >= limit) {
        out.finish();
        return;
      }
      out.log(LogLevel.INFO, "tick " + next);
      out.emitRow(new Row(next++));
    }

    @Override
    public void onCancel(CallContext context) {
      Impl.CANCELS.incrementAndGet();
    }
  }

  /** Emits nothing: an error. */
  final class Silent implements ProducerState<Row> {
    @Override
    public void produce(StreamOutput<Row> out, CallContext context) {}
  }

  /** Doubles each row. */
  final class Doubler implements ExchangeState<Row, Row> {
    @Override
    public void exchange(List<Row> input, StreamOutput<Row> out, CallContext context) {
      out.emit(input.stream().map(r -> new Row(r.n() * 2)).toList());
    }

    @Override
    public void onCancel(CallContext context) {
      Impl.CANCELS.incrementAndGet();
    }
  }

  /** Sums across turns: its fields must survive the trip through the token. */
  final class Accumulator implements ExchangeState<Sample, Total> {
    double sum;
    long turns;

    @Override
    public void exchange(List<Sample> input, StreamOutput<Total> out, CallContext context) {
      for (Sample s : input) {
        sum += s.value();
      }
      turns++;
      out.log(LogLevel.DEBUG, "turn " + turns);
      out.emitRow(new Total(sum, turns));
    }
  }

  /** Produces two-row batches of whole Arrow data. */
  final class Numbers implements BatchState {
    long next;
    long count;

    Numbers() {}

    Numbers(long count) {
      this.count = count;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (next >= count) {
        out.finish();
        return;
      }
      VectorSchemaRoot batch = out.newBatch();
      BigIntVector v = (BigIntVector) batch.getVector(0);
      v.allocateNew(2);
      v.set(0, next);
      v.set(1, next * 100);
      batch.setRowCount(2);
      out.emit(batch, Map.of("turn", Long.toString(next++)));
    }

    @Override
    public void onCancel(CallContext context) {
      Impl.CANCELS.incrementAndGet();
    }
  }

  /** Scales a column; immutable, so a record. */
  record Scale(double factor) implements BatchState {
    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      Float8Vector in = (Float8Vector) input.root().getVector("value");
      VectorSchemaRoot batch = out.newBatch();
      Float8Vector o = (Float8Vector) batch.getVector(0);
      int rows = input.root().getRowCount();
      o.allocateNew(Math.max(rows, 1));
      for (int i = 0; i < rows; i++) {
        o.set(i, in.get(i) * factor);
      }
      batch.setRowCount(rows);
      out.emit(batch);
    }
  }
}
