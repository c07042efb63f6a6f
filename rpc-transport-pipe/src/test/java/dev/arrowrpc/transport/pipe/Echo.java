package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcService;

/** The service the transport tests call. */
@RpcService
public interface Echo {
  /** Returns its argument. */
  String echo(String s);

  /** Adds two numbers. */
  long add(long a, long b);

  /** Throws {@link IllegalArgumentException} with the message (a {@code ValueError}). */
  void fail(String message);

  /**
   * Announces {@code "sleeping <millis>"} (a subprocess worker prints it to stderr), then waits up
   * to {@code millis} ms.
   */
  void sleep(long millis);

  /** Returns its argument, leaving the serving thread's interrupt flag set. */
  String interruptSelf(String s);

  /** Prints {@code "stray <line>"} to System.out and {@code line} to System.err. */
  void shout(String line);
}
