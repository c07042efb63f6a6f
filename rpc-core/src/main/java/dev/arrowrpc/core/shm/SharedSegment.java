package dev.arrowrpc.core.shm;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * A shared-memory segment in the layout of WIRE_PROTOCOL.md section 11, mapped into this process:
 * a 64 KiB header holding the allocation list, then the data region. Offsets are absolute (from the
 * segment's first byte). The RPC lockstep means one side uses a segment at a time, so no locking.
 * Transports provide implementations (see {@link SegmentOpener}).
 */
public interface SharedSegment extends AutoCloseable {
  /** {@return the segment's OS name, as peers open it (no leading slash)} */
  String name();

  /** {@return the segment's total size in bytes, header included} */
  long size();

  /**
   * Reserves a region with the first-fit rule of the reference allocator.
   *
   * @param length bytes wanted, positive
   * @return the region's absolute offset; empty when no gap fits or the allocation list is full
   * @throws IllegalArgumentException when {@code length} is not positive
   */
  OptionalLong allocate(long length);

  /**
   * Releases the region that starts at an offset.
   *
   * @param offset the region's absolute offset
   * @throws IllegalArgumentException when no region starts there
   */
  void free(long offset);

  /**
   * A view of bytes of the data region, sharing the mapping (nothing is copied).
   *
   * @param offset absolute offset of the first byte
   * @param length how many bytes
   * @return a buffer positioned at 0 with {@code length} remaining
   * @throws IllegalArgumentException when the range is not inside the data region
   */
  ByteBuffer region(long offset, long length);

  /**
   * {@return whether resolved batches may use this segment's memory in place: its {@link #region}
   * buffers are direct views of a mapping that {@link #retainMapping()} keeps alive past {@link
   * #close()}} Otherwise (a segment in heap memory, say) a resolved batch is copied out of it.
   */
  default boolean mapsZeroCopy() {
    return false;
  }

  /**
   * Keeps the mapping alive for one more batch that uses it in place: {@link #close()} then unmaps
   * only after the matching {@link #releaseMapping()}.
   *
   * @throws IllegalStateException when the segment is closed or does not map zero-copy
   */
  default void retainMapping() {
    throw new IllegalStateException("segment '" + name() + "' does not lend its memory");
  }

  /** Lets go of one {@link #retainMapping()}; the last one after {@link #close()} unmaps. */
  default void releaseMapping() {
    throw new IllegalStateException("segment '" + name() + "' does not lend its memory");
  }

  /**
   * Unmaps the segment (never removes it: its owner does that; a segment that lends its memory to
   * batches still alive is unmapped when the last of them is released). Idempotent.
   */
  @Override
  void close();
}
