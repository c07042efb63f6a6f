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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The exchanges the natural DoExchange and DoPut tests drive. */
@RpcService(name = "PutExchange")
public interface PutExchangeService {
  /** An input row. */
  record Value(double value) {}

  /** An output row: the value scaled, the running total of scaled values, the turn. */
  record Sum(double scaled, double total, long turn) {}

  /** The running exchange's header. */
  record Title(String title) {}

  long add(long a, long b);

  Producer<Value> values(long n);

  @StreamHeader(Title.class)
  Exchange<Value, Sum> running(double factor);

  Exchange<Value, Value> failOn(long turn);

  Exchange<Value, Value> nothing();

  Exchange<Value, Value> watched();

  BatchStream tagged();

  /** The implementation. */
  final class Impl implements PutExchangeService {
    static final AtomicInteger CANCELS = new AtomicInteger();
    static final Schema TAGGED_INPUT = new Schema(List.of(
        Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    static final Schema TAGGED_OUTPUT = new Schema(List.of(Field.nullable("tag", ArrowType.Utf8.INSTANCE)));

    @Override
    public long add(long a, long b) {
      return a + b;
    }

    @Override
    public Producer<Value> values(long n) {
      return Producer.of(new Values(n));
    }

    @Override
    public Exchange<Value, Sum> running(double factor) {
      CallContext.current().orElseThrow().log(LogLevel.INFO, "opening");
      return Exchange.of(new Title("scale by " + factor), new Running(factor));
    }

    @Override
    public Exchange<Value, Value> failOn(long turn) {
      return Exchange.of(new FailOn(turn));
    }

    @Override
    public Exchange<Value, Value> nothing() {
      return Exchange.of(new Nothing());
    }

    @Override
    public Exchange<Value, Value> watched() {
      return Exchange.of(new Watched());
    }

    @Override
    public BatchStream tagged() {
      return BatchStream.exchange(TAGGED_INPUT, TAGGED_OUTPUT, new Tagged());
    }
  }

  /** Produces n values. */
  final class Values implements ProducerState<Value> {
    long next;
    long n;

    Values() {}

    Values(long n) {
      this.n = n;
    }

    @Override
    public void produce(StreamOutput<Value> out, CallContext context) {
      if (next >= n) {
        out.finish();
        return;
      }
      out.emit(List.of(new Value(next++)));
    }
  }

  /** Scales each value and keeps the running total; logs each turn. */
  final class Running implements ExchangeState<Value, Sum> {
    double factor;
    double total;
    long turn;

    Running() {}

    Running(double factor) {
      this.factor = factor;
    }

    @Override
    public void exchange(List<Value> input, StreamOutput<Sum> out, CallContext context) {
      turn++;
      out.log(LogLevel.INFO, "turn " + turn);
      List<Sum> rows = new ArrayList<>();
      for (Value v : input) {
        total += v.value() * factor;
        rows.add(new Sum(v.value() * factor, total, turn));
      }
      out.emit(rows);
    }
  }

  /** Echoes until turn {@code failOn} (from 1), which logs and fails. */
  final class FailOn implements ExchangeState<Value, Value> {
    long failOn;
    long turn;

    FailOn() {}

    FailOn(long failOn) {
      this.failOn = failOn;
    }

    @Override
    public void exchange(List<Value> input, StreamOutput<Value> out, CallContext context) {
      turn++;
      if (turn >= failOn) {
        out.log(LogLevel.WARN, "about to fail");
        throw RpcException.status(ErrorCode.RESOURCE_EXHAUSTED, "no room at turn " + turn).build();
      }
      out.emit(input);
    }
  }

  /** Answers every turn with no rows. */
  final class Nothing implements ExchangeState<Value, Value> {
    @Override
    public void exchange(List<Value> input, StreamOutput<Value> out, CallContext context) {
      out.emit(List.of());
    }
  }

  /** Echoes; counts cancels. */
  final class Watched implements ExchangeState<Value, Value> {
    @Override
    public void exchange(List<Value> input, StreamOutput<Value> out, CallContext context) {
      out.emit(input);
    }

    @Override
    public void onCancel(CallContext context) {
      Impl.CANCELS.incrementAndGet();
    }
  }

  /** Answers each batch with one row: its custom metadata's "tag" (empty when none). */
  final class Tagged implements BatchState {
    @Override
    public void process(InputBatch input, BatchOutput out, CallContext context) {
      VectorSchemaRoot batch = out.newBatch();
      VarCharVector tag = (VarCharVector) batch.getVector(0);
      tag.allocateNew(1);
      tag.setSafe(0, input.metadata().getOrDefault("tag", "").getBytes(StandardCharsets.UTF_8));
      batch.setRowCount(1);
      out.emit(batch, Map.of());
    }
  }
}
