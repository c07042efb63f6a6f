package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamOutput;
import java.util.List;

/** A test copy of the Quick Start calculator, with a failing method. */
@RpcService(version = "1.0.0")
public interface FlightCalc {
  double add(double a, double b);

  Producer<Tick> ticks(long count);

  Exchange<Sample, Scaled> scale(double factor);

  double divide(double a, double b);

  /** A tick. */
  record Tick(long index, long square) {}

  /** An exchange input. */
  record Sample(double value) {}

  /** An exchange output. */
  record Scaled(double value, double scaled) {}

  /** The implementation. */
  final class Impl implements FlightCalc {
    @Override
    public double add(double a, double b) {
      return a + b;
    }

    public double add(double a, double b, CallContext context) {
      context.log(LogLevel.INFO, "adding " + a + " and " + b);
      return add(a, b);
    }

    @Override
    public Producer<Tick> ticks(long count) {
      return Producer.of(new TickState(count));
    }

    @Override
    public Exchange<Sample, Scaled> scale(double factor) {
      return Exchange.of(new Scaler(factor));
    }

    @Override
    public double divide(double a, double b) {
      if (b == 0) {
        throw RpcException.status(ErrorCode.INVALID_ARGUMENT, "division by zero").build();
      }
      return a / b;
    }
  }

  /** Ticks 0..count-1. */
  final class TickState implements ProducerState<Tick> {
    private long count;
    private long next;

    private TickState() {}

    TickState(long count) {
      this.count = count;
    }

    @Override
    public void produce(StreamOutput<Tick> out, CallContext context) {
      if (next >= count) {
        out.finish();
      } else {
        out.emitRow(new Tick(next, next * next));
        next++;
      }
    }
  }

  /** Scales each sample. */
  record Scaler(double factor) implements ExchangeState<Sample, Scaled> {
    @Override
    public void exchange(List<Sample> input, StreamOutput<Scaled> out, CallContext context) {
      out.emit(input.stream().map(s -> new Scaled(s.value(), s.value() * factor)).toList());
    }
  }
}
