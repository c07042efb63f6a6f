package dev.arrowrpc.core.shm;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.arrow.memory.ForeignAllocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segment region whose memory a resolved batch uses in place, as Arrow memory: Arrow's reference
 * count calls {@link #release0()} when the last buffer over it is released, whichever thread does
 * that and whenever.
 *
 * <p>The segment's allocation list is shared with the peer and only the side that holds the turn
 * may touch it, so a released region is not freed there and then: its offset is queued, and the
 * queue is emptied ({@link #freeReleased}) when this side next holds the turn (it writes or
 * resolves a batch, a request arrives, a client has read an answer). A region whose batch could
 * not be resolved is never freed, as with a copied batch. The mapping is retained while the region
 * is lent, so closing the segment unmaps it only after the last batch is released.
 */
final class LentRegion extends ForeignAllocation {
  private static final Logger LOG = LoggerFactory.getLogger(LentRegion.class);

  /** The released regions of each segment, waiting for this side's turn to be freed. */
  private static final Map<SharedSegment, ConcurrentLinkedQueue<Long>> RELEASED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final SharedSegment segment;
  private final long offset;
  private final ConcurrentLinkedQueue<Long> released;
  /** Whether the batch was resolved: only then is the region freed once released. */
  private volatile boolean resolved;

  /**
   * Lends a region (retaining the segment's mapping).
   *
   * @param segment the segment, which {@link SharedSegment#mapsZeroCopy() maps zero-copy}
   * @param offset the region's absolute offset
   * @param length its length, positive
   * @param address the native address of its first byte
   */
  LentRegion(SharedSegment segment, long offset, long length, long address) {
    super(length, address);
    this.segment = segment;
    this.offset = offset;
    this.released = queue(segment);
    segment.retainMapping();
  }

  private static ConcurrentLinkedQueue<Long> queue(SharedSegment segment) {
    synchronized (RELEASED) {
      return RELEASED.computeIfAbsent(segment, s -> new ConcurrentLinkedQueue<>());
    }
  }

  /** The batch over the region was resolved: the region is freed once it is released. */
  void resolved() {
    resolved = true;
  }

  /** Gives the region back without Arrow ever having wrapped it (the wrapping failed). */
  void abandon() {
    segment.releaseMapping();
  }

  @Override
  protected void release0() {
    if (resolved) {
      released.add(offset);
    }
    segment.releaseMapping();
  }

  /**
   * Frees the regions of a segment whose batches were released since last time. Call only while
   * this side holds the turn.
   *
   * @param segment the segment
   * @return how many regions were freed
   */
  static int freeReleased(SharedSegment segment) {
    ConcurrentLinkedQueue<Long> queue;
    synchronized (RELEASED) {
      queue = RELEASED.get(segment);
    }
    if (queue == null) {
      return 0;
    }
    int freed = 0;
    for (Long offset = queue.poll(); offset != null; offset = queue.poll()) {
      try {
        segment.free(offset);
        freed++;
      } catch (IllegalArgumentException | IllegalStateException e) {
        // the peer reset the list, or the segment is closed: nothing left to free
        LOG.debug("released region {} of segment {} not freed: {}", offset, segment.name(), e.getMessage());
      }
    }
    return freed;
  }
}
