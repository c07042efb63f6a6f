package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;

/** A stdio worker serving {@link Echo} without a shared-memory side channel (it declines shared memory). */
public final class PlainWorkerMain {
  private PlainWorkerMain() {}

  /**
   * Serves until stdin closes.
   *
   * @param args ignored
   * @throws IOException when stdin or stdout fails
   */
  public static void main(String[] args) throws IOException {
    try (RpcServer server = RpcServer.create(Echo.class, new EchoImpl(System.err::println))) {
      server.serve(System.in, System.out);
      System.out.flush();
    }
  }
}
