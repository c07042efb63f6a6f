package dev.arrowrpc.examples;

// readme:begin service
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.ExchangeState;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.StreamOutput;
import java.util.List;

/** The calculator's implementation. */
public final class CalculatorService implements Calculator {
  @Override
  public double add(double a, double b) {
    return a + b;
  }

  /** The same method with the call's context (preferred when present): logs to the client. */
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

  /** The producer's state, a named class: its fields are the state, called once per tick. */
  static final class TickState implements ProducerState<Tick> {
    private long count;
    private long next;

    private TickState() {} // used to restore the state between HTTP requests

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

  /** The exchange's state, a record: called once per input batch. */
  record Scaler(double factor) implements ExchangeState<Sample, Scaled> {
    @Override
    public void exchange(List<Sample> input, StreamOutput<Scaled> out, CallContext context) {
      out.emit(input.stream().map(s -> new Scaled(s.value(), s.value() * factor)).toList());
    }
  }
}
// readme:end service
