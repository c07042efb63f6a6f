package dev.arrowrpc.core.wire;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow memory that keeps a few large blocks for reuse instead of returning them to the C heap.
 *
 * <p>glibc serves blocks of 32 MiB and more (Arrow rounds a 27 MB vector buffer up to 32 MiB) with a
 * fresh {@code mmap} each time, and the kernel faults in and zeroes every page on first touch: a
 * 64 MiB payload costs some 16,000 page faults on each side of every call. Blocks of {@link
 * #MIN_RECYCLED} bytes and more are therefore allocated in power-of-two classes, and a released
 * block is kept (at most {@link #PER_CLASS} per class and {@link #MAX_RETAINED} bytes in all, shared
 * by the process) for the next allocation of its class. Smaller blocks go to Arrow's unsafe
 * allocation manager as usual. Arrow's accounting is unchanged: an allocator is charged the size
 * it asked for, and a kept block is charged to nobody.
 */
public final class RecyclingAllocations implements AllocationManager.Factory {
  /** Blocks smaller than this are not kept. */
  static final long MIN_RECYCLED = 4L << 20;
  /** At most this many bytes are kept, in all classes together. */
  static final long MAX_RETAINED = 512L << 20;
  /** At most this many blocks are kept per size class. */
  static final int PER_CLASS = 2;

  /** The process's shared instance. */
  public static final RecyclingAllocations FACTORY = new RecyclingAllocations();

  private final Map<Long, ArrayDeque<Long>> kept = new HashMap<>();
  private long retained;
  private long reused;

  private RecyclingAllocations() {}

  /**
   * A root allocator whose large blocks are recycled.
   *
   * @return a new root allocator without a limit
   * @throws IllegalStateException when Arrow's memory layer cannot start because the JVM lacks
   *     the flags Arrow needs (the message names them)
   */
  public static RootAllocator newRootAllocator() {
    ArrowMemoryCheck.requireUsable();
    return new RootAllocator(RootAllocator.configBuilder().allocationManagerFactory(FACTORY).build());
  }

  @Override
  public AllocationManager create(BufferAllocator accountingAllocator, long size) {
    if (size < MIN_RECYCLED) {
      return UnsafeAllocationManager.FACTORY.create(accountingAllocator, size);
    }
    long capacity = Long.highestOneBit(size - 1) << 1;
    Long address = take(capacity);
    long block = address != null ? address : MemoryUtil.allocateMemory(capacity);
    return new Recycled(accountingAllocator, block, size, capacity);
  }

  @Override
  public ArrowBuf empty() {
    return UnsafeAllocationManager.FACTORY.empty();
  }

  /** How many allocations were served from kept blocks, for tests. */
  synchronized long reused() {
    return reused;
  }

  /** How many bytes are kept now, for tests. */
  synchronized long retained() {
    return retained;
  }

  private synchronized Long take(long capacity) {
    ArrayDeque<Long> blocks = kept.get(capacity);
    Long address = blocks == null ? null : blocks.pollFirst();
    if (address != null) {
      retained -= capacity;
      reused++;
    }
    return address;
  }

  private void give(long address, long capacity) {
    synchronized (this) {
      ArrayDeque<Long> blocks = kept.computeIfAbsent(capacity, c -> new ArrayDeque<>());
      if (blocks.size() < PER_CLASS && retained + capacity <= MAX_RETAINED) {
        blocks.addFirst(address);
        retained += capacity;
        return;
      }
    }
    MemoryUtil.freeMemory(address);
  }

  /** One large block: its first {@code size} bytes are the buffer's. */
  private final class Recycled extends AllocationManager {
    private final long address;
    private final long size;
    private final long capacity;

    Recycled(BufferAllocator accountingAllocator, long address, long size, long capacity) {
      super(accountingAllocator);
      this.address = address;
      this.size = size;
      this.capacity = capacity;
    }

    @Override
    public long getSize() {
      return size;
    }

    @Override
    protected long memoryAddress() {
      return address;
    }

    @Override
    protected void release0() {
      give(address, capacity);
    }
  }
}
