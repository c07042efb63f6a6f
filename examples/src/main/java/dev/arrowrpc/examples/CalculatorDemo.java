package dev.arrowrpc.examples;

// readme:begin client
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.examples.Calculator.Sample;
import dev.arrowrpc.examples.Calculator.Scaled;
import dev.arrowrpc.examples.Calculator.Tick;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.TcpServer;
import dev.arrowrpc.transport.pipe.UnixSocket;
import dev.arrowrpc.transport.pipe.UnixSocketServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
// readme:end client
import dev.arrowrpc.transport.flight.FlightRpc;
import dev.arrowrpc.transport.flight.FlightRpcServer;

/**
 * The calculator called over one transport: {@code CalculatorDemo [pipe|unix|tcp|http|flight]} (default
 * {@code pipe}). Over pipes the client launches {@link CalculatorWorker} as a subprocess; over a Unix
 * socket, TCP, HTTP and Arrow Flight this process serves the calculator and connects to itself, so one file shows
 * both ends. Every transport prints the same text (see {@code examples/expected-output.txt}).
 */
public final class CalculatorDemo {
  private CalculatorDemo() {}

  /**
   * Runs the demo.
   *
   * @param args the transport: {@code pipe} (default), {@code unix}, {@code tcp}, {@code http} or {@code flight}
   * @throws IOException when the worker cannot be launched or the server cannot listen
   */
  public static void main(String[] args) throws IOException {
    String transport = args.length == 0 ? "pipe" : args[0];
    try {
      run(transport, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  /**
   * Runs the demo over a transport, printing to {@code out}.
   *
   * @param transport {@code pipe}, {@code unix}, {@code tcp}, {@code http} or {@code flight}
   * @param out where the results go
   * @throws IOException when the worker cannot be launched or the server cannot listen
   * @throws IllegalArgumentException when the transport is none of these
   */
  static void run(String transport, PrintStream out) throws IOException {
    switch (transport) {
      case "pipe" -> overPipes(out);
      case "unix" -> overUnixSocket(out);
      case "tcp" -> overTcp(out);
      case "http" -> overHttp(out);
      case "flight" -> overFlight(out);
      default -> throw new IllegalArgumentException(
          "unknown transport '" + transport + "'; usage: CalculatorDemo [pipe|unix|tcp|http|flight]");
    }
  }

  // readme:begin client
  /** Calls each kind of method once; prints the same text whatever the transport. */
  static void useCalculator(Calculator calculator, PrintStream out) {
    out.println("add(2.5, 4) = " + calculator.add(2.5, 4));

    try (Producer<Tick> ticks = calculator.ticks(5)) {  // close() cancels an unfinished stream
      for (Tick tick : ticks) {
        out.println("tick " + tick.index() + ", square " + tick.square());
      }
    }

    try (Exchange<Sample, Scaled> scale = calculator.scale(10)) {
      out.println("scale " + scale.exchange(List.of(new Sample(1), new Sample(2))));
      out.println("scale " + scale.exchange(List.of(new Sample(3.5))));
    }
  }
  // readme:end client

  // readme:begin client
  /** Pipes: launches the worker as a subprocess and talks to it over its stdin and stdout. */
  static void overPipes(PrintStream out) throws IOException {
    Subprocess worker = Subprocess.launch(Subprocess.javaCommand(CalculatorWorker.class.getName()));
    try (RpcClient client = RpcClient.builder(worker)
        .onLog(log -> out.println("server log: " + log.message()))
        .build()) {
      useCalculator(client.proxy(Calculator.class), out);
    }
  }
  // readme:end client

  // readme:begin in-process
  /** A Unix-domain socket: serves the calculator on a socket file and connects to it. */
  static void overUnixSocket(PrintStream out) throws IOException {
    Path socket = Files.createTempDirectory("calculator").resolve("calculator.sock");
    try (RpcServer server = RpcServer.create(Calculator.class, new CalculatorService());
        UnixSocketServer listening = UnixSocketServer.start(server, socket);
        RpcClient client = RpcClient.builder(UnixSocket.connect(socket))
            .onLog(log -> out.println("server log: " + log.message()))
            .build()) {
      useCalculator(client.proxy(Calculator.class), out);
    } finally {
      Files.deleteIfExists(socket.getParent()); // the server deleted the socket file
    }
  }
  // readme:end in-process

  // readme:begin in-process
  /** TCP: serves the calculator on a free loopback port and connects to it. */
  static void overTcp(PrintStream out) throws IOException {
    try (RpcServer server = RpcServer.create(Calculator.class, new CalculatorService());
        TcpServer listening = TcpServer.start(server);
        RpcClient client = RpcClient.builder(Tcp.connect(listening.address()))
            .onLog(log -> out.println("server log: " + log.message()))
            .build()) {
      useCalculator(client.proxy(Calculator.class), out);
    }
  }
  // readme:end in-process

  // readme:begin in-process
  /** HTTP: serves the calculator on a free loopback port and connects to its URL. */
  static void overHttp(PrintStream out) {
    try (RpcServer server = RpcServer.create(Calculator.class, new CalculatorService());
        HttpRpcServer listening = HttpRpcServer.builder(server).start();
        RpcClient client = HttpRpc.builder(listening.url())
            .onLog(log -> out.println("server log: " + log.message()))
            .build()) {
      useCalculator(client.proxy(Calculator.class), out);
    }
  }
  // readme:end in-process

  // readme:begin flight
  /** Arrow Flight: serves the calculator on a free loopback port; the client's calls ride DoExchange. */
  static void overFlight(PrintStream out) {
    try (RpcServer server = RpcServer.create(Calculator.class, new CalculatorService());
        FlightRpcServer listening = FlightRpcServer.builder(server).start();
        RpcClient client = FlightRpc.builder(listening.location())
            .onLog(log -> out.println("server log: " + log.message()))
            .build()) {
      useCalculator(client.proxy(Calculator.class), out);
    }
  }
  // readme:end flight
}
