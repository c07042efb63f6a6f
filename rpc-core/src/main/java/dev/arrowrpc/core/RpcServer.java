package dev.arrowrpc.core;

import dev.arrowrpc.core.server.Dispatcher;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServiceBinding;
import dev.arrowrpc.core.wire.RecyclingAllocations;
import dev.arrowrpc.core.wire.WireInput;
import dev.arrowrpc.core.wire.WireOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Serves one {@link RpcService} implementation. Transports hand it byte channels ({@link
 * #serve(InputStream, OutputStream)}); it validates requests, dispatches them, and answers with
 * results, streams, logs and errors. A method that throws never ends a connection.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.create(Calculator.class, new CalculatorImpl());
 * server.serve(System.in, System.out);
 * }</pre>
 */
public final class RpcServer implements AutoCloseable {
  private final Dispatcher dispatcher;
  private final BufferAllocator ownedAllocator;

  private RpcServer(Dispatcher dispatcher, BufferAllocator ownedAllocator) {
    this.dispatcher = dispatcher;
    this.ownedAllocator = ownedAllocator;
  }

  /**
   * Creates a server with its own allocator.
   *
   * @param service the {@code @RpcService} interface
   * @param implementation the object implementing it
   * @param <T> the service type
   * @return the server
   * @throws IllegalArgumentException when the interface cannot be served, saying what to fix
   */
  public static <T> RpcServer create(Class<T> service, T implementation) {
    return builder(service, implementation).build();
  }

  /**
   * Starts configuring a server. The implementation need not implement the interface: it needs a
   * public method per interface method, optionally taking an extra {@link CallContext}.
   *
   * @param service the {@code @RpcService} interface
   * @param implementation the object serving it
   * @return a builder
   */
  public static Builder builder(Class<?> service, Object implementation) {
    return new Builder(service, implementation);
  }

  /**
   * Serves calls on a byte channel until the peer closes it. Blocks.
   *
   * @param in requests from the client
   * @param out responses to the client
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out) throws IOException {
    serve(in, out, "");
  }

  /**
   * Serves calls on a byte channel from a peer with a known address. Blocks. Streams that are also
   * channels receive large batch bodies as direct buffers (see {@link ByteTransport}).
   *
   * @param in requests from the client
   * @param out responses to the client
   * @param remoteAddress the peer's address, as access records report it
   * @throws IOException when the channel fails
   */
  public void serve(InputStream in, OutputStream out, String remoteAddress) throws IOException {
    new ServerConnection(
            dispatcher, new WireInput(in, 1 << 16), new WireOutput(out, 1 << 16),
            remoteAddress)
        .run();
  }

  /** The shared dispatch state, for transports that frame requests themselves. */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** The server's id, as stamped on its log and error batches. */
  public String serverId() {
    return dispatcher.serverId();
  }

  /** The allocator calls draw from. */
  public BufferAllocator allocator() {
    return dispatcher.allocator();
  }

  /** Closes the allocator the server created (a leak shows as an exception here). */
  @Override
  public void close() {
    if (ownedAllocator != null) {
      ownedAllocator.close();
    }
  }

  /** Configures an {@link RpcServer}. */
  public static final class Builder {
    private final Class<?> service;
    private final Object implementation;
    private BufferAllocator allocator;
    private String serverId;
    private CallListener listener;

    private Builder(Class<?> service, Object implementation) {
      this.service = Objects.requireNonNull(service, "service");
      this.implementation = Objects.requireNonNull(implementation, "implementation");
    }

    /** Uses the caller's allocator (the caller closes it); by default the server makes its own. */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /** Sets the server id (default: 12 random hex digits). */
    public Builder serverId(String serverId) {
      this.serverId = Objects.requireNonNull(serverId, "serverId");
      return this;
    }

    /** Receives a record of every completed call, such as a {@link JsonlAccessLog}. */
    public Builder listener(CallListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the server; the service is validated and bound here. */
    public RpcServer build() {
      ServiceBinding binding = ServiceBinding.bind(service, implementation);
      BufferAllocator owned = allocator == null ? RecyclingAllocations.newRootAllocator() : null;
      BufferAllocator memory = allocator == null ? owned : allocator;
      String id = serverId == null ? Dispatcher.newServerId() : serverId;
      try {
        return new RpcServer(new Dispatcher(binding, memory, id, listener), owned);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
    }
  }
}
