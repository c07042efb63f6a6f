package dev.arrowrpc.examples;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;

/** A small service: one unary method, one producer stream and one exchange stream. */
@RpcService(version = "1.0.0")
public interface Calculator {
  /** Adds two numbers. */
  double add(double a, double b);

  /** Produces {@code count} ticks, one per batch. */
  Producer<Tick> ticks(long count);

  /** Scales each sample by {@code factor}, one output batch per input batch. */
  Exchange<Sample, Scaled> scale(double factor);

  /**
   * One tick of the producer stream.
   *
   * @param index position in the stream
   * @param square the index squared
   */
  record Tick(long index, long square) {}

  /**
   * An input row of the exchange.
   *
   * @param value the value to scale
   */
  record Sample(double value) {}

  /**
   * An output row of the exchange.
   *
   * @param value the input value
   * @param scaled the value times the factor
   */
  record Scaled(double value, double scaled) {}
}
