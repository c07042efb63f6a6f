package dev.arrowrpc.core.wire;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one Arrow IPC stream (schema, dictionary and record batches, end-of-stream marker) onto an
 * {@link OutputStream} that may carry further streams afterwards.
 *
 * <p>Unlike Arrow's stock stream writer this one attaches custom metadata to each record-batch
 * message, which is where vgi-rpc carries its framework data. Every batch is flushed, so a peer in a
 * lockstep exchange never waits on bytes sitting in a buffer. Closing the writer writes the
 * end-of-stream marker but never closes the underlying stream.
 */
public final class IpcStreamWriter implements AutoCloseable {
  private static final IpcOption OPTION = IpcOption.DEFAULT;
  /** One message builder per thread, reused: its buffer is written out before the next message. */
  private static final ThreadLocal<FlatBufferBuilder> BUILDER =
      ThreadLocal.withInitial(() -> new FlatBufferBuilder(1024));

  private final OutputStream out;
  /** Arrow's channel over {@link #out}, made when a dictionary batch is first written. */
  private WriteChannel channel;
  private final Schema schema;
  private boolean ended;

  private IpcStreamWriter(OutputStream out, Schema schema) {
    this.out = out;
    this.schema = schema;
  }

  /**
   * Starts a stream: writes the schema message.
   *
   * @param out the byte channel; left open when the stream ends
   * @param schema the stream's schema in message format (dictionary fields typed by their values)
   * @return a writer positioned after the schema message
   * @throws IOException when the channel fails
   */
  public static IpcStreamWriter start(OutputStream out, Schema schema) throws IOException {
    IpcStreamWriter writer = new IpcStreamWriter(out, schema);
    out.write(SchemaMessages.encoded(schema, MessageReader.PerThread.of(out).lastSchema));
    return writer;
  }

  /** {@return the schema this stream was started with} */
  public Schema schema() {
    return schema;
  }

  /**
   * Writes the dictionaries of a batch followed by the batch itself, with custom metadata, and
   * flushes.
   *
   * @param batch the batch; its root must match the stream's schema
   * @param metadata per-batch custom metadata (may be empty)
   * @throws IOException when the channel fails
   */
  public void write(Batch batch, Map<String, String> metadata) throws IOException {
    for (Map.Entry<Long, VectorSchemaRoot> dictionary : batch.dictionaries().entrySet()) {
      writeDictionary(dictionary.getKey(), dictionary.getValue());
    }
    writeRecordBatch(batch.root(), metadata);
    out.flush();
  }

  /**
   * Writes the dictionaries of a batch followed by the batch itself, with custom metadata, without
   * flushing: for the last batch of a stream, whose end-of-stream marker follows at once, so the
   * two leave in one write (one wake-up of the peer instead of two).
   *
   * @param batch the batch; its root must match the stream's schema
   * @param metadata per-batch custom metadata (may be empty)
   * @throws IOException when the channel fails
   */
  public void append(Batch batch, Map<String, String> metadata) throws IOException {
    for (Map.Entry<Long, VectorSchemaRoot> dictionary : batch.dictionaries().entrySet()) {
      writeDictionary(dictionary.getKey(), dictionary.getValue());
    }
    writeRecordBatch(batch.root(), metadata);
  }

  /**
   * Writes a record batch with custom metadata, without dictionaries and without flushing (see
   * {@link #append(Batch, Map)}).
   *
   * @param root the batch's vectors
   * @param metadata per-batch custom metadata (may be empty)
   * @throws IOException when the channel fails
   */
  public void append(VectorSchemaRoot root, Map<String, String> metadata) throws IOException {
    writeRecordBatch(root, metadata);
  }

  /**
   * Writes a record batch with custom metadata, without dictionaries, and flushes.
   *
   * @param root the batch's vectors
   * @param metadata per-batch custom metadata (may be empty)
   * @throws IOException when the channel fails
   */
  public void write(VectorSchemaRoot root, Map<String, String> metadata) throws IOException {
    writeRecordBatch(root, metadata);
    out.flush();
  }

  private void writeDictionary(long id, VectorSchemaRoot values) throws IOException {
    VectorUnloader unloader = new VectorUnloader(values);
    try (ArrowRecordBatch data = unloader.getRecordBatch();
        ArrowDictionaryBatch dictionary = new ArrowDictionaryBatch(id, data, false)) {
      if (channel == null) {
        channel = new WriteChannel(StreamChannels.writable(out));
      }
      MessageSerializer.serialize(channel, dictionary, OPTION);
    }
  }

