package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.testing.Harness;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** A service served over HTTP in this JVM and an OkHttp client connected to it, with separate allocators. */
public final class HttpHarness implements Harness {
  /** The signing key the tests share between servers. */
  public static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final BufferAllocator serverMemory = new RootAllocator();
  private final BufferAllocator clientMemory = new RootAllocator();
  private final RpcServer server;
  private final HttpRpcServer http;
  private final RpcClient client;
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();

  /** Serves the implementation at the root and connects a client. */
  public <T> HttpHarness(Class<T> service, T implementation) {
    this(service, implementation, b -> b, c -> c);
  }

  /** Serves the implementation, with the server and client configured further by the caller. */
  public HttpHarness(Class<?> service, Object implementation, UnaryOperator<HttpRpcServer.Builder> configureServer,
      UnaryOperator<HttpRpc.Builder> configureClient) {
    this(service, implementation, rpc -> rpc, configureServer, configureClient);
  }

  /** Serves the implementation, with the RPC server, the HTTP server and the client configured by the caller. */
  public HttpHarness(Class<?> service, Object implementation, UnaryOperator<RpcServer.Builder> configureRpc,
      UnaryOperator<HttpRpcServer.Builder> configureServer, UnaryOperator<HttpRpc.Builder> configureClient) {
    server = configureRpc.apply(RpcServer.builder(service, implementation).allocator(serverMemory)).build();
    http = configureServer.apply(HttpRpcServer.builder(server).signingKey(KEY)).start();
    client = configureClient.apply(HttpRpc.builder(http.url()).allocator(clientMemory).onLog(logs::add)).build();
  }

  /** The HTTP server. */
  public HttpRpcServer http() {
    return http;
  }

  /** The RPC server. */
  public RpcServer server() {
    return server;
  }

  @Override
  public <T> T proxy(Class<T> service) {
    return client.proxy(service);
  }

  @Override
  public RpcClient client() {
    return client;
  }

  @Override
  public List<LogMessage> logs() {
    return logs;
  }

  @Override
  public long clientBytes() {
    return clientMemory.getAllocatedMemory();
  }

  /** Server bytes, after waiting briefly for a request thread that is still releasing its memory. */
  @Override
  public long serverBytes() {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (serverMemory.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return serverMemory.getAllocatedMemory();
  }

  @Override
  public BufferAllocator clientAllocator() {
    return clientMemory;
  }

  @Override
  public Throwable serverFailure() {
    return null;
  }

  @Override
  public void close() {
    client.close();
    http.close();
    server.close();
    clientMemory.close();
    serverMemory.close();
  }
}
