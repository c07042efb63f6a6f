package dev.arrowrpc.core.client;

import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What every turn carrier keeps alike: the stream's method name, memory and header, the output last
 * handed out, and the end of the stream (which releases that output, then what the transport holds,
 * then the memory).
 *
 * @param <T> what one output batch decodes to
 */
abstract class StreamTurns<T> implements TurnCarrier<T> {
  protected final String name;
  protected final OutputDecoder<T> decoder;
  protected final AnswerReader answers;
  private final BufferAllocator memory;
  private final Optional<Record> header;
  private T handed;
  private boolean ended;

  StreamTurns(String name, BufferAllocator memory, Optional<Record> header, OutputDecoder<T> decoder,
      AnswerReader answers) {
    this.name = name;
    this.answers = answers;
    this.memory = memory;
    this.header = header;
    this.decoder = decoder;
  }

  /** The memory of this stream's batches. */
  protected final BufferAllocator memory() {
    return memory;
  }

  @Override
  public final <H extends Record> H header(Class<H> type) {
    return type.cast(header.orElseThrow(
        () -> new IllegalStateException(name + " declares no stream header")));
  }

  @Override
  public final boolean ended() {
    return ended;
  }

  /** Records an output as handed out: it is released at the next turn or the end. */
  protected final T hand(T output) {
    handed = output;
    return output;
  }

  /** Releases the output last handed out: a new turn begins. */
  protected final void releaseHanded() {
    if (handed != null) {
      T output = handed;
      handed = null;
      decoder.release(output);
    }
  }

  /** Ends the stream on the client. Idempotent. */
  protected final void end() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      releaseHanded();
      onEnd();
    } finally {
      ClientCalls.closeQuietly(memory, name);
    }
  }

  /** Releases what the transport holds for the stream; called once, before the memory is closed. */
  protected abstract void onEnd();
}
