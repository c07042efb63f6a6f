package dev.arrowrpc.core.shm;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferLedger;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.LowCostIdentityHashMap;
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
 * not be resolved is never freed, as with a copied batch, nor is one handed back to the peer as an
 * answer ({@link #handOver()}): the peer frees it. The mapping is retained while the region is
 * lent, so closing the segment unmaps it only after the last batch is released.
 */
final class LentRegion extends ForeignAllocation {
  private static final Logger LOG = LoggerFactory.getLogger(LentRegion.class);

  /** What each segment lends: the released regions waiting for this side's turn, the regions in use. */
  private static final Map<SharedSegment, Lending> LENDING = Collections.synchronizedMap(new WeakHashMap<>());

  /** A segment's lent regions. */
  private static final class Lending {
    final ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();
    final Set<LentRegion> live = ConcurrentHashMap.newKeySet();
  }

  private final SharedSegment segment;
  private final long offset;
  private final long address;
  private final Lending lending;
  /** Whether the batch was resolved: only then is the region freed once released. */
  private volatile boolean resolved;
  /** Whether the region went back to the peer as an answer's pointer: the peer frees it then. */
  private volatile boolean handedOver;
  /** Arrow's record of the region, once wrapped: its ledgers hold every reference to it. */
  private volatile AllocationManager manager;

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
    this.address = address;
    this.lending = lending(segment);
    segment.retainMapping();
  }

  private static Lending lending(SharedSegment segment) {
    synchronized (LENDING) {
      return LENDING.computeIfAbsent(segment, s -> new Lending());
    }
  }

  /**
   * The batch over the region was resolved: the region is freed once it is released.
   *
   * @param wrapped the buffer Arrow wrapped the region in
   */
  void resolved(ArrowBuf wrapped) {
    if (wrapped.getReferenceManager() instanceof BufferLedger ledger) {
      manager = ledger.getAllocationManager();
    }
    resolved = true;
    lending.live.add(this);
  }

  /** {@return the region's absolute offset} */
  long offset() {
    return offset;
  }

  /** {@return the region's length: the stream it holds} */
  long length() {
    return getSize();
  }

  /** {@return the native address of the region's first byte} */
  long address() {
    return address;
  }

  /**
   * The region in use that holds a native address, among the resolved regions of a segment still
   * in use on this side.
   *
   * @param segment the segment
   * @param address a native address
   * @return the region, if one holds it
   */
  static Optional<LentRegion> holding(SharedSegment segment, long address) {
    Lending lending;
    synchronized (LENDING) {
      lending = LENDING.get(segment);
    }
    if (lending == null) {
      return Optional.empty();
    }
    for (LentRegion region : lending.live) {
      if (address >= region.address && address < region.address + region.getSize()) {
        return Optional.of(region);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the given buffers hold every reference this process has to the region: each of them
   * is a reference of Arrow's record of it, and no other reference (another batch, a reader's
   * body, a vector elsewhere) is alive. Conservative: false when it cannot tell.
   *
   * @param buffers buffers, each counted as one reference when it is one of the region's
   * @return whether nothing but those buffers uses the region
   */
  boolean onlyUsedBy(List<ArrowBuf> buffers) {
    AllocationManager record = manager;
    if (record == null || LEDGERS == null) {
      return false;
    }
    int references = 0;
    Set<BufferLedger> ledgers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (ArrowBuf buffer : buffers) {
      if (buffer.getReferenceManager() instanceof BufferLedger ledger && ledger.getAllocationManager() == record) {
        references++;
        ledgers.add(ledger);
      }
    }
    long held = 0;
    for (BufferLedger ledger : ledgers) {
      held += ledger.getRefCount();
    }
    try {
      Object all = LEDGERS.get(record);
      return references > 0 && held == references && all instanceof LowCostIdentityHashMap<?, ?> map
          && map.size() == ledgers.size();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Gives the region to the peer, whose answer pointer now names it: the peer frees it once it has
   * read it, so this side never does (its last buffers over it are released right after).
   */
  void handOver() {
    handedOver = true;
    lending.live.remove(this);
  }

  /** Arrow's list of a region's ledgers (one per allocator holding it), read to count its references. */
  private static final Field LEDGERS = ledgersField();

  private static Field ledgersField() {
    try {
      Field field = AllocationManager.class.getDeclaredField("map");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Arrow's ledger list is not readable: regions are never handed back in place ({})", e.toString());
      return null;
    }
  }

  /** Gives the region back without Arrow ever having wrapped it (the wrapping failed). */
  void abandon() {
    segment.releaseMapping();
  }

  @Override
  protected void release0() {
    lending.live.remove(this);
    if (resolved && !handedOver) {
      lending.released.add(offset);
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
    Lending lending;
    synchronized (LENDING) {
      lending = LENDING.get(segment);
    }
    if (lending == null) {
      return 0;
    }
    ConcurrentLinkedQueue<Long> queue = lending.released;
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
