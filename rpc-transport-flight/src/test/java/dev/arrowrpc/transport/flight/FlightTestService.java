package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.ErrorCode;
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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The service the Flight tests serve: unary calls, producers, a typed error, logs. */
@RpcService(name = "FlightTest", version = "1.0.0")
public interface FlightTestService {
  /** A produced row. */
  record Row(long n, double half, String label) {}

  /** A stream header. */
  record Header(String title, long total) {}

  long add(long a, long b);

  String greet(String name);

  void lookup(String key);

  long logged(long count);

  void logThenFail(String why);

  void fail(String code);

  Producer<Row> rows(long n);

  @StreamHeader(Header.class)
  Producer<Row> titled(long n);

  Producer<Row> failAt(long n);

  Producer<Row> endless();

  Exchange<Row, Row> same();

  BatchStream numbers(long count, long rowsPerBatch);

  BatchStream scale(double factor);

  /** The implementation. */
  final class Impl implements FlightTestService {
    static final AtomicInteger CANCELS = new AtomicInteger();
    static final Schema NUMBERS = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));

    @Override
    public long add(long a, long b) {
      return a + b;
    }

    @Override
    public String greet(String name) {
      return "hello, " + name;
    }

    @Override
    public void lookup(String key) {
      throw RpcException.status(ErrorCode.NOT_FOUND, "no such key: " + key).build();
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
    public void logThenFail(String why) {
      CallContext.current().orElseThrow().log(LogLevel.WARN, "checking " + why);
      throw new IllegalArgumentException(why);
    }

    @Override
    public void fail(String code) {
      throw RpcException.status(ErrorCode.valueOf(code), "failing with " + code).build();
    }

    @Override
    public Producer<Row> rows(long n) {
      return Producer.of(new Counter(n, -1));
    }

    @Override
    public Producer<Row> titled(long n) {
      CallContext.current().orElseThrow().log(LogLevel.INFO, "opening");
      return Producer.of(new Header("rows", n), new Counter(n, -1));
    }

    @Override
    public Producer<Row> failAt(long n) {
      return Producer.of(new Counter(Long.MAX_VALUE, n));
    }

    @Override
    public Producer<Row> endless() {
      return Producer.of(new Counter(Long.MAX_VALUE, -1));
    }

    @Override
    public Exchange<Row, Row> same() {
      return Exchange.of(new Same());
    }

    @Override
    public BatchStream numbers(long count, long rowsPerBatch) {
      return BatchStream.producer(NUMBERS, new Numbers(count, rowsPerBatch));
    }

    @Override
    public BatchStream scale(double factor) {
      return BatchStream.exchange(NUMBERS, NUMBERS, new Numbers(0, 1));
    }
  }

  /** Counts to a limit (two rows a turn), failing at a turn when asked; logs each turn. */
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
        throw RpcException.status(ErrorCode.RESOURCE_EXHAUSTED, "failed at " + failAt).build();
      }
      if (next >= limit) {
        out.finish();
        return;
      }
      out.log(LogLevel.INFO, "turn " + next);
      long first = next;
      long last = Math.min(limit, next + 2);
      List<Row> rows = new java.util.ArrayList<>();
      for (long i = first; i < last; i++) {
        rows.add(new Row(i, i / 2.0, "row " + i));
      }
      next = last;
      out.emit(rows);
    }

    @Override
    public void onCancel(CallContext context) {
      Impl.CANCELS.incrementAndGet();
    }
  }

  /** Produces batches of consecutive numbers as whole Arrow data. */
  final class Numbers implements BatchState {
    long next;
    long count;
    long rowsPerBatch;

    Numbers() {}

    Numbers(long count, long rowsPerBatch) {
      this.count = count;
      this.rowsPerBatch = rowsPerBatch;
    }

    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      if (next >= count) {
        out.finish();
        return;
      }
      int rows = (int) Math.min(rowsPerBatch, count - next);
      VectorSchemaRoot batch = out.newBatch();
      BigIntVector v = (BigIntVector) batch.getVector(0);
      v.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        v.set(i, next + i);
      }
      batch.setRowCount(rows);
      next += rows;
      out.emit(batch, Map.of());
    }
  }

  /** Answers each row with itself. */
  final class Same implements ExchangeState<Row, Row> {
    @Override
    public void exchange(List<Row> input, StreamOutput<Row> out, CallContext context) {
      out.emit(input);
    }
  }
}
