package dev.arrowrpc.transport.http;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Zstd decoding streams kept for reuse, so that decoding a request body does not create a native
 * decoder and allocate its ~128 KiB input buffer each time: a decoder is taken (an idle one reset
 * onto the new input, else a new one whose buffer comes from zstd-jni's recycling pool), read, and
 * given back. A decoder is kept only after a body that decoded cleanly to at most {@link
 * #KEEP_AFTER_BYTES} (a decoder holds on to the window memory its largest frame needed), and at
 * most {@code capacity} are kept idle; every other one is freed. Reading is unchanged: the same
 * decoder, frames and errors as a fresh {@link ZstdInputStreamNoFinalizer}. Closing frees the idle
 * decoders, and every one given back after that.
 */
final class ZstdDecoders implements AutoCloseable {
  /** A decoder that produced more than this for one body is freed rather than kept. */
  static final long KEEP_AFTER_BYTES = 8L << 20;

  private final IdlePool<ZstdInputStreamNoFinalizer> pool;

  /**
   * Keeps decoders.
   *
   * @param capacity the most decoders kept idle (0: none, each freed when given back)
   */
  ZstdDecoders(int capacity) {
    this.pool = new IdlePool<>(capacity, ZstdDecoders::close);
  }

  /** A pool sized for the machine ({@link IdlePool#machineCapacity()}). */
  static ZstdDecoders forMachine() {
    return new ZstdDecoders(IdlePool.machineCapacity());
  }

  /**
   * A decoder reading the frames of an input, from their start.
   *
   * @param in the encoded bytes; not closed by the decoder (give it back instead)
   * @return the decoder
   * @throws IOException when a decoder cannot be made or reset
   */
  ZstdInputStreamNoFinalizer take(InputStream in) throws IOException {
    Optional<ZstdInputStreamNoFinalizer> idle = pool.take();
    if (idle.isEmpty()) {
      return new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
    }
    ZstdInputStreamNoFinalizer decoder = idle.get();
    try {
      decoder.resetSession(in);
      return decoder;
    } catch (IOException | RuntimeException e) {
      close(decoder);
      throw e;
    }
  }

  /**
   * Gives a decoder back when done with it (it must not be read again).
   *
   * @param decoder the decoder
   * @param clean whether its body decoded without a problem
   * @param produced how many bytes it decoded
   */
  void giveBack(ZstdInputStreamNoFinalizer decoder, boolean clean, long produced) {
    if (clean && produced <= KEEP_AFTER_BYTES) {
      try {
        // let go of the body's stream (and through it the exchange) while idle
        decoder.resetSession(InputStream.nullInputStream());
        pool.giveBack(decoder);
        return;
      } catch (IOException | RuntimeException e) {
        // not reusable: freed below
      }
    }
    close(decoder);
  }

  /** {@return how many decoders are idle (for tests)} */
  int idle() {
    return pool.idle();
  }

  /** Frees the idle decoders; those in use are freed when given back. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  private static void close(ZstdInputStreamNoFinalizer decoder) {
    try {
      decoder.close();
    } catch (IOException ignored) {
      // freeing native memory only
    }
  }
}
