package dev.arrowrpc.examples;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.Producer;
import java.util.concurrent.atomic.AtomicLong;

/** The calculator's implementation, as a worker serves it. */
public final class CalculatorService implements Calculator {
  @Override
  public double add(double a, double b) {
    return a + b;
  }

  /** The same method with the call's context: logs to the client. */
  public double add(double a, double b, CallContext context) {
    context.log(LogLevel.INFO, "adding " + a + " and " + b);
    return add(a, b);
  }

  @Override
  public Producer<Tick> ticks(long count) {
    AtomicLong next = new AtomicLong();
    return Producer.of(
        (out, context) -> {
          long i = next.getAndIncrement();
          if (i >= count) {
            out.finish();
          } else {
            out.emitRow(new Tick(i, i * i));
          }
        });
  }

  @Override
  public Exchange<Sample, Scaled> scale(double factor) {
    return Exchange.of(
        (input, out, context) ->
            out.emit(input.stream().map(s -> new Scaled(s.value(), s.value() * factor)).toList()));
  }
}
