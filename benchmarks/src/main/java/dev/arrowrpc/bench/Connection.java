package dev.arrowrpc.bench;

import dev.arrowrpc.core.runtime.RpcClient;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A client connected to a running server over one transport, with everything that must be shut
 * down after it (worker processes, in-process servers). Transports that are not byte channels
 * (HTTP, Flight) return their own client here.
 */
public interface Connection extends AutoCloseable {

  /**
   * A typed proxy over this connection.
   *
   * @param service the {@code @RpcService} interface
   * @param <T> the service type
   * @return the proxy
   */
  <T> T proxy(Class<T> service);

  /**
   * The allocator Arrow results are allocated from.
   *
   * @return the client's allocator
   */
  BufferAllocator allocator();

  /** Closes the client, then the resources behind it, in reverse order of acquisition. */
  @Override
  void close();

  /**
   * A connection through an {@link RpcClient}.
   *
   * @param client the client
   * @param resources closed after the client, last first
   * @return the connection
   */
  static Connection of(RpcClient client, AutoCloseable... resources) {
    List<AutoCloseable> owned = new ArrayList<>(List.of(resources));
    return new Connection() {
      @Override
      public <T> T proxy(Class<T> service) {
        return client.proxy(service);
      }

      @Override
      public BufferAllocator allocator() {
        return client.allocator();
      }

      @Override
      public void close() {
        List<AutoCloseable> order = new ArrayList<>();
        order.add(client);
        for (int i = owned.size() - 1; i >= 0; i--) {
          order.add(owned.get(i));
        }
        Launcher.closeAll(order);
      }
    };
  }
}
