package dev.arrowrpc.conformance;

import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.transport.pipe.Workers;

/** A user's worker, as the README writes one: {@code Workers.serve(args, ...)}, with HTTP on its class path. */
public final class HttpFlagWorkerMain {
  private HttpFlagWorkerMain() {}

  /** The service. */
  @RpcService(name = "Greeter")
  public interface Greeter {
    /** {@return a greeting} */
    String greet(String name);
  }

  /** The implementation. */
  public static final class GreeterImpl implements Greeter {
    /** Creates it. */
    public GreeterImpl() {}

    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /**
   * Serves as the command line asks.
   *
   * @param args the worker's flags
   */
  public static void main(String[] args) {
    Workers.serve(args, Greeter.class, new GreeterImpl());
  }
}
