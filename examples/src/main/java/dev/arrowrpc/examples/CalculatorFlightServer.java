package dev.arrowrpc.examples;

// readme:begin flight-server
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.flight.FlightRpcServer;

/**
 * Serves the calculator over Arrow Flight until the process is stopped, for stock Flight clients
 * (see {@code examples/python/calculator_flight.py}): {@code CalculatorFlightServer [PORT]} (default
 * 8815; 0 picks a free port). Prints {@code serving grpc+tcp://localhost:PORT} once it listens.
 */
public final class CalculatorFlightServer {
  private CalculatorFlightServer() {}

  /**
   * Serves the calculator.
   *
   * @param args the port (optional)
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length == 0 ? 8815 : Integer.parseInt(args[0]);
    RpcServer server = RpcServer.create(Calculator.class, new CalculatorService());
    try (FlightRpcServer flight = FlightRpcServer.builder(server).port(port).start()) {
      Runtime.getRuntime().addShutdownHook(new Thread(flight::close));   // Ctrl-C drains calls in flight
      System.out.println("serving " + flight.location().getUri());
      flight.awaitTermination();
    }
  }
}
// readme:end flight-server
