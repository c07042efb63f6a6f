package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.WorkerPoolTest.PlainEcho;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool's client over one worker whose process lives on while its channel is gone (the client
 * reads the end of input): a failed call marks the worker unfit to serve again, through the
 * generated client as through the proxy, and the worker is given back either way.
 */
class PoolProxyTest {
  private final List<PooledWorker> returned = new CopyOnWriteArrayList<>();
  private BufferAllocator memory;
  private PooledWorker worker;

  @BeforeEach
  void start() throws IOException {
    memory = new RootAllocator();
    Subprocess process = Subprocess.builder(WorkerPoolTest.ECHO).launch();
    RpcClient cutOff = RpcClient.builder(new ByteTransport() {
      @Override
      public InputStream input() {
        return InputStream.nullInputStream();
      }

      @Override
      public OutputStream output() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public void close() {}
    }).allocator(memory).build();
    worker = new PooledWorker(WorkerPoolTest.ECHO, process, cutOff);
  }

  @AfterEach
  void stop() {
    worker.close();
    assertFalse(worker.processHandle().isAlive());
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  private <T> T client(Class<T> service) {
    return PoolProxy.create(service, () -> worker, returned::add);
  }

  @Test
  void aCallThatLosesTheChannelMarksTheWorkerThroughTheGeneratedClient() {
    Echo echo = client(Echo.class);
    assertFalse(Proxy.isProxyClass(echo.getClass()), echo.getClass().getName());
    callFails(echo, e -> e.echo("lost"));
  }

  @Test
  void aCallThatLosesTheChannelMarksTheWorkerThroughTheProxy() {
    PlainEcho echo = client(PlainEcho.class);
    assertTrue(Proxy.isProxyClass(echo.getClass()), echo.getClass().getName());
    callFails(echo, e -> e.echo("lost"));
  }

  private <T> void callFails(T client, Function<T, String> call) {
    assertTrue(worker.healthy());
    RpcException error = assertThrows(RpcException.class, () -> call.apply(client));
    assertEquals("TransportError", error.errorType(), error.getMessage());
    assertTrue(worker.processHandle().isAlive());
    assertFalse(worker.healthy(), "the failure is noted on the worker");
    assertEquals(List.of(worker), returned);
  }
}
