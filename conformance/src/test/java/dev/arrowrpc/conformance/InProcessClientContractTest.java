package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.pipe.PipePair;
import java.security.SecureRandom;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Nested;

/**
 * The client contract against the Java conformance service in this JVM, so the default build runs
 * it without Python or Go: over an in-process pipe and over HTTP on loopback. The client matrix
 * ({@code conformance/run-client-matrix.sh}) runs the same body against worker processes.
 */
class InProcessClientContractTest {
  /** The service behind an in-process pipe pair. */
  @Nested
  class OverPipe extends ConformanceClientContract {
    @Override
    protected Target openTarget() {
      return new InProcess(false);
    }
  }

  /** The service behind an HTTP server on loopback. */
  @Nested
  class OverHttp extends ConformanceClientContract {
    @Override
    protected Target openTarget() {
      return new InProcess(true);
    }
  }

  /** A Java conformance server in this JVM; closing it checks the server's memory came back. */
  private static final class InProcess implements ConformanceClientContract.Target {
    private final RootAllocator serverMemory = new RootAllocator();
    private final RpcServer server;
    private final boolean http;
    private PipePair pair;
    private HttpRpcServer httpServer;

    InProcess(boolean http) {
      this.http = http;
      this.server = RpcServer.builder(ConformanceService.class, new ConformanceServiceImpl())
          .allocator(serverMemory).build();
      if (http) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        httpServer = HttpRpcServer.builder(server).signingKey(key).start();
      }
    }

    @Override
    public RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) {
      if (http) {
        return HttpRpc.builder(httpServer.url()).allocator(allocator).onLog(onLog).build();
      }
      pair = PipePair.serve(server);
      return RpcClient.builder(pair.client()).allocator(allocator).onLog(onLog).build();
    }

    @Override
    public String transport() {
      return http ? "http" : "pipe";
    }

    @Override
    public void close() {
      if (pair != null) {
        pair.close();
      }
      if (httpServer != null) {
        httpServer.close();
      }
      server.close();
      assertEquals(0, serverMemory.getAllocatedMemory(), "server memory leaked");
      serverMemory.close();
    }
  }
}
