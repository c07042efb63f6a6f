package dev.arrowrpc.examples;

// readme:begin calculator
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;

/** A small service: one unary method, one producer stream and one exchange stream. */
@RpcService(version = "1.0.0")
public interface Calculator {
  double add(double a, double b);                  // unary
  Producer<Tick> ticks(long count);                // producer stream: the client iterates
  Exchange<Sample, Scaled> scale(double factor);   // exchange stream: one batch in, one batch out

  /** A row of the producer stream. */
  record Tick(long index, long square) {}

  /** An input row of the exchange. */
  record Sample(double value) {}

  /** An output row of the exchange. */
  record Scaled(double value, double scaled) {}
}
// readme:end calculator
