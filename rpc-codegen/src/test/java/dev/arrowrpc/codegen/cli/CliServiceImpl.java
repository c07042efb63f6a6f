package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StreamOutput;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The test protocol's implementation. */
final class CliServiceImpl implements CliService, CliService.Secondary {
  @Override
  public long add(long a, long b) {
    return a + b;
  }

  @Override
  public String greet(String name) {
    CallContext.current().ifPresent(context -> context.log(LogLevel.INFO, "greeting " + name));
    return "hello " + name;
  }

  @Override
  public Map<String, Long> counts(List<String> words) {
    Map<String, Long> counts = new LinkedHashMap<>();
    words.forEach(word -> counts.merge(word, 1L, Long::sum));
    return counts;
  }

  @Override
  public LocalDate nextDay(LocalDate day) {
    return day.plusDays(1);
  }

  @Override
  public String fail(String message) {
    throw RpcException.status(ErrorCode.INVALID_ARGUMENT, message).kind("bad_message").build();
  }

  @Override
  public void ping() {}

  @Override
  public Producer<Tick> ticks(long count) {
    return Producer.of(counter(count));
  }

  @Override
  public Producer<Tick> ticksWithHeader(long count) {
    return Producer.of(new Info("cli", count), counter(count));
  }

  private static ProducerState<Tick> counter(long count) {
    return new Counter(count);
  }

  /** Ticks {@code count} rows; a named class with a no-argument constructor, so HTTP can carry it. */
  static final class Counter implements ProducerState<Tick> {
    private long count;
    private long next;

    /** For the state codec, which restores the fields. */
    private Counter() {}

    Counter(long count) {
      this.count = count;
    }

    @Override
    public void produce(StreamOutput<Tick> out, CallContext context) {
      if (next >= count) {
        out.finish();
      } else {
        out.emit(List.of(new Tick(next, "tick " + next)));
        next++;
      }
    }
  }

  @Override
  public Exchange<Sample, Scaled> scale(double factor) {
    return Exchange.of((input, out, context) ->
        out.emit(input.stream().map(s -> new Scaled(s.x() * factor)).toList()));
  }

  @Override
  public String echo(String value) {
    return value;
  }
}
