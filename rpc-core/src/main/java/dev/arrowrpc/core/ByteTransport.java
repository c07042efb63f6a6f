package dev.arrowrpc.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A bidirectional byte channel to one server: a subprocess's pipes, a socket, an in-process pipe.
 * The client reads and writes Arrow IPC streams back to back on it. Closing it closes both
 * directions (and, for a subprocess, reaps the process).
 *
 * <p>Streams that are also channels ({@link java.nio.channels.ReadableByteChannel} for {@link
 * #input()}, {@link java.nio.channels.WritableByteChannel} for {@link #output()}) receive large
 * record-batch bodies as Arrow's direct buffers, so bulk data never passes through the Java heap.
 * Such a stream promises that its stream and channel operations read or extend one and the same
 * byte sequence (neither buffers on its own). The socket transports' streams are channels.
 */
public interface ByteTransport extends Closeable {
  /** {@return the bytes coming from the server} */
  InputStream input();

  /** {@return the bytes going to the server} */
  OutputStream output();

  /**
   * Describes why the channel may have failed, for error messages (for example a worker's exit
   * status). Called after a read or write failed.
   *
   * @return a short explanation, or an empty string
   */
  default String failureHint() {
    return "";
  }

  /**
   * Told by the client when a call or stream has ended and the channel is idle until the next call:
   * a transport that carries each call on a stream of its own (Arrow Flight: one DoExchange per
   * call) ends that stream here. Does nothing by default.
   */
  default void callEnded() {}

  /**
   * Whether every call rides a stream of its own ({@link #callEnded()} ends it and the next call
   * opens another), so that a call whose stream failed leaves the channel usable: the client then
   * drops what that call left buffered instead of refusing every later call. False by default: on a
   * pipe or socket a failure leaves the conversation out of step, and the channel is given up.
   *
   * @return whether a failed call spares the calls after it
   */
  default boolean callScoped() {
    return false;
  }

  /** Closes both directions. */
  @Override
  void close() throws IOException;
}
