package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.testing.Harness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Runs a test service in a worker subprocess and connects a client to it over the worker's pipes,
 * so tests written against {@link Harness} also run across a real process boundary.
 */
public final class SubprocessHarness implements Harness {
  private final BufferAllocator clientMemory = new RootAllocator();
  private final List<LogMessage> logs = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Subprocess worker;
  private final RpcClient client;

  private SubprocessHarness(Class<?> service, Class<?> implementation) throws Exception {
    worker = Subprocess.builder(Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
            service.getName(), implementation.getName()))
        .stderr(stderr::add)
        .shutdownTimeout(Duration.ofSeconds(10))
        .launch();
    client = RpcClient.builder(worker).allocator(clientMemory).onLog(logs::add).build();
  }

  /**
   * Launches a worker serving a new instance of the implementation's class.
   *
   * @param service the service interface
   * @param implementation the implementation's class (public, with a no-argument constructor)
   * @return the harness
   * @throws Exception when the worker cannot be launched
   */
  public static SubprocessHarness launch(Class<?> service, Class<?> implementation) throws Exception {
    return new SubprocessHarness(service, implementation);
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

  @Override
  public long serverBytes() {
    return 0;
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
  public void close() throws Exception {
    client.close();
    clientMemory.close();
    boolean exited = worker.processHandle().onExit().get(15, TimeUnit.SECONDS) != null;
    int status = worker.exitStatus().orElse(-1);
    if (!exited || status != 0) {
      throw new AssertionError("worker exited with status " + status
          + " (non-zero means it failed or leaked Arrow memory); stderr:\n" + String.join("\n", stderr));
    }
  }
}
