package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.WireLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.memory.util.MemoryUtil;
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

  /** A message's metadata up to this size is allocated at once; a larger one grows as it arrives. */
  private static final int METADATA_CHUNK_BYTES = 64 << 10;

  /** The buffer a skipped body is read through. */
  private static final int SKIP_CHUNK_BYTES = 64 << 10;

  /** Metadata up to this size is read into a per-thread spare buffer rather than a new one. */
  private static final int SPARE_METADATA_BYTES = 4 << 10;

  private static final ThreadLocal<Spare> SPARE_METADATA = ThreadLocal.withInitial(Spare::new);

  /** Something that keeps a message read into this thread's spare buffer beyond the next read. */
  interface Borrower {
    /** The spare buffer is about to be reused: copy what is still needed out of it. */
    void spareReclaimed();
  }

  /** A thread's spare metadata buffer, and who (if anyone) still holds a message read into it. */
  private static final class Spare {
    final ByteBuffer buffer = ByteBuffer.allocate(SPARE_METADATA_BYTES);
    final ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    /** Scratch memory for small bodies, outside any allocator, grown on demand. */
    ByteBuffer scratch;
    ArrowBuf scratchView;
    Borrower borrower;

    /** Tells whoever still keeps a message in this spare memory to copy it out, before it is reused. */
    void reclaim() {
      if (borrower != null) {
        Borrower kept = borrower;
        borrower = null;
        kept.spareReclaimed();
      }
    }

    /** The scratch memory, at least {@code length} bytes, as an Arrow buffer no allocator accounts for. */
    ArrowBuf scratch(long length) {
      if (scratch == null || scratch.capacity() < length) {
        int capacity = (int) Math.max(length, scratch == null ? 4096 : 2L * scratch.capacity());
        scratch = ByteBuffer.allocateDirect(Math.min(capacity, SCRATCH_BODY_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        scratchView = new ArrowBuf(ReferenceManager.NO_OP, null, scratch.capacity(),
            MemoryUtil.getByteBufferAddress(scratch));
      }
      scratchView.readerIndex(0);
      scratchView.writerIndex(0);
      return scratchView;
    }
  }

  /** Bodies up to this size are read into this thread's scratch memory when the reader allows it. */
  static final int SCRATCH_BODY_BYTES = 64 << 10;

  /**
   * Records that a message whose metadata or body lies in this thread's spare memory is kept:
   * before that memory is reused, the borrower is told to copy it out.
   *
   * @param borrower who keeps it
   */
  static void borrow(Borrower borrower) {
    Spare spare = SPARE_METADATA.get();
    if (spare.borrower != borrower) {
      spare.reclaim();
      spare.borrower = borrower;
    }
  }

  /** Whether a message's metadata lies in this thread's spare buffer. */
  static boolean inSpare(ByteBuffer metadata) {
    return metadata == SPARE_METADATA.get().buffer;
  }

  /**
   * Records that a borrower no longer keeps a message (it loaded or released it).
   *
   * @param borrower the borrower
   */
  static void giveBack(Borrower borrower) {
    Spare spare = SPARE_METADATA.get();
    if (spare.borrower == borrower) {
      spare.borrower = null;
    }
  }

  /**
   * A message: its flatbuffer header, and its body when it has one (the caller closes it). A body
   * in this thread's scratch memory ({@code scratch}) is not the caller's: it is valid until this
   * thread reads its next message, and closing it does nothing.
   */
  record Raw(Message message, ArrowBuf body, boolean scratch) {
    void closeBody() {
      if (body != null && !scratch) {
        body.close();
      }
    }
  }

  private final ReadChannel in;
  private final BufferAllocator allocator;
  private final WireLimits limits;
  private final boolean scratchBodies;
  /** The input, when it lends its memory: bodies are taken from it in place. */
  private final MappedInput mapped;

  private boolean endOfInput;
  private boolean inMessage;
  /** The body bytes read since the request began, against {@link WireLimits#maxRequestBytes()}. */
  private long requestBytes;

  MessageReader(ReadChannel in, BufferAllocator allocator, WireLimits limits) {
    this(in, allocator, limits, false);
  }

  /**
   * A reader of the messages on a channel.
   *
   * @param scratchBodies whether small bodies may be read into this thread's scratch memory (see
   *     {@link Raw}): only for a stream read and decoded on one thread
   */
  MessageReader(ReadChannel in, BufferAllocator allocator, WireLimits limits, boolean scratchBodies) {
    this(in, allocator, limits, scratchBodies, null);
  }

  /**
   * A reader of the messages on a channel whose bodies may be taken in place.
   *
   * @param mapped the input under {@code in}, when it lends its memory (null otherwise): each body
   *     is then a buffer over the input's bytes, never a copy
   */
  MessageReader(ReadChannel in, BufferAllocator allocator, WireLimits limits, boolean scratchBodies,
      MappedInput mapped) {
    this.in = in;
    this.allocator = allocator;
    this.limits = limits;
    this.scratchBodies = scratchBodies && mapped == null;
    this.mapped = mapped;
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
   * @return the message, or null at the end-of-stream marker or at a clean end of input before a
   *     message starts
   * @throws IOException when the channel fails
   * @throws WireFormatException when the bytes are not a well-formed message, or end inside one
   */
  Raw next() throws IOException {
    inMessage = true;
    MessageMetadataResult result = readHeader();
    if (result == null) {
      inMessage = false;
      return null;
    }
    Message message = result.getMessage();
    ArrowBuf body = null;
    boolean scratch = false;
    if (result.messageHasBody()) {
      long bodyLength = bodyLength(result);
      if (bodyLength > limits.maxRequestBytes() - requestBytes) {
        throw new WireFormatException("IPC message body of " + bodyLength + " bytes takes the request past "
            + limits.maxRequestBytes() + " bytes of message bodies (maxRequestBytes; " + requestBytes
            + " read before it)");
      }
      requestBytes += bodyLength;
      if (mapped != null) {
        body = mapped.take(bodyLength).orElseThrow(() -> new WireFormatException(
            "IPC stream truncated inside a message body of " + bodyLength + " bytes"));
      } else if (scratchBodies && bodyLength <= SCRATCH_BODY_BYTES) {
        body = readScratchBody(bodyLength);
        scratch = true;
      } else {
        body = readBody(bodyLength);
      }
    }
    inMessage = false;
    return new Raw(message, body, scratch);
  }

  /**
   * Whether the last {@link #next()} or {@link #skipToEnd()} stopped inside a message (it failed
   * while reading the message's bytes), so that the channel is no longer at a message boundary.
   */
  boolean inMessage() {
    return inMessage;
  }

  /**
   * Skips the rest of the stream by its framing alone, up to and including the end-of-stream
   * marker (or a clean end of input): each message's metadata is read only for its body length,
   * and the body is read and dropped without being allocated or decoded. Every length is checked
   * against the same bounds as in {@link #next()}.
   *
   * @throws IOException when the channel fails
   * @throws WireFormatException when the framing is broken
   */
  void skipToEnd() throws IOException {
    while (true) {
      inMessage = true;
      MessageMetadataResult result = readHeader();
      if (result == null) {
        inMessage = false;
        return;
      }
      if (result.messageHasBody()) {
        skipBody(bodyLength(result));
      }
      inMessage = false;
    }
  }

  /** Reads a message's prefix and metadata; null at the end-of-stream marker or end of input. */
  private MessageMetadataResult readHeader() throws IOException {
    int first = readInt(true);
    if (first == Integer.MIN_VALUE + 1) {
      endOfInput = true;
      return null; // clean end of input
    }
    if (first != CONTINUATION) {
      throw new WireFormatException("expected an Arrow IPC message (continuation marker ff ff ff ff), got "
          + describe(SPARE_METADATA.get().prefix) + ": the channel carries something other than an Arrow IPC stream"
          + " (for a subprocess worker, is something printing to its stdout?)");
    }
    int length = readInt(false);
    if (length == 0) {
      return null; // end-of-stream marker
    }
    if (length < 0 || length > limits.maxMetadataBytes()) {
      throw new WireFormatException("IPC message metadata length " + Integer.toUnsignedString(length)
          + " is out of range (at most " + limits.maxMetadataBytes() + " bytes, maxMetadataBytes)");
    }
    ByteBuffer metadata = readMetadata(length);
    // (a failure to parse the flatbuffer below is reported as malformed, never as a crash)
    try {
      MessageMetadataResult result = MessageMetadataResult.create(metadata, length);
      result.messageHasBody(); // reads the flatbuffer's body length: a failure here is malformed
      return result;
    } catch (RuntimeException e) {
      // without the body length the next message boundary is unknown: the framing is broken
      throw new WireFormatException("malformed IPC message metadata: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a message's metadata of the declared length into a heap buffer that grows with the bytes
   * that arrive (from {@link #METADATA_CHUNK_BYTES}), so that a length that lies (a flipped bit in
   * the prefix of a small message) allocates at most about twice what was sent, never the whole
   * {@link WireLimits#maxMetadataBytes()}. Returns the buffer flipped, exactly {@code length} long.
   */
  private ByteBuffer readMetadata(int length) throws IOException {
    ByteBuffer metadata;
    if (length <= SPARE_METADATA_BYTES) {
      // the usual small message: read into this thread's spare buffer (the message is decoded before
      // the next message is read, and nothing keeps it: the schema cache copies the bytes it keeps)
      Spare spare = SPARE_METADATA.get();
      spare.reclaim();
      metadata = spare.buffer;
      metadata.clear().limit(length);
    } else {
      metadata = ByteBuffer.allocate(Math.min(length, METADATA_CHUNK_BYTES));
    }
    while (true) {
      int wanted = metadata.remaining();
      if (in.readFully(metadata) < wanted) {
        throw new WireFormatException("IPC stream truncated inside a message's metadata ("
            + length + " bytes expected, " + metadata.position() + " arrived)");
      }
      if (metadata.position() == length) {
        return metadata.flip();
      }
      ByteBuffer larger = ByteBuffer.allocate((int) Math.min(length, 2L * metadata.capacity()));
      larger.put(metadata.flip());
      metadata = larger;
    }
  }

  private long bodyLength(MessageMetadataResult result) throws WireFormatException {
    long bodyLength;
    try {
      bodyLength = result.getMessageBodyLength();
    } catch (RuntimeException e) {
      throw new WireFormatException("malformed IPC message metadata: " + e.getMessage(), e);
    }
    if (bodyLength < 0) {
      throw new WireFormatException("IPC message declares a negative body length " + bodyLength);
    }
    if (bodyLength > limits.maxBodyBytes()) {
      throw new WireFormatException("IPC message declares a body of " + bodyLength
          + " bytes (at most " + limits.maxBodyBytes() + " bytes per message, maxBodyBytes)");
    }
    return bodyLength;
  }

  /** Reads and drops a body of the declared length through a small heap buffer. */
  private void skipBody(long bodyLength) throws IOException {
    ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(bodyLength, SKIP_CHUNK_BYTES));
    long left = bodyLength;
    while (left > 0) {
      scratch.clear();
      scratch.limit((int) Math.min(left, scratch.capacity()));
      int wanted = scratch.limit();
      if (in.readFully(scratch) < wanted) {
        throw new WireFormatException("IPC stream truncated inside a message body of "
            + bodyLength + " bytes (" + (bodyLength - left) + " arrived)");
      }
      left -= wanted;
    }
  }

  /** Reads a small body into this thread's scratch memory (the metadata read before it reclaimed it). */
  private ArrowBuf readScratchBody(long bodyLength) throws IOException {
    Spare spare = SPARE_METADATA.get();
    spare.reclaim();
    ArrowBuf body = spare.scratch(bodyLength);
    ByteBuffer target = spare.scratch;
    target.clear().limit((int) bodyLength);
    int read = in.readFully(target);
    if (read < bodyLength) {
      throw new WireFormatException("IPC stream truncated inside a message body of "
          + bodyLength + " bytes (" + read + " arrived)");
    }
    body.writerIndex(bodyLength);
    return body;
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
    ByteBuffer prefix = SPARE_METADATA.get().prefix;
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
