package dev.arrowrpc.core.wire;

import java.io.IOException;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;

/**
 * An input whose bytes already lie in memory Arrow can use in place (a shared-memory region, say).
 * A stream reader opened on it takes each message body as a buffer over those bytes instead of
 * copying them into a new one.
 */
public interface MappedInput {
  /**
   * Hands the next bytes of the input as a buffer over them, and moves past them.
   *
   * @param length how many bytes, not negative
   * @return a buffer of {@code length} bytes the caller owns (and closes); empty, with nothing
   *     consumed, when fewer bytes are left
   * @throws IOException when the input cannot lend its memory
   */
  Optional<ArrowBuf> take(long length) throws IOException;

  /**
   * A buffer over part of another, for {@link #take}: it holds a reference to the memory underneath,
   * released when it is closed, and reads as {@code length} bytes written.
   *
   * @param whole the memory lent from
   * @param at where the part starts in it
   * @param length the part's length
   * @return the buffer, which the caller owns
   */
  static ArrowBuf lend(ArrowBuf whole, long at, long length) {
    ArrowBuf part = whole.slice(at, length);
    whole.getReferenceManager().retain(); // the slice's reference, released when it is closed
    part.readerIndex(0);
    part.writerIndex(length);
    return part;
  }
}
