package dev.arrowrpc.core.shm;

import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.TreeMap;

/** A segment in heap memory, for tests of rpc-core alone: offsets from 65,536, first fit, no header bytes. */
public final class HeapSegment implements SharedSegment {
  private static final int HEADER = 65536;
  private final ByteBuffer data;
  private final TreeMap<Long, Long> regions = new TreeMap<>();

  /**
   * A segment of a size.
   *
   * @param size total bytes, header included
   */
  public HeapSegment(int size) {
    this.data = ByteBuffer.allocate(size);
  }

  /** {@return the live regions} */
  public int allocations() {
    return regions.size();
  }

  @Override
  public String name() {
    return "heap";
  }

  @Override
  public long size() {
    return data.capacity();
  }

  @Override
  public OptionalLong allocate(long length) {
    long previousEnd = HEADER;
    for (var region : regions.entrySet()) {
      if (region.getKey() - previousEnd >= length) {
        break;
      }
      previousEnd = region.getKey() + region.getValue();
    }
    if (previousEnd + length > data.capacity()) {
      return OptionalLong.empty();
    }
    regions.put(previousEnd, length);
    return OptionalLong.of(previousEnd);
  }

  @Override
  public void free(long offset) {
    if (regions.remove(offset) == null) {
      throw new IllegalArgumentException("no allocation at offset " + offset);
    }
  }

  @Override
  public ByteBuffer region(long offset, long length) {
    if (offset < HEADER || length < 0 || offset + length > data.capacity()) {
      throw new IllegalArgumentException("outside");
    }
    return data.slice((int) offset, (int) length);
  }

  @Override
  public void close() {}
}
