package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.WireLimits;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

  private static final ThreadLocal<PerThread> PER_THREAD = ThreadLocal.withInitial(PerThread::new);

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Something that keeps a message read into this thread's spare buffer beyond the next read. */
  interface Borrower {
    /** The spare buffer is about to be reused: copy what is still needed out of it. */
    void spareReclaimed();
  }

  /**
   * What a thread reads messages with, held together so that a reader looks it up once: its spare
   * metadata buffer and who (if anyone) still holds a message read into it, its scratch body memory,
   * the channel over the input it last read a stream from, the schemas and metadata texts it read
   * last, its walk over record batches; and what its stream writers keep (found through a
   * connection's output the same way).
   */
  static final class PerThread {
    final ByteBuffer buffer = ByteBuffer.allocate(SPARE_METADATA_BYTES);
    /** A message's 8-byte prefix: the continuation marker and the metadata length. */
    final byte[] prefix = new byte[8];
    /** Scratch memory for small bodies, outside any allocator, grown on demand. */
    ByteBuffer scratch;
    ArrowBuf scratchView;
    Borrower borrower;
    /** The input this thread last read bodies from, and Arrow's channel over it. */
    private InputStream lastInput;
    private ReadChannel lastChannel;
    /** The schemas this thread decoded last (see {@link IpcStreamReader}). */
    final IpcStreamReader.RecentSchemas schemas = new IpcStreamReader.RecentSchemas();
    /** The metadata texts and vectors this thread read last. */
    final MetadataText texts = MetadataText.current();
    /** The short texts this thread's batch views read last (see {@link BatchView#ascii}). */
    final BatchView.Recent[] recentTexts = new BatchView.Recent[BatchView.RECENT_TEXTS];
    /** This thread's walk over record batches, with the headers it checked (see {@link WireBounds}). */
    final WireBounds.Walk walk = new WireBounds.Walk();
    /** A table for finding where a record batch's vectors lie, positioned and cleared within one call. */
    final RecordBatchTable table = RecordBatchTable.create();
    /** The schema message this thread wrote last (see {@link SchemaMessages}). */
    final SchemaMessages.Last lastSchema = new SchemaMessages.Last();
    /** What this thread's stream writers keep between messages (see {@link IpcStreamWriter}). */
    final IpcStreamWriter.Writing writing = new IpcStreamWriter.Writing();

    /** {@return this thread's reading state} */
    static PerThread current() {
      return PER_THREAD.get();
    }

    /**
     * {@return this thread's state, as kept on a connection's output when {@code out} is one}
     */
    static PerThread of(java.io.OutputStream out) {
      return out instanceof WireOutput wire ? wire.writeState() : current();
    }

    /**
     * {@return this thread's reading state, as kept on a connection's input when {@code in} is one or
     * passes one on}
     */
    static PerThread of(InputStream in) {
      WireInput wire = in instanceof WireInput direct ? direct
          : in instanceof WireInput.Over over ? over.wireInput() : null;
      return wire != null ? wire.readState() : current();
    }

    /**
     * Arrow's channel over an input: a connection's thread reads stream after stream from the same
     * input, and the channel holds nothing but the input.
     */
    ReadChannel channel(InputStream in) {
      if (lastInput != in) {
        lastInput = in;
        lastChannel = new ReadChannel(StreamChannels.readable(in));
      }
      return lastChannel;
    }

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
  void borrow(Borrower borrower) {
    PerThread spare = here();
    if (spare.borrower != borrower) {
      spare.reclaim();
      spare.borrower = borrower;
    }
  }

  /** Whether a message's metadata lies in this thread's spare buffer. */
  boolean inSpare(ByteBuffer metadata) {
    return metadata == here().buffer;
  }

  /**
   * Records that a borrower no longer keeps a message (it loaded or released it).
   *
   * @param borrower the borrower
   */
  void giveBack(Borrower borrower) {
    PerThread spare = here();
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

  /** The input: prefixes and metadata are read from it directly, bodies through {@link #channel()}. */
  private final InputStream in;
  /** Arrow's channel over the input, made when a body is first read. */
  private ReadChannel channel;
  private final BufferAllocator allocator;
  private final WireLimits limits;
  private final boolean scratchBodies;
  /** The input, when it lends its memory: bodies are taken from it in place. */
  private final MappedInput mapped;

  /** The thread whose reading state {@link #state} is (a reader may be read from another thread). */
  private Thread owner;
  private PerThread state;

  private boolean endOfInput;
  private boolean inMessage;
  /** The body bytes read since the request began, against {@link WireLimits#maxRequestBytes()}. */
  private long requestBytes;

  MessageReader(InputStream in, BufferAllocator allocator, WireLimits limits) {
    this(in, allocator, limits, false);
  }

  /**
   * A reader of the messages on a channel.
   *
   * @param scratchBodies whether small bodies may be read into this thread's scratch memory (see
   *     {@link Raw}): only for a stream read and decoded on one thread
   */
  MessageReader(InputStream in, BufferAllocator allocator, WireLimits limits, boolean scratchBodies) {
    this(in, allocator, limits, scratchBodies, null, null);
  }

  /**
   * A reader of the messages on a channel whose bodies may be taken in place.
   *
   * @param mapped the input under {@code in}, when it lends its memory (null otherwise): each body
   *     is then a buffer over the input's bytes, never a copy
   * @param here this thread's reading state, when the caller has looked it up (null otherwise)
   */
  MessageReader(InputStream in, BufferAllocator allocator, WireLimits limits, boolean scratchBodies,
      MappedInput mapped, PerThread here) {
    this.in = in;
    if (here != null) {
      this.owner = Thread.currentThread();
      this.state = here;
    }
    this.allocator = allocator;
    this.limits = limits;
    this.scratchBodies = scratchBodies && mapped == null;
    this.mapped = mapped;
  }

  /** {@return the reading state of the thread calling} (looked up once per thread that reads) */
  PerThread here() {
    Thread thread = Thread.currentThread();
    if (owner != thread) {
      state = PER_THREAD.get();
      owner = thread;
    }
    return state;
  }

  /** Arrow's channel over the input, for bodies. */
  private ReadChannel channel() {
    if (channel == null) {
      channel = scratchBodies ? here().channel(in) : new ReadChannel(StreamChannels.readable(in));
    }
    return channel;
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
    PerThread here = here();
    byte[] prefix = here.prefix;
    // the marker and the length in one read when both have arrived, but never waiting for the
    // length before the marker is checked (stray text must fail at once, not wait for more)
    int arrived = readAtLeast(prefix, 0, 4, 8);
    if (arrived == 0) {
      endOfInput = true;
      return null; // clean end of input
    }
    if (arrived < 4) {
      throw new WireFormatException("IPC stream truncated: " + arrived + " of 4 bytes of a message prefix");
    }
    if ((int) INT.get(prefix, 0) != CONTINUATION) {
      throw new WireFormatException("expected an Arrow IPC message (continuation marker ff ff ff ff), got "
          + describe(prefix) + ": the channel carries something other than an Arrow IPC stream"
          + " (for a subprocess worker, is something printing to its stdout?)");
    }
    if (arrived < 8) {
      arrived = readAtLeast(prefix, arrived, 8, 8);
      if (arrived < 8) {
        throw new WireFormatException("IPC stream truncated: " + (arrived - 4) + " of 4 bytes of a message prefix");
      }
    }
    int length = (int) INT.get(prefix, 4);
    if (length == 0) {
      return null; // end-of-stream marker
    }
    if (length < 0 || length > limits.maxMetadataBytes()) {
      throw new WireFormatException("IPC message metadata length " + Integer.toUnsignedString(length)
          + " is out of range (at most " + limits.maxMetadataBytes() + " bytes, maxMetadataBytes)");
    }
    ByteBuffer metadata = readMetadata(length, here);
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
  private ByteBuffer readMetadata(int length, PerThread spare) throws IOException {
    ByteBuffer metadata;
    if (length <= SPARE_METADATA_BYTES) {
      // the usual small message: read into this thread's spare buffer (the message is decoded before
      // the next message is read, and nothing keeps it: the schema cache copies the bytes it keeps)
      spare.reclaim();
      metadata = spare.buffer;
      metadata.clear().limit(length);
    } else {
      metadata = ByteBuffer.allocate(Math.min(length, METADATA_CHUNK_BYTES));
    }
    while (true) {
      int wanted = metadata.remaining();
      if (readFully(metadata) < wanted) {
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
      if (readFully(scratch) < wanted) {
        throw new WireFormatException("IPC stream truncated inside a message body of "
            + bodyLength + " bytes (" + (bodyLength - left) + " arrived)");
      }
      left -= wanted;
    }
  }

  /** Reads a small body into this thread's scratch memory (the metadata read before it reclaimed it). */
  private ArrowBuf readScratchBody(long bodyLength) throws IOException {
    PerThread spare = here();
    spare.reclaim();
    ArrowBuf body = spare.scratch(bodyLength);
    ByteBuffer target = spare.scratch;
    target.clear().limit((int) bodyLength);
    int read = channel().readFully(target);
    if (read < bodyLength) {
      throw new WireFormatException("IPC stream truncated inside a message body of "
          + bodyLength + " bytes (" + read + " arrived)");
    }
    body.writerIndex(bodyLength);
    return body;
  }

  /**
   * Reads a body of the declared length into a buffer that grows with the bytes that arrive, so a
   * length that lies allocates at most twice what was sent. Bytes the input says are already there
   * (an input held in memory has them all) are room made at once, not grown into by doubling and
   * copying.
   */
  private ArrowBuf readBody(long bodyLength) throws IOException {
    long first = WireBounds.BODY_CHUNK_BYTES;
    if (bodyLength > first) {
      first = Math.max(first, waiting());
    }
    ArrowBuf body = allocator.buffer(Math.min(bodyLength, first));
    try {
      while (true) {
        long wanted = Math.min(bodyLength, body.capacity()) - body.writerIndex();
        long read = wanted == 0 ? 0 : channel().readFully(body, wanted);
        if (read < wanted) {
          throw new WireFormatException("IPC stream truncated inside a message body of "
              + bodyLength + " bytes (" + body.writerIndex() + " arrived)");
        }
        if (body.writerIndex() >= bodyLength) {
          ArrowBuf result = body;
          body = null;
          return result;
        }
        ArrowBuf larger = allocator.buffer(
            Math.min(bodyLength, Math.max(2 * body.capacity(), body.writerIndex() + waiting())));
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

  /** {@return how many bytes the input says can be read without waiting (0 when it cannot tell)} */
  private long waiting() {
    try {
      return Math.max(0, in.available());
    } catch (IOException e) {
      return 0; // the read that follows reports what is wrong with the input
    }
  }

  /**
   * Reads from the input into {@code bytes[from..]} until at least {@code least} bytes are there,
   * asking each time for up to {@code most} (what has already arrived is taken, nothing more is
   * waited for), stopping early at the end of input or an empty read as Arrow's {@code
   * ReadChannel.readFully} does.
   *
   * @return the index just past the last byte read (at least {@code least} unless the input ended)
   */
  private int readAtLeast(byte[] bytes, int from, int least, int most) throws IOException {
    int held = from;
    while (held < least) {
      int n = in.read(bytes, held, most - held);
      if (n <= 0) {
        break;
      }
      held += n;
    }
    return held;
  }

  /** Fills a heap buffer from the input as Arrow's {@code ReadChannel.readFully} does; returns the bytes read. */
  private int readFully(ByteBuffer heap) throws IOException {
    int start = heap.position();
    int end = readAtLeast(heap.array(), heap.arrayOffset() + start, heap.arrayOffset() + heap.limit(),
        heap.arrayOffset() + heap.limit()) - heap.arrayOffset();
    heap.position(end);
    return end - start;
  }

  private static String describe(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      int b = bytes[i] & 0xff;
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", b));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return "bytes " + hex + " (\"" + text + "\")";
  }
}
