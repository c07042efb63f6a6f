package dev.arrowrpc.transport.http;

import com.github.luben.zstd.ZstdCompressCtx;

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
  private final IdlePool<ZstdCompressCtx> pool;

  /**
   * Keeps contexts for a level.
   *
   * @param level the zstd compression level
   * @param capacity the most contexts kept idle
   */
  ZstdCompressors(int level, int capacity) {
    this.level = level;
    this.pool = new IdlePool<>(capacity, ZstdCompressCtx::close);
  }

  /** A pool sized for the machine ({@link IdlePool#machineCapacity()}). */
  static ZstdCompressors forLevel(int level) {
    return new ZstdCompressors(level, IdlePool.machineCapacity());
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
    ZstdCompressCtx context = pool.take().orElseGet(() -> new ZstdCompressCtx().setLevel(level));
    boolean reusable = false;
    try {
      byte[] frame = context.compress(body);
      reusable = true;
      return frame;
    } finally {
      if (reusable) {
        pool.giveBack(context);
      } else {
        pool.free(context);
      }
    }
  }

  /** {@return how many contexts are idle (for tests)} */
  int idle() {
    return pool.idle();
  }

  /** Frees the idle contexts; those in use are freed when given back. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }
}
