package dev.arrowrpc.codegen;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A server and a client in one JVM joined by two in-process pipes, each with its own allocator so a
 * test can assert both hold nothing at the end.
 */
final class InProcess implements AutoCloseable {
  final BufferAllocator serverMemory = new RootAllocator();
  final BufferAllocator clientMemory = new RootAllocator();
  final RpcClient client;
  private final Thread serverThread;
  private volatile Throwable serverFailure;

  InProcess(Class<?> service, Object implementation) throws IOException {
    RpcServer server = RpcServer.builder(service, implementation).allocator(serverMemory).build();
    Pipe toServer = Pipe.open();
    Pipe toClient = Pipe.open();
    InputStream serverIn = Channels.newInputStream(toServer.source());
    OutputStream serverOut = Channels.newOutputStream(toClient.sink());
    serverThread = new Thread(() -> {
      try (serverOut) {
        server.serve(serverIn, serverOut);
      } catch (Throwable e) {
        serverFailure = e;
      }
    }, "codegen-test-server");
    serverThread.setDaemon(true);
    serverThread.start();
    InputStream clientIn = Channels.newInputStream(toClient.source());
    OutputStream clientOut = Channels.newOutputStream(toServer.sink());
    client = RpcClient.builder(new ByteTransport() {
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
    }).allocator(clientMemory).build();
  }

  /** Closes the client, waits for the server to end, and checks both allocators hold nothing. */
  @Override
  public void close() throws Exception {
    client.close();
    serverThread.join(10_000);
    if (serverFailure != null) {
      throw new AssertionError("the server failed", serverFailure);
    }
    long client = clientMemory.getAllocatedMemory();
    long server = serverMemory.getAllocatedMemory();
    clientMemory.close();
    serverMemory.close();
    if (client != 0 || server != 0) {
      throw new AssertionError("allocators not empty: client " + client + ", server " + server);
    }
  }
}
