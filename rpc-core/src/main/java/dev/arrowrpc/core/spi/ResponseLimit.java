package dev.arrowrpc.core.spi;

import java.util.OptionalLong;

/**
 * The byte limits a transport puts on one answer (docs/http-response-budgets.md of the reference), as
 * the {@link RequestEngine} reads and tightens them: the transport enforces the hard limit on what the
 * engine writes (an answer over it is replaced by a {@code ResponseTooLargeError}), the engine seals it
 * into a stream's call token at init and lowers it to that sealed value on every later turn, and shows
 * both values to the method ({@link dev.arrowrpc.core.CallContext#responseBudget()}).
 */
public interface ResponseLimit {
  /** No limits: what transports that do not cap their answers pass. */
  ResponseLimit NONE = new ResponseLimit() {
    @Override
    public OptionalLong limitBytes() {
      return OptionalLong.empty();
    }

    @Override
    public OptionalLong preferredBytes() {
      return OptionalLong.empty();
    }

    @Override
    public long writtenBytes() {
      return 0;
    }

    @Override
    public void tighten(long bytes) {
      // nothing to tighten: a transport without limits sends its answers whole
    }
  };

  /** {@return the hard limit on the answer's decoded bytes, if there is one} */
  OptionalLong limitBytes();

  /** {@return the size the server prefers answers to stay under, if it set one (it may exceed the limit)} */
  OptionalLong preferredBytes();

  /** {@return how many bytes of the answer have been written so far} */
  long writtenBytes();

  /**
   * Lowers the hard limit to {@code bytes} when that is lower (never raises it). The engine calls it
   * before it writes the answer's first byte.
   *
   * @param bytes the new limit, positive
   * @throws IllegalStateException when part of the answer has already been sent (a transport without
   *     limits ignores it)
   */
  void tighten(long bytes);
}
