package dev.arrowrpc.examples;

// readme:begin worker
import dev.arrowrpc.transport.pipe.Workers;

/** The worker executable: serves the calculator on stdin/stdout until stdin closes. */
public final class CalculatorWorker {
  private CalculatorWorker() {}

  /**
   * Serves the calculator.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Workers.serveStdio(Calculator.class, new CalculatorService());
  }
}
// readme:end worker
