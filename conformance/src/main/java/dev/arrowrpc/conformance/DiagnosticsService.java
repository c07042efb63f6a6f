package dev.arrowrpc.conformance;

import dev.arrowrpc.core.RpcService;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What the reliability harness ({@code reliability/run.sh}) asks a worker about its memory between
 * cases: the Arrow bytes its server holds and the heap in use after a collection. Hosted only with
 * {@code --diagnostics}, so the protocols the worker hosts by default stay the reference worker's.
 */
@RpcService(name = DiagnosticsService.PROTOCOL_NAME)
public interface DiagnosticsService {
  /** The protocol's name, its routing key. */
  String PROTOCOL_NAME = "arrowrpc.Diagnostics.v1";

  /**
   * The bytes the server's root allocator holds right now, this call's own request included (a
   * request without arguments holds none).
   *
   * @return allocated bytes
   */
  long allocated_bytes();

  /**
   * The heap in use after asking the JVM for a full collection.
   *
   * @return used heap bytes
   */
  long heap_used_after_gc();

  /** Reads the allocator of the server it is hosted by. */
  final class Impl implements DiagnosticsService {
    private final AtomicReference<BufferAllocator> root = new AtomicReference<>();

    void watch(BufferAllocator allocator) {
      root.set(allocator);
    }

    @Override
    public long allocated_bytes() {
      BufferAllocator allocator = root.get();
      if (allocator == null) {
        throw new IllegalStateException("the server's allocator is not known yet");
      }
      return allocator.getAllocatedMemory();
    }

    @Override
    public long heap_used_after_gc() {
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }
}
