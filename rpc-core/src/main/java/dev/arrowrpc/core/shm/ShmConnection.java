package dev.arrowrpc.core.shm;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory side channel of the byte-channel connection served on the current thread.
 * A transport that can share memory with its peer (a pipe, a Unix socket: same host, same kernel)
 * opens one around serving a connection; while it is open the server answers {@code
 * __transport_options__} with {@code vgi_rpc.transport.shm = "true"}, attaches the segment a
 * client names in a request ({@value MetadataKeys#SHM_SEGMENT_NAME}), keeps it for the rest of the
 * connection, resolves shared-memory pointer batches against it, and writes large answers of calls
 * that used it into it. Closing unmaps the segment (the client owns it and removes it).
 *
 * <pre>{@code
 * try (ShmConnection shm = ShmConnection.open(ShmSegment::attach)) {
 *   server.serve(in, out, "", TransportKind.PIPE);
 * }
 * }</pre>
 */
public final class ShmConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShmConnection.class);
  private static final ThreadLocal<ShmConnection> CURRENT = new ThreadLocal<>();

  private final SegmentOpener opener;
  private final Thread owner;
  private SharedSegment segment;
  private boolean callUsesShm;
  private boolean closed;

  private ShmConnection(SegmentOpener opener) {
    this.opener = opener;
    this.owner = Thread.currentThread();
  }

  /**
   * Opens the side channel for the connection about to be served on this thread.
   *
   * @param opener how a segment a client names is mapped
   * @return the channel; close it when the connection ends
   * @throws IllegalStateException when one is already open on this thread
   */
  public static ShmConnection open(SegmentOpener opener) {
    Objects.requireNonNull(opener, "opener");
    if (CURRENT.get() != null) {
      throw new IllegalStateException("a shared-memory connection is already open on this thread");
    }
    ShmConnection connection = new ShmConnection(opener);
    CURRENT.set(connection);
    return connection;
  }

  /** {@return the side channel of the connection served on this thread, if its transport opened one} */
  public static Optional<ShmConnection> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** {@return the segment the client attached, if any} */
  public Optional<SharedSegment> segment() {
    return Optional.ofNullable(segment);
  }

  /**
   * Takes note of a request batch's metadata: attaches the segment it names (when it is new), and
   * remembers whether this call uses shared memory (the request names the segment or is a
   * shared-memory pointer), which decides whether its answers may go through the segment; frees
   * the regions of resolved batches released since the last call (see {@link ShmBatches#resolve}).
   * Malformed segment keys are ignored, as the reference ignores them.
   *
   * @param metadata the request batch's metadata
   * @throws RpcException ({@code RuntimeError}) when the named segment cannot be attached
   */
  public void request(Map<String, String> metadata) {
    if (segment != null) {
      // a request: the client waits for the answer, so this side holds the turn
      LentRegion.freeReleased(segment);
    }
    String name = metadata.get(MetadataKeys.SHM_SEGMENT_NAME);
    callUsesShm = name != null || metadata.containsKey(MetadataKeys.SHM_OFFSET);
    if (name == null || (segment != null && segment.name().equals(name))) {
      return;
    }
    String sizeText = metadata.get(MetadataKeys.SHM_SEGMENT_SIZE);
    long size;
    try {
      size = Long.parseLong(Objects.requireNonNull(sizeText, "size"));
    } catch (NumberFormatException | NullPointerException e) {
      LOG.warn("ignoring malformed shared-memory segment metadata: name={}, size={}", name, sizeText);
      callUsesShm = metadata.containsKey(MetadataKeys.SHM_OFFSET);
      return;
    }
    SharedSegment attached;
    try {
      attached = opener.attach(name, size);
    } catch (IOException | RuntimeException e) {
      throw new RpcException("RuntimeError", "cannot attach the shared-memory segment '" + name + "': "
          + e.getMessage());
    }
    detach();
    segment = attached;
    LOG.debug("attached shared-memory segment {} ({} bytes)", name, attached.size());
  }

  /**
   * Frees the regions of batches resolved from the segment in place and released since (see {@link
   * ShmBatches#resolve}). Call only while the server holds the turn: after reading a request or an
   * input batch, before ending its answer, so that a client that sees the answer's end sees every
   * region of the call freed.
   */
  public void freeReleased() {
    if (segment != null) {
      LentRegion.freeReleased(segment);
    }
  }

  /**
   * Frees the released regions of this thread's connection, if it has one ({@link #freeReleased}), on
   * every call's path without an {@code Optional} per call.
   */
  public static void freeReleasedHere() {
    ShmConnection connection = CURRENT.get();
    if (connection != null) {
      connection.freeReleased();
    }
  }

  /** {@return whether this thread's connection sends this call's answers through its segment} */
  public static boolean answersHere() {
    ShmConnection connection = CURRENT.get();
    return connection != null && connection.answersThroughSegment();
  }

  /** {@return the segment this call's answers may go through: only when the call used shared memory} */
  public Optional<SharedSegment> forAnswers() {
    return answersThroughSegment() ? segment() : Optional.empty();
  }

  private boolean answersThroughSegment() {
    return callUsesShm && segment != null;
  }

  private void detach() {
    if (segment != null) {
      segment.close();
      segment = null;
    }
  }

  /** Unmaps the attached segment and ends the side channel on this thread. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    detach();
    if (Thread.currentThread() == owner && CURRENT.get() == this) {
      CURRENT.remove();
    }
  }
}
