package dev.arrowrpc.transport.http;

import com.github.luben.zstd.ZstdCompressCtx;
import java.util.ArrayDeque;

/**
 * Zstd compression contexts at one level, kept for reuse so that compressing a body does not
 * create and free a native context each time (what {@code Zstd.compress(byte[], int)} does). A
 * context is not thread-safe: each compression takes an idle one, or makes one when none is idle,
 * and gives it back when done; at most {@code capacity} are kept idle, and any beyond that are
 * freed at once. The bytes made are exactly {@code Zstd.compress(body, level)}'s (one frame with
 * its content size, no checksum). Closing frees the idle contexts, and every one given back after
 * that; compressing after closing still works, with a context made and freed for the call.
 */
final class ZstdCompressors implements AutoCloseable {
  private final int level;
  private final int capacity;
  private final ArrayDeque<ZstdCompressCtx> idle = new ArrayDeque<>();
  private boolean closed;

  /**
   * Keeps contexts for a level.
   *
   * @param level the zstd compression level
   * @param capacity the most contexts kept idle
   */
  ZstdCompressors(int level, int capacity) {
    this.level = level;
    this.capacity = capacity;
  }

  /** A pool sized for the machine: as many idle contexts as processors, 2 to 8. */
  static ZstdCompressors forLevel(int level) {
    return new ZstdCompressors(level, Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
  }

  /** {@return the level bodies are compressed at} */
  int level() {
    return level;
  }

  /**
   * Compresses a whole body into one zstd frame that records its content size.
   *
   * @param body the body
   * @return the frame
   */
  byte[] compress(byte[] body) {
    ZstdCompressCtx context = take();
    boolean reusable = false;
    try {
      byte[] frame = context.compress(body);
      reusable = true;
      return frame;
    } finally {
      if (reusable) {
        giveBack(context);
      } else {
        context.close();
      }
    }
  }

  private ZstdCompressCtx take() {
    synchronized (this) {
      ZstdCompressCtx context = idle.pollLast();
      if (context != null) {
        return context;
      }
    }
    return new ZstdCompressCtx().setLevel(level);
  }

  private void giveBack(ZstdCompressCtx context) {
    synchronized (this) {
      if (!closed && idle.size() < capacity) {
        idle.addLast(context);
        return;
      }
    }
    context.close();
  }

  /** {@return how many contexts are idle (for tests)} */
  synchronized int idle() {
    return idle.size();
  }

  /** Frees the idle contexts; those in use are freed when given back. Idempotent. */
  @Override
  public void close() {
    ArrayDeque<ZstdCompressCtx> freed;
    synchronized (this) {
      closed = true;
      freed = new ArrayDeque<>(idle);
      idle.clear();
    }
    freed.forEach(ZstdCompressCtx::close);
  }
}
