package dev.arrowrpc.bench;

import java.util.List;

/** The transports every workload runs over, in table order. Add a transport here. */
public final class Transports {
  /** All transports, those not built yet included (they report why they cannot run). */
  public static final List<BenchTransport> ALL = List.of(
      new InProcessPipeTransport(),
      new SubprocessPipeTransport(),
      new UnixSocketTransport(),
      new TcpTransport(),
      new HttpTransport(),
      new FlightTransport());

  private Transports() {}
}
