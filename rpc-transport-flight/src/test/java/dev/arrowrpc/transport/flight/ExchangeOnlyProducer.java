package dev.arrowrpc.transport.flight;

import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;

/** A Flight producer answering DoExchange only, through {@link ExchangeCalls}. */
final class ExchangeOnlyProducer extends NoOpFlightProducer {
  private final ExchangeCalls calls;
  private final java.util.concurrent.atomic.AtomicLong exchanges = new java.util.concurrent.atomic.AtomicLong();

  ExchangeOnlyProducer(ExchangeCalls calls) {
    this.calls = calls;
  }

  @Override
  public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
    exchanges.incrementAndGet();
    calls.handle(context, reader, writer);
  }

  /** {@return how many DoExchange calls arrived} */
  long exchanges() {
    return exchanges.get();
  }
}
