package dev.arrowrpc.examples;

import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.examples.Calculator.Sample;
import dev.arrowrpc.examples.Calculator.Scaled;
import dev.arrowrpc.examples.Calculator.Tick;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.io.IOException;
import java.util.List;

/**
 * Launches the calculator worker as a subprocess and calls it through the typed proxy: a unary
 * call, a producer stream and an exchange stream.
 */
public final class CalculatorDemo {
  private CalculatorDemo() {}

  /**
   * Runs the demo.
   *
   * @param args ignored
   * @throws IOException when the worker cannot be launched
   */
  public static void main(String[] args) throws IOException {
    Subprocess worker = Subprocess.launch(Subprocess.javaCommand(CalculatorWorker.class.getName()));
    try (RpcClient client =
        RpcClient.builder(worker)
            .onLog(log -> System.out.println("  server log [" + log.level() + "] " + log.message()))
            .build()) {
      Calculator calculator = client.proxy(Calculator.class);

      System.out.println("unary    add(2.5, 4) = " + calculator.add(2.5, 4));

      try (Producer<Tick> ticks = calculator.ticks(5)) {
        for (Tick tick : ticks) {
          System.out.println("producer tick " + tick.index() + " -> square " + tick.square());
        }
      }

      try (Exchange<Sample, Scaled> scale = calculator.scale(10)) {
        for (List<Sample> batch : List.of(List.of(new Sample(1), new Sample(2)), List.of(new Sample(3.5)))) {
          System.out.println("exchange " + batch + " -> " + scale.exchange(batch));
        }
      }
    }
  }
}
