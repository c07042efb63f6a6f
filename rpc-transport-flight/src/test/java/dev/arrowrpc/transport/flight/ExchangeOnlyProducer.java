package dev.arrowrpc.transport.flight;

import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;

/** A Flight producer answering DoExchange only, through {@link ExchangeCalls}. */
final class ExchangeOnlyProducer extends NoOpFlightProducer {
  private final ExchangeCalls calls;
  private final java.util.concurrent.atomic.AtomicLong exchanges = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong open = new java.util.concurrent.atomic.AtomicLong();

  ExchangeOnlyProducer(ExchangeCalls calls) {
    this.calls = calls;
  }

  @Override
  public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
    exchanges.incrementAndGet();
    open.incrementAndGet();
    try {
      calls.handle(context, reader, writer);
    } finally {
      open.decrementAndGet();
    }
  }

  /** {@return how many DoExchange calls are being served now} */
  long open() {
    return open.get();
  }

  /** {@return how many DoExchange calls arrived} */
  long exchanges() {
    return exchanges.get();
  }
}
