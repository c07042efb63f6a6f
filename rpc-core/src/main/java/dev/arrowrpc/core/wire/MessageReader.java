package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.WireLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Reads the encapsulated messages of an Arrow IPC stream one at a time, checking each frame
 * before trusting it.
 *
 * <p>Arrow's own reader takes four bytes that are not the continuation marker as the length of a
 * pre-1.0 message, so stray text on the channel (a worker printing to its stdout, say) reads as a
 * message of a gigabyte or so and the reader waits for bytes that never come. Every peer writes the
 * marker, so this reader requires it, and bounds the metadata length, failing at once with a
 * {@link WireFormatException} that shows the bytes it found.
 */
final class MessageReader {
  private static final int CONTINUATION = MessageSerializer.IPC_CONTINUATION_TOKEN;

  /** A message: its flatbuffer header, and its body when it has one (the caller closes it). */
  record Raw(Message message, ArrowBuf body) {
    void closeBody() {
      if (body != null) {
        body.close();
      }
    }
  }

  private final ReadChannel in;
  private final BufferAllocator allocator;
  private final WireLimits limits;
  private final ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

  private boolean endOfInput;
  /** The body bytes read since the request began, against {@link WireLimits#maxRequestBytes()}. */
  private long requestBytes;

  MessageReader(ReadChannel in, BufferAllocator allocator, WireLimits limits) {
    this.in = in;
    this.allocator = allocator;
    this.limits = limits;
  }

  /** Starts counting body bytes against {@link WireLimits#maxRequestBytes()} afresh (a new turn). */
  void restartRequest() {
    requestBytes = 0;
  }

  /** Whether the last {@link #next()} came back empty because the input ended, not at the marker. */
  boolean endOfInput() {
    return endOfInput;
  }

  /**
   * Reads the next message.
   *
   * @return the message, or empty at the end-of-stream marker or at a clean end of input before a
   *     message starts
   * @throws IOException when the channel fails
   * @throws WireFormatException when the bytes are not a well-formed message, or end inside one
   */
  Optional<Raw> next() throws IOException {
    int first = readInt(true);
    if (first == Integer.MIN_VALUE + 1) {
      endOfInput = true;
      return Optional.empty(); // clean end of input
    }
    if (first != CONTINUATION) {
      throw new WireFormatException("expected an Arrow IPC message (continuation marker ff ff ff ff), got "
          + describe(prefix) + ": the channel carries something other than an Arrow IPC stream"
          + " (for a subprocess worker, is something printing to its stdout?)");
    }
    int length = readInt(false);
    if (length == 0) {
      return Optional.empty(); // end-of-stream marker
    }
    if (length < 0 || length > limits.maxMetadataBytes()) {
      throw new WireFormatException("IPC message metadata length " + Integer.toUnsignedString(length)
          + " is out of range (at most " + limits.maxMetadataBytes() + " bytes, maxMetadataBytes)");
    }
    ByteBuffer metadata = ByteBuffer.allocate(length);
    // (a failure to parse the flatbuffer below is reported as malformed, never as a crash)
    if (in.readFully(metadata) < length) {
      throw new WireFormatException("IPC stream truncated inside a message's metadata ("
          + length + " bytes expected)");
    }
    metadata.flip();
    MessageMetadataResult result;
    try {
      result = MessageMetadataResult.create(metadata, length);
    } catch (RuntimeException e) {
      throw new WireFormatException("malformed IPC message metadata: " + e.getMessage(), e);
    }
    Message message = result.getMessage();
    ArrowBuf body = null;
    if (result.messageHasBody()) {
      long bodyLength = result.getMessageBodyLength();
      if (bodyLength < 0) {
        throw new WireFormatException("IPC message declares a negative body length " + bodyLength);
      }
      if (bodyLength > limits.maxBodyBytes()) {
        throw new WireFormatException("IPC message declares a body of " + bodyLength
            + " bytes (at most " + limits.maxBodyBytes() + " bytes per message, maxBodyBytes)");
      }
      if (bodyLength > limits.maxRequestBytes() - requestBytes) {
        throw new WireFormatException("IPC message body of " + bodyLength + " bytes takes the request past "
            + limits.maxRequestBytes() + " bytes of message bodies (maxRequestBytes; " + requestBytes
            + " read before it)");
      }
      requestBytes += bodyLength;
      body = readBody(bodyLength);
    }
    return Optional.of(new Raw(message, body));
  }

  /**
   * Reads a body of the declared length into a buffer that grows with the bytes that arrive, so a
   * length that lies allocates at most twice what was sent.
   */
  private ArrowBuf readBody(long bodyLength) throws IOException {
    ArrowBuf body = allocator.buffer(Math.min(bodyLength, WireBounds.BODY_CHUNK_BYTES));
    try {
      while (true) {
        long wanted = Math.min(bodyLength, body.capacity()) - body.writerIndex();
        long read = wanted == 0 ? 0 : in.readFully(body, wanted);
        if (read < wanted) {
          throw new WireFormatException("IPC stream truncated inside a message body of "
              + bodyLength + " bytes (" + body.writerIndex() + " arrived)");
        }
        if (body.writerIndex() >= bodyLength) {
          ArrowBuf result = body;
          body = null;
          return result;
        }
        ArrowBuf larger = allocator.buffer(Math.min(bodyLength, 2 * body.capacity()));
        larger.setBytes(0, body, 0, body.writerIndex());
        larger.writerIndex(body.writerIndex());
        body.close();
        body = larger;
      }
    } finally {
      if (body != null) {
        body.close();
      }
    }
  }

  /**
   * Reads a little-endian int. At a clean end of input before its first byte (when allowed),
   * returns {@code Integer.MIN_VALUE + 1}, a value no frame uses there.
   */
  private int readInt(boolean endAllowed) throws IOException {
    prefix.clear();
    int n = in.readFully(prefix);
    if (n == 0 && endAllowed) {
      return Integer.MIN_VALUE + 1;
    }
    if (n < 4) {
      throw new WireFormatException("IPC stream truncated: " + n + " of 4 bytes of a message prefix");
    }
    return prefix.getInt(0);
  }

  private static String describe(ByteBuffer bytes) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      int b = bytes.get(i) & 0xff;
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", b));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return "bytes " + hex + " (\"" + text + "\")";
  }
}