  private void writeRecordBatch(VectorSchemaRoot root, Map<String, String> metadata)
      throws IOException {
    if (root.getFieldVectors().isEmpty() && CONSTANT_KEYS.containsAll(metadata.keySet())) {
      // a request without parameters, a void result: the whole message is the same every call
      out.write(emptyBatchMessage(root, metadata));
      return;
    }
    writeRecordBatch(out, root, metadata);
  }

  /** Scratch for copying small Arrow buffers onto the stream, one per thread. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);
  /** A buffer this large goes to a stream that takes direct buffers without a copy (see WireOutput). */
  private static final long DIRECT_BYTES = 64 * 1024;
  private static final byte[] ZEROS = new byte[8];
  /** The end-of-stream marker: the continuation token and a zero length. */
  private static final byte[] END_OF_STREAM = {-1, -1, -1, -1, 0, 0, 0, 0};

  /**
   * Writes a record batch message straight onto the stream: the same bytes {@link
   * MessageSerializer#writeMessageBuffer} and {@link MessageSerializer#writeBatchBuffers} write
   * (continuation marker, padded length, flatbuffer, padding, each buffer at its 8-byte-aligned
   * offset, padding to 8), without their per-buffer views and per-int buffers. Every message starts
   * and ends at a multiple of 8 bytes from the stream's start, as theirs do.
   */
  static void writeRecordBatch(OutputStream out, VectorSchemaRoot root, Map<String, String> metadata)
      throws IOException {
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      long bodyLength = batch.computeBodyLength();
      ByteBuffer header = recordBatchMessage(batch, bodyLength, metadata);
      int length = header.remaining();
      int padded = (length + 8) % 8 == 0 ? length : length + 8 - (length + 8) % 8;
      byte[] scratch = SCRATCH.get();
      putIntLittleEndian(scratch, 0, MessageSerializer.IPC_CONTINUATION_TOKEN);
      putIntLittleEndian(scratch, 4, padded);
      out.write(scratch, 0, 8);
      if (header.hasArray()) {
        out.write(header.array(), header.arrayOffset() + header.position(), length);
      } else {
        byte[] copy = new byte[length];
        header.duplicate().get(copy);
        out.write(copy);
      }
      out.write(ZEROS, 0, padded - length);
      List<org.apache.arrow.memory.ArrowBuf> buffers = batch.getBuffers();
      List<org.apache.arrow.vector.ipc.message.ArrowBuffer> layout = batch.getBuffersLayout();
      long written = 0;
      for (int i = 0; i < buffers.size(); i++) {
        long start = layout.get(i).getOffset();
        if (start < written) {
          throw new IllegalStateException("buffer " + i + " starts at " + start + ", before " + written);
        }
        zeros(out, start - written);
        org.apache.arrow.memory.ArrowBuf buffer = buffers.get(i);
        long size = buffer.readableBytes();
        copy(out, buffer, buffer.readerIndex(), size, scratch);
        written = start + size;
        if (size != layout.get(i).getSize()) {
          throw new IllegalStateException("buffer " + i + " holds " + size + " bytes, its layout says "
              + layout.get(i).getSize());
        }
      }
      zeros(out, (8 - written % 8) % 8);
    }
  }

  private static void zeros(OutputStream out, long count) throws IOException {
    for (long left = count; left > 0; left -= ZEROS.length) {
      out.write(ZEROS, 0, (int) Math.min(left, ZEROS.length));
    }
  }

  private static void copy(OutputStream out, org.apache.arrow.memory.ArrowBuf buffer, long from, long size,
      byte[] scratch) throws IOException {
    if (size >= DIRECT_BYTES && out instanceof java.nio.channels.WritableByteChannel direct) {
      for (long done = 0; done < size; ) {
        int chunk = (int) Math.min(Integer.MAX_VALUE, size - done);
        ByteBuffer view = buffer.nioBuffer(from + done, chunk);
        while (view.hasRemaining()) {
          direct.write(view);
        }
        done += chunk;
      }
      return;
    }
    for (long done = 0; done < size; ) {
      int chunk = (int) Math.min(scratch.length, size - done);
      buffer.getBytes(from + done, scratch, 0, chunk);
      out.write(scratch, 0, chunk);
      done += chunk;
    }
  }

  private static void putIntLittleEndian(byte[] target, int at, int value) {
    target[at] = (byte) value;
    target[at + 1] = (byte) (value >>> 8);
    target[at + 2] = (byte) (value >>> 16);
    target[at + 3] = (byte) (value >>> 24);
  }

  /**
   * Writes a record batch message through Arrow's serializer: the reference the direct writer above
   * matches byte for byte (tested), and the path of the cached zero-column messages.
   */
  static void writeRecordBatch(
      WriteChannel channel, VectorSchemaRoot root, Map<String, String> metadata) throws IOException {
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      long bodyLength = batch.computeBodyLength();
      ByteBuffer header = recordBatchMessage(batch, bodyLength, metadata);
      MessageSerializer.writeMessageBuffer(channel, header.remaining(), header, OPTION);
      channel.align();
      MessageSerializer.writeBatchBuffers(channel, batch);
    }
  }

  /** Metadata keys whose values are fixed per method, so messages carrying only them can be reused. */
  private static final Set<String> CONSTANT_KEYS =
      Set.of(MetadataKeys.METHOD, MetadataKeys.PROTOCOL, MetadataKeys.REQUEST_VERSION, MetadataKeys.PROTOCOL_VERSION);

  private record EmptyBatch(int rows, Map<String, String> metadata) {}

  private static final ConcurrentHashMap<EmptyBatch, byte[]> EMPTY_BATCHES = new ConcurrentHashMap<>();

  /**
   * Batch metadata encoded to UTF-8, kept per thread for the last {@link FixedMetadata} instance
   * written: request metadata is kept per method and comes back call after call, its text encoded
   * once.
   */
  private static final class EncodedMetadata {
    private static final ThreadLocal<EncodedMetadata> LAST = new ThreadLocal<>();

    final Map<String, String> source;
    final ByteBuffer[] text;
    final int[] offsets;

    private EncodedMetadata(Map<String, String> source) {
      this.source = source;
      this.text = new ByteBuffer[source.size() * 2];
      this.offsets = new int[source.size()];
      int i = 0;
      for (Map.Entry<String, String> entry : source.entrySet()) {
        text[i++] = ByteBuffer.wrap(entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        text[i++] = ByteBuffer.wrap(entry.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }

    /** The encoded text of a map: kept from last time when it is the same unmodifiable instance. */
    static EncodedMetadata of(Map<String, String> metadata) {
      EncodedMetadata last = LAST.get();
      if (last != null && last.source == metadata) {
        return last;
      }
      EncodedMetadata encoded = new EncodedMetadata(metadata);
      if (FixedMetadata.isFixed(metadata)) {
        LAST.set(encoded);
      }
      return encoded;
    }
  }

  /**
   * This thread's last column-free batch message, by the identity of its metadata map when that is
   * a {@link FixedMetadata} (or the empty {@code Map.of()}): the same instance stands for the same
   * message.
   */
  private static final class LastEmpty {
    Map<String, String> metadata;
    long rows = -1;
    byte[] bytes;
  }

  /**
   * What a thread's stream writers keep between messages: its last column-free batch message and the
   * headers of its last direct batches. Held in the thread's {@link MessageReader.PerThread} (found
   * through a connection's output without a thread-local look-up); used within one write, never
   * across a call out of the writer, so writers nested on one thread share it safely.
   */
  static final class Writing {
    final LastEmpty lastEmpty = new LastEmpty();
    final RecentHeaders recent = new RecentHeaders();
    /** A message's 8-byte prefix, assembled before it is written. */
    final byte[] prefix = new byte[8];
  }

  private static byte[] emptyBatchMessage(VectorSchemaRoot root, Map<String, String> metadata)
      throws IOException {
    EmptyBatch key = new EmptyBatch(root.getRowCount(), metadata);
    byte[] bytes = EMPTY_BATCHES.get(key);
    if (bytes == null) {
      ByteArrayOutputStream encoded = new ByteArrayOutputStream(128);
      writeRecordBatch(new WriteChannel(Channels.newChannel(encoded)), root, metadata);
      bytes = encoded.toByteArray();
      if (EMPTY_BATCHES.size() >= SchemaMessages.LIMIT) {
        EMPTY_BATCHES.clear();
      }
      EMPTY_BATCHES.put(new EmptyBatch(key.rows(), Map.copyOf(metadata)), bytes);
    }
    return bytes;
  }

  private static ByteBuffer recordBatchMessage(
      ArrowRecordBatch batch, long bodyLength, Map<String, String> metadata) {
    FlatBufferBuilder builder = BUILDER.get();
    builder.clear();
    return recordBatchMessage(builder, batch.writeTo(builder), bodyLength, metadata);
  }

  /**
   * The flatbuffer of a direct batch's message: the table {@link ArrowRecordBatch#writeTo} builds
   * for the same nodes and buffers (struct vectors in reverse order, no compression, no variadic
   * counts), so the message is byte for byte the one the unloader's path writes.
   */
  private static ByteBuffer recordBatchMessage(DirectBatch batch, Map<String, String> metadata) {
    FlatBufferBuilder builder = BUILDER.get();
    builder.clear();
    RecordBatch.startNodesVector(builder, batch.nodeCount());
    for (int i = batch.nodeCount() - 1; i >= 0; i--) {
      FieldNode.createFieldNode(builder, batch.nodeLength(i), batch.nodeNulls(i));
    }
    int nodes = builder.endVector();
    RecordBatch.startBuffersVector(builder, batch.bufferCount());
    for (int i = batch.bufferCount() - 1; i >= 0; i--) {
      Buffer.createBuffer(builder, batch.bufferOffset(i), batch.bufferLength(i));
    }
    int buffers = builder.endVector();
    RecordBatch.startRecordBatch(builder);
    RecordBatch.addLength(builder, batch.rows());
    RecordBatch.addNodes(builder, nodes);
    RecordBatch.addBuffers(builder, buffers);
    int header = RecordBatch.endRecordBatch(builder);
    return recordBatchMessage(builder, header, batch.bodyLength(), metadata);
  }

  /**
   * Writes a batch assembled without vectors ({@link DirectBatch}) with custom metadata, without
   * flushing: the same bytes the vector path writes for the same values.
   *
   * @param batch the batch
   * @param metadata per-batch custom metadata (may be empty)
   * @throws IOException when the channel fails
   */
  public void append(DirectBatch batch, Map<String, String> metadata) throws IOException {
    writeDirect(out, batch, metadata);
  }

  /**
   * Writes a direct batch message onto a stream (see {@link #append(DirectBatch, Map)}).
   *
   * @param out the stream
   * @param batch the batch
   * @param metadata per-batch custom metadata
   * @throws IOException when the channel fails
   */
  static void writeDirect(OutputStream out, DirectBatch batch, Map<String, String> metadata) throws IOException {
    if (batch.nodeCount() == 0 && CONSTANT_KEYS.containsAll(metadata.keySet())) {
      // no columns (a request without parameters): the whole message is the same every call
      LastEmpty last = MessageReader.PerThread.of(out).writing.lastEmpty;
      if (last.metadata == metadata && last.rows == batch.rows() && FixedMetadata.isFixed(metadata)) {
        out.write(last.bytes); // the same metadata instance as last time (request metadata is kept per method)
        return;
      }
      EmptyBatch key = new EmptyBatch((int) batch.rows(), metadata);
      byte[] bytes = EMPTY_BATCHES.get(key);
      if (bytes == null) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(128);
        writeDirectMessage(encoded, batch, metadata);
        bytes = encoded.toByteArray();
        if (EMPTY_BATCHES.size() >= SchemaMessages.LIMIT) {
          EMPTY_BATCHES.clear();
        }
        EMPTY_BATCHES.put(new EmptyBatch(key.rows(), Map.copyOf(metadata)), bytes);
      }
      last.metadata = metadata;
      last.rows = batch.rows();
      last.bytes = bytes;
      out.write(bytes);
      return;
    }
    writeDirectMessage(out, batch, metadata);
  }

  private static void writeDirectMessage(OutputStream out, DirectBatch batch, Map<String, String> metadata)
      throws IOException {
    boolean fixed = FixedMetadata.isFixed(metadata);
    Writing writing = MessageReader.PerThread.of(out).writing;
    if (fixed) {
      byte[] framed = writing.recent.find(batch, metadata);
      if (framed != null) {
        // the same metadata and shape as a message this thread wrote lately: its header, patched
        out.write(framed);
        out.write(batch.body(), 0, batch.bodyLength());
        return;
      }
    }
    ByteBuffer header = recordBatchMessage(batch, metadata);
    int length = header.remaining();
    int padded = (length + 8) % 8 == 0 ? length : length + 8 - (length + 8) % 8;
    byte[] scratch = writing.prefix;
    putIntLittleEndian(scratch, 0, MessageSerializer.IPC_CONTINUATION_TOKEN);
    putIntLittleEndian(scratch, 4, padded);
    out.write(scratch, 0, 8);
    out.write(header.array(), header.arrayOffset() + header.position(), length);
    out.write(ZEROS, 0, padded - length);
    out.write(batch.body(), 0, batch.bodyLength());
    if (fixed) {
      byte[] framed = new byte[8 + padded];
      System.arraycopy(scratch, 0, framed, 0, 8);
      header.duplicate().get(framed, 8, length);
      writing.recent.keep(batch, metadata, header, framed);
    }
  }

  /**
   * The framed headers of the direct batches this thread wrote last, by their (fixed) metadata and
   * node and buffer counts: the header of a method's next call differs from the last one only in its
   * body length, row count, field nodes and buffers, which are patched in place (the bytes the
   * builder would write for them: flatbuffers lays a table out by its fields, not by their values).
   */
  private static final class RecentHeaders {
    private static final int SIZE = 4;

    private final Map<?, ?>[] metadata = new Map<?, ?>[SIZE];
    private final int[] nodes = new int[SIZE];
    private final int[] buffers = new int[SIZE];
    private final byte[][] framed = new byte[SIZE][];
    private final RecordBatchTable.Positions[] positions = new RecordBatchTable.Positions[SIZE];
    private int next;

    /** {@return the framed header of this batch, patched from a kept one of its shape, or null} */
    byte[] find(DirectBatch batch, Map<String, String> metadata) {
      RecentHeaders recent = this;
      for (int i = 0; i < SIZE; i++) {
        if (recent.metadata[i] == metadata && recent.framed[i] != null && recent.nodes[i] == batch.nodeCount() && recent.buffers[i] == batch.bufferCount()) {
          byte[] header = recent.framed[i];
          RecordBatchTable.Positions at = recent.positions[i];
          LONGS.set(header, at.bodyLength(), (long) batch.bodyLength());
          LONGS.set(header, at.rows(), batch.rows());
          batch.copyNodes(header, at.nodes());
          batch.copyBuffers(header, at.buffers());
          return header;
        }
      }
      return null;
    }

    /**
     * Keeps a framed header just written, when the positions of its changing values can be found.
     *
     * @param header the message as built (its position at the message's start)
     * @param framed the framed header (8 bytes of prefix, then the message, padded)
     */
    void keep(DirectBatch batch, Map<String, String> metadata, ByteBuffer header, byte[] framed) {
      RecordBatchTable.Positions found = RecordBatchTable.positions(Message.getRootAsMessage(header.duplicate()));
      if (found == null) {
        return;
      }
      int shift = 8 - header.position();
      RecentHeaders recent = this;
      int i = recent.next;
      recent.metadata[i] = metadata;
      recent.nodes[i] = batch.nodeCount();
      recent.buffers[i] = batch.bufferCount();
      recent.framed[i] = framed;
      recent.positions[i] = new RecordBatchTable.Positions(found.bodyLength() + shift, found.rows() + shift,
          found.nodes() + shift, found.buffers() + shift);
      recent.next = (i + 1) % SIZE;
    }
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static ByteBuffer recordBatchMessage(
      FlatBufferBuilder builder, int headerOffset, long bodyLength, Map<String, String> metadata) {
    int metadataOffset = -1;
    if (!metadata.isEmpty()) {
      EncodedMetadata encoded = EncodedMetadata.of(metadata);
      int[] offsets = encoded.offsets;
      for (int i = 0; i < offsets.length; i++) {
        int key = builder.createString(encoded.text[2 * i]);
        encoded.text[2 * i].rewind();
        int value = builder.createString(encoded.text[2 * i + 1]);
        encoded.text[2 * i + 1].rewind();
        offsets[i] = KeyValue.createKeyValue(builder, key, value);
      }
      metadataOffset = Message.createCustomMetadataVector(builder, offsets);
    }
    Message.startMessage(builder);
    Message.addVersion(builder, MetadataVersion.V5);
    Message.addHeaderType(builder, MessageHeader.RecordBatch);
    Message.addHeader(builder, headerOffset);
    Message.addBodyLength(builder, bodyLength);
    if (metadataOffset >= 0) {
      Message.addCustomMetadata(builder, metadataOffset);
    }
    builder.finish(Message.endMessage(builder));
    return builder.dataBuffer();
  }

  /**
   * Writes the end-of-stream marker and flushes. The underlying stream stays open. Idempotent.
   *
   * @throws IOException when the channel fails
   */
  public void end() throws IOException {
    if (ended) {
      return;
    }
    ended = true;
    out.write(END_OF_STREAM);
    out.flush();
  }

  /** Ends the stream (see {@link #end()}). */
  @Override
  public void close() throws IOException {
    end();
  }
}
