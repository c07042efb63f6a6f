package dev.arrowrpc.examples;

import dev.arrowrpc.transport.pipe.Workers;

/** The worker executable: serves the calculator on stdin/stdout. */
public final class CalculatorWorker {
  private CalculatorWorker() {}

  /**
   * Serves until stdin closes.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Workers.serveStdio(Calculator.class, new CalculatorService());
  }
}
