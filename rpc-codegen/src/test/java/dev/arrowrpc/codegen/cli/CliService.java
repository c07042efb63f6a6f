package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The protocol the command line's tests call: each kind of method, logs and errors. */
@RpcService(name = "cli_test", version = "1.0.0")
public interface CliService {
  /** A producer row. */
  record Tick(long n, String label) {}

  /** A stream header. */
  record Info(String source, long total) {}

  /** An exchange input row. */
  record Sample(double x) {}

  /** An exchange output row. */
  record Scaled(double y) {}

  long add(long a, long b);

  String greet(String name);

  Map<String, Long> counts(List<String> words);

  LocalDate nextDay(LocalDate day);

  String fail(String message);

  void ping();

  Producer<Tick> ticks(long count);

  @StreamHeader(Info.class)
  Producer<Tick> ticksWithHeader(long count);

  Exchange<Sample, Scaled> scale(double factor);

  /** A second protocol on the same server. */
  @RpcService(name = "cli_test.Secondary", version = "1.0.0")
  interface Secondary {
    String echo(String value);
  }
}
