package dev.arrowrpc.core.testing;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A server and a client in one JVM joined by two OS pipes, with separate allocators so tests can
 * assert both hold zero bytes after each call.
 */
public final class Loopback implements Harness {
  private final BufferAllocator serverMemory = new RootAllocator();
  private final BufferAllocator clientMemory = new RootAllocator();
  private final RpcServer server;
  private final RpcClient client;
  private final Thread serverThread;
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();
  private volatile Throwable serverFailure;

  /** Serves the implementation and connects a client to it. */
  public <T> Loopback(Class<T> service, T implementation) throws IOException {
    this(service, implementation, builder -> builder);
  }

  /** Serves the implementation, configured further by the caller, and connects a client to it. */
  public <T> Loopback(Class<T> service, T implementation,
      java.util.function.UnaryOperator<RpcServer.Builder> configure) throws IOException {
    this(service, implementation, configure, builder -> builder);
  }

  /** Serves the implementation and connects a client, both configured further by the caller. */
  public <T> Loopback(Class<T> service, T implementation,
      java.util.function.UnaryOperator<RpcServer.Builder> configure,
      java.util.function.UnaryOperator<RpcClient.Builder> configureClient) throws IOException {
    server = configure.apply(RpcServer.builder(service, implementation).allocator(serverMemory)).build();
    Pipe toServer = Pipe.open();
    Pipe toClient = Pipe.open();
    InputStream serverIn = Channels.newInputStream(toServer.source());
    OutputStream serverOut = Channels.newOutputStream(toClient.sink());
    serverThread = new Thread(() -> {
      try {
        server.serve(serverIn, serverOut);
      } catch (Throwable e) {
        serverFailure = e;
        e.printStackTrace();
      } finally {
        try {
          serverOut.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }, "loopback-server");
    serverThread.setDaemon(true);
    serverThread.start();
    InputStream clientIn = Channels.newInputStream(toClient.source());
    OutputStream clientOut = Channels.newOutputStream(toServer.sink());
    ByteTransport transport = new ByteTransport() {
      @Override
      public InputStream input() {
        return clientIn;
      }

      @Override
      public OutputStream output() {
        return clientOut;
      }

      @Override
      public void close() throws IOException {
        clientOut.close();
        clientIn.close();
      }
    };
    client = configureClient.apply(RpcClient.builder(transport).allocator(clientMemory).onLog(logs::add)).build();
  }

  /** The typed proxy. */
  @Override
  public <T> T proxy(Class<T> service) {
    return client.proxy(service);
  }

  /** The client. */
  @Override
  public RpcClient client() {
    return client;
  }

  /** Log messages the client received. */
  @Override
  public List<LogMessage> logs() {
    return logs;
  }

  /** Bytes held by the client's allocator. */
  @Override
  public long clientBytes() {
    return clientMemory.getAllocatedMemory();
  }

  /** Bytes held by the server's allocator. */
  @Override
  public long serverBytes() {
    return serverMemory.getAllocatedMemory();
  }

  /** The client allocator (for results that are Arrow data). */
  @Override
  public BufferAllocator clientAllocator() {
    return clientMemory;
  }

  /** A failure that ended the server loop, if any. */
  @Override
  public Throwable serverFailure() {
    return serverFailure;
  }

  /** The server (for settings such as {@code state().tracebacks(false)}). */
  public RpcServer server() {
    return server;
  }

  @Override
  public void close() throws Exception {
    client.close();
    serverThread.join(5000);
    server.close();
    clientMemory.close();
    serverMemory.close();
  }
}
