package dev.arrowrpc.transport.pipe;

/** A stdio worker serving {@link Echo}, launched by the subprocess tests. */
public final class WorkerMain {
  private WorkerMain() {}

  /** Serves until stdin closes. */
  public static void main(String[] args) {
    Workers.serveStdio(Echo.class, new EchoImpl(System.err::println));
  }
}
