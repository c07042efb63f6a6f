package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcService;

/** The service the launcher tests call on a warm worker. */
@RpcService
public interface Warm {
  /** Returns the worker's process id. */
  long pid();

  /** Returns its argument. */
  String echo(String s);
}
