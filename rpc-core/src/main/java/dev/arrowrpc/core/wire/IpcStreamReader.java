package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.WireLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * Reads one Arrow IPC stream from an {@link InputStream} that may carry further streams afterwards.
 *
 * <p>It reads exactly the bytes of each message it is asked for, so it never consumes a byte past
 * the end-of-stream marker, and closing it never closes the underlying stream. Each record batch's
 * custom metadata is exposed through {@link #metadata()}. Batches are loaded one at a time into a
 * single {@link #root()} that the reader owns; copy out what must outlive the next call to {@link
 * #next()}.
 */
public final class IpcStreamReader implements AutoCloseable, DictionaryProvider, MessageReader.Borrower {
  /** What a reader opened without limits checks: the defaults, with no total per stream. */
  private static final WireLimits UNTOTALLED = WireLimits.DEFAULT.withMaxRequestBytes(Long.MAX_VALUE);

  private final MessageReader messages;
  private final BufferAllocator allocator;
  private final WireLimits limits;
  private final boolean perTurn;
  private final Schema schema;
  private final Map<Long, Dictionary> dictionaries;
  /** The memory-format schema the root is made from on first use, when the stream has no dictionaries. */
  private final Schema lazyRootSchema;
  private VectorSchemaRoot root;
  /**
   * The current record batch while it is not loaded into the root: checked, kept as its message and
   * body until {@link #root()} loads it or a {@link #directBatch()} reader decodes it in place.
   */
  private Message pendingMessage;
  private ArrowBuf pendingBody;
  /** Whether the pending body lies in this thread's scratch memory (not ours to close). */
  private boolean pendingScratch;
  /** The pending batch's header (the table read from its message when it was checked). */
  private RecordBatch pendingHeader;
  /**
   * A view of the pending batch, located when it was checked (the check took where its vectors lie
   * from it): the first {@link #directBatch()} hands it out; null once handed out or when the
   * pending message or body moved.
   */
  private BatchView pendingView;
  private long pendingRows;
  private Map<String, String> metadata = Map.of();
  private boolean ended;
  private boolean cutOff;
  private long batchesRead;

  private IpcStreamReader(
      MessageReader messages, Decoded decoded, BufferAllocator allocator, WireLimits limits, boolean perTurn) {
    this.messages = messages;
    this.allocator = allocator;
    this.limits = limits;
    this.perTurn = perTurn;
    this.schema = decoded.schema();
    this.dictionaries = decoded.memory().isPresent() ? Map.of() : new HashMap<>();
    if (decoded.memory().isPresent()) {
      // no dictionaries: the memory-format schema is the same for every stream of this schema, and
      // the root is made only when a batch is loaded into it (a direct reader may never need one)
      this.lazyRootSchema = decoded.memory().get();
      this.root = null;
    } else {
      this.lazyRootSchema = null;
      this.root = VectorSchemaRoot.create(memorySchema(schema, allocator, dictionaries), allocator);
    }
  }

  private List<Field> memoryFields() {
    return root != null ? root.getSchema().getFields() : lazyRootSchema.getFields();
  }

  /** The schema vectors are created from: dictionary fields typed by their indices (their dictionaries made). */
  private static Schema memorySchema(Schema schema, BufferAllocator allocator, Map<Long, Dictionary> dictionaries) {
    List<Field> memoryFields = new ArrayList<>(schema.getFields().size());
    for (Field field : schema.getFields()) {
      memoryFields.add(DictionaryUtility.toMemoryFormat(field, allocator, dictionaries));
    }
    return new Schema(memoryFields, schema.getCustomMetadata());
  }

  /**
   * Opens the next stream on the channel by reading its schema message, under the default {@link
   * WireLimits} with no total per stream (how clients read responses).
   *
   * @param in the byte channel
   * @param allocator where batch buffers are allocated
   * @return the reader, or empty when the channel is at a clean end of input
   * @throws IOException on a read failure
   * @throws WireFormatException when the bytes are not an Arrow IPC stream
   */
  public static Optional<IpcStreamReader> open(InputStream in, BufferAllocator allocator)
      throws IOException {
    return open(in, allocator, UNTOTALLED, false);
  }

  /**
   * Opens the next stream on the channel as a request: under the given limits, with {@link
   * WireLimits#maxRequestBytes()} bounding the bodies of the whole stream.
   *
   * @param in the byte channel
   * @param allocator where batch buffers are allocated
   * @param limits the bounds every message is checked against
   * @return the reader, or empty when the channel is at a clean end of input
   * @throws IOException on a read failure
   * @throws WireFormatException when the bytes are not an Arrow IPC stream, or break a limit
   */
  public static Optional<IpcStreamReader> open(InputStream in, BufferAllocator allocator, WireLimits limits)
      throws IOException {
    return open(in, allocator, limits, false);
  }

  /**
   * Opens the next stream on the channel as a stream's input, one turn per batch: under the given
   * limits, with {@link WireLimits#maxRequestBytes()} bounding each record batch together with the
   * dictionary batches before it.
   *
   * @param in the byte channel
   * @param allocator where batch buffers are allocated
   * @param limits the bounds every message is checked against
   * @return the reader, or empty when the channel is at a clean end of input
   * @throws IOException on a read failure
   * @throws WireFormatException when the bytes are not an Arrow IPC stream, or break a limit
   */
  public static Optional<IpcStreamReader> openTurns(InputStream in, BufferAllocator allocator, WireLimits limits)
      throws IOException {
    return open(in, allocator, limits, true);
  }

  /**
   * Opens the next stream on the channel for a caller that reads it and decodes each batch on this
   * thread before reading on (a unary response, a request): small bodies are read into this
   * thread's scratch memory instead of the allocator, and copied into the allocator only when a batch
   * is loaded into the root. Limits as {@link #open(InputStream, BufferAllocator, WireLimits)}.
   *
   * @param in the byte channel
   * @param allocator where loaded batches are allocated
   * @param limits the bounds every message is checked against; null: the defaults, no total
   * @return the reader, or empty when the channel is at a clean end of input
   * @throws IOException on a read failure
   * @throws WireFormatException when the bytes are not an Arrow IPC stream, or break a limit
   */
  public static Optional<IpcStreamReader> openOnThisThread(InputStream in, BufferAllocator allocator,
      WireLimits limits) throws IOException {
    return open(in, allocator, limits == null ? UNTOTALLED : limits, false, true);
  }

  private static Optional<IpcStreamReader> open(InputStream in, BufferAllocator allocator, WireLimits limits,
      boolean perTurn) throws IOException {
    return open(in, allocator, limits, perTurn, false);
  }

  private static Optional<IpcStreamReader> open(InputStream in, BufferAllocator allocator, WireLimits limits,
      boolean perTurn, boolean scratchBodies) throws IOException {
    // an input that lends its memory hands each body over in place (see MappedInput)
    MappedInput mapped = in instanceof MappedInput lends ? lends : null;
    // this thread's reading state, looked up once for the stream's reader (which looks it up again
    // only when another thread reads on)
    MessageReader.PerThread here = MessageReader.PerThread.of(in);
    MessageReader messages = new MessageReader(in, allocator, limits, scratchBodies, mapped, here);
    MessageReader.Raw first = messages.next();
    if (first == null) {
      return Optional.empty();
    }
    first.closeBody();
    // the message arrived whole: whatever fails from here on is its content, not the framing
    try {
      return Optional.of(new IpcStreamReader(messages, schemaOf(first.message(), limits, here.schemas), allocator,
          limits, perTurn));
    } catch (WireFormatException | RuntimeException | Error e) {
      throw inContent("malformed schema message", e);
    }
  }

  /**
   * Reads one encapsulated schema message (what pyarrow's {@code Schema.serialize()} writes, and
   * {@link IpcBytes#schema} too) with the same checks as a stream's schema: framing, nesting depth,
   * field count and type parameters, before anything is decoded.
   *
   * @param bytes the message
   * @param limits the bounds
   * @return the schema in message format
   * @throws WireFormatException when the bytes are not a well-formed schema message within the limits
   */
  public static Schema readSchemaMessage(byte[] bytes, WireLimits limits) throws WireFormatException {
    MessageReader messages = new MessageReader(new java.io.ByteArrayInputStream(bytes), null, limits);
    MessageReader.Raw first;
    try {
      first = messages.next();
    } catch (WireFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // a schema message has no body: one that claims a body is malformed (no allocator to read it into)
      throw new WireFormatException("malformed schema message: " + e, e);
    }
    if (first == null) {
      throw new WireFormatException("expected a schema message, got " + bytes.length + " bytes without one");
    }
    first.closeBody();
    try {
      return schemaOf(first.message(), limits, messages.here().schemas).schema();
    } catch (WireFormatException | RuntimeException | Error e) {
      throw inContent("malformed schema message", e);
    }
  }

  private static Decoded schemaOf(Message message, WireLimits limits, RecentSchemas recent)
      throws WireFormatException {
    if (message.headerType() != MessageHeader.Schema) {
      throw WireFormatException.inContent(
          "expected a schema message to open an IPC stream, got message type "
              + MessageHeader.name(message.headerType()), null);
    }
    Decoded decoded = recent.find(message.getByteBuffer());
    if (decoded == null) {
      decoded = DECODED_SCHEMAS.get(message.getByteBuffer());
      if (decoded != null) {
        recent.keep(message.getByteBuffer(), decoded);
      }
    }
    if (decoded == null || !decoded.size().within(limits)) {
      WireBounds.SchemaSize size = WireBounds.checkSchema(
          (org.apache.arrow.flatbuf.Schema) message.header(new org.apache.arrow.flatbuf.Schema()), limits);
      if (decoded == null) {
        decoded = Decoded.of(MessageSerializer.deserializeSchema(message), size);
        remember(message.getByteBuffer(), decoded);
        recent.keep(message.getByteBuffer(), decoded);
      }
    }
    return decoded;
  }

  /**
   * Turns a failure to decode a message that arrived whole into a {@link WireFormatException} whose
   * framing is intact (Errors included: a schema too deep for the stack must not end the connection).
   */
  private static WireFormatException inContent(String what, Throwable failure) {
    if (failure instanceof WireFormatException w && w.framingIntact()) {
      return w;
    }
    String message = failure instanceof WireFormatException
        ? failure.getMessage()
        : what + ": " + (failure.getMessage() == null ? failure.toString() : failure.getMessage());
    return WireFormatException.inContent(message, failure);
  }

  /**
   * Skips what is left of a stream whose first message could not be decoded, by framing alone, up
   * to and including its end-of-stream marker (see {@link #skipRest()}).
   *
   * @param in the byte channel, positioned after the failing message
   * @param limits the bounds every skipped frame is checked against
   * @throws IOException on a read failure
   * @throws WireFormatException when the framing is broken
   */
  public static void skipStream(InputStream in, WireLimits limits) throws IOException {
    new MessageReader(in, null, limits).skipToEnd();
  }

  /**
   * Schemas decoded before, by their message's bytes: a connection sees the same few schemas over
   * and over (one per method), and decoding a flatbuffer into a schema is the largest part of
   * opening a stream. Bounded; past the limit it starts over.
   */
  private static final ConcurrentHashMap<ByteBuffer, Decoded> DECODED_SCHEMAS = new ConcurrentHashMap<>();

  private static final int DECODED_SCHEMA_LIMIT = 1024;

  /**
   * The schemas this thread decoded last, by their message's bytes, looked up by comparing bytes
   * (no hash over the message): a connection's thread sees the same few schemas call after call.
   * Held in the thread's {@link MessageReader.PerThread}.
   */
  static final class RecentSchemas {
    private static final int SIZE = 8;

    private final byte[][] bytes = new byte[SIZE][];
    private final Decoded[] decoded = new Decoded[SIZE];
    private int next;

    Decoded find(ByteBuffer message) {
      if (!message.hasArray()) {
        return null;
      }
      byte[] array = message.array();
      int from = message.arrayOffset() + message.position();
      int length = message.remaining();
      for (int i = 0; i < SIZE; i++) {
        byte[] known = bytes[i];
        if (known != null && known.length == length
            && java.util.Arrays.equals(known, 0, length, array, from, from + length)) {
          return decoded[i];
        }
      }
      return null;
    }

    void keep(ByteBuffer message, Decoded schema) {
      if (message.remaining() > DECODED_SCHEMA_MAX_MESSAGE_BYTES) {
        return;
      }
      byte[] copy = new byte[message.remaining()];
      message.duplicate().get(copy);
      bytes[next] = copy;
      decoded[next] = schema;
      next = (next + 1) % SIZE;
    }
  }

  /** A schema decoded before, with the size it was checked at. */
  private record Decoded(Schema schema, WireBounds.SchemaSize size, Optional<Schema> memory) {
    /** A decoded schema, with its memory format when it has no dictionary fields (shared by its streams). */
    static Decoded of(Schema schema, WireBounds.SchemaSize size) {
      boolean dictionaries = false;
      for (Field field : schema.getFields()) {
        dictionaries |= hasDictionary(field);
      }
      return new Decoded(schema, size,
          dictionaries ? Optional.empty() : Optional.of(memorySchema(schema, null, new HashMap<>())));
    }

    private static boolean hasDictionary(Field field) {
      if (field.getDictionary() != null) {
        return true;
      }
      for (Field child : field.getChildren()) {
        if (hasDictionary(child)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Schema messages larger than this are not cached (the cache holds at most 1,024 x 64 KiB). */
  private static final int DECODED_SCHEMA_MAX_MESSAGE_BYTES = 64 << 10;

  private static void remember(ByteBuffer message, Decoded schema) {
    if (message.remaining() > DECODED_SCHEMA_MAX_MESSAGE_BYTES) {
      // a method's schema is a few hundred bytes; a huge one (a column bomb) is decoded each time,
      // never kept: a peer sending distinct large schemas must not fill the cache with megabytes each
      return;
    }
    ByteBuffer key = message.duplicate();
    byte[] copy = new byte[key.remaining()];
    key.get(copy);
    if (DECODED_SCHEMAS.size() >= DECODED_SCHEMA_LIMIT) {
      DECODED_SCHEMAS.clear();
    }
    DECODED_SCHEMAS.put(ByteBuffer.wrap(copy), schema);
  }

  /** {@return the stream's schema as sent (dictionary fields typed by their values)} */
  public Schema schema() {
    return schema;
  }

  /** {@return the root the current batch is loaded into (dictionary columns hold indices)} */
  public VectorSchemaRoot root() {
    if (root == null) {
      root = VectorSchemaRoot.create(lazyRootSchema, allocator);
    }
    if (pendingMessage != null) {
      Message message = pendingMessage;
      ArrowBuf body = pendingScratch ? own(pendingBody) : pendingBody;
      forgetPending();
      try {
        loadChecked(message, body);
      } catch (WireFormatException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return root;
  }

  /**
   * {@return the current record batch's row count, without loading it}
   */
  public int rowCount() {
    return pendingMessage != null ? (int) pendingRows : root == null ? 0 : root.getRowCount();
  }

  /**
   * The current record batch, to be decoded in place without vectors, when it has not been loaded
   * into the root: its lengths are checked against the schema. The view is valid until {@link
   * #next()} or {@link #close()}.
   *
   * @return the view, or empty when the batch has been loaded (or there is none)
   */
  public Optional<BatchView> directBatch() {
    if (pendingMessage == null) {
      return Optional.empty();
    }
    BatchView view = pendingView;
    if (view != null) {
      pendingView = null; // a second view of the batch starts at its first node again: a new one
      return Optional.of(view);
    }
    return Optional.of(new BatchView(pendingMessage, pendingHeader, pendingBody));
  }

  @Override
  public void spareReclaimed() {
    if (pendingMessage != null) {
      pendingView = null; // it points into the memory about to be reused
      if (messages.inSpare(pendingMessage.getByteBuffer())) {
        ByteBuffer kept = pendingMessage.getByteBuffer().duplicate();
        ByteBuffer copy = ByteBuffer.allocate(kept.remaining());
        copy.put(kept).flip();
        pendingMessage = Message.getRootAsMessage(copy);
        pendingHeader = (RecordBatch) pendingMessage.header(new RecordBatch());
      }
      if (pendingScratch) {
        pendingBody = own(pendingBody);
        pendingScratch = false;
      }
    }
  }

  /** A copy of a body read into scratch memory, in this reader's allocator (null stays null). */
  private ArrowBuf own(ArrowBuf scratch) {
    if (scratch == null) {
      return null;
    }
    long length = scratch.writerIndex();
    ArrowBuf copy = allocator.buffer(length);
    copy.setBytes(0, scratch, 0, length);
    copy.writerIndex(length);
    return copy;
  }

  private void forgetPending() {
    pendingMessage = null;
    pendingHeader = null;
    pendingView = null;
    pendingBody = null;
    pendingScratch = false;
    messages.giveBack(this);
  }

  private void releasePending() {
    if (pendingMessage != null) {
      ArrowBuf body = pendingScratch ? null : pendingBody;
      forgetPending();
      if (body != null) {
        body.close();
      }
    }
  }

  /** {@return the custom metadata of the current batch (empty when it had none)} */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Replaces the custom metadata of the current batch, as the resolver of a pointer batch does when it
   * stamps the fetched batch's provenance; the next {@link #next()} reads the next batch's own.
   *
   * @param replacement the metadata to report for the current batch
   */
  public void replaceMetadata(Map<String, String> replacement) {
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(replacement));
  }

  /** {@return the number of record batches read so far} */
  public long batchesRead() {
    return batchesRead;
  }

  /**
   * {@return whether the end-of-stream marker has been read} After {@link #next()} returned false
   * this is false when the input ended at a message boundary without the marker: the peer went
   * away mid-stream, and the stream is cut short rather than complete.
   */
  public boolean ended() {
    return ended;
  }

  /**
   * Loads the next record batch, reading any dictionary batches in front of it.
   *
   * @return false at the end-of-stream marker
   * @throws IOException on a read failure
   * @throws WireFormatException on malformed or truncated input
   */
  public boolean next() throws IOException {
    releasePending();
    if (ended || cutOff) {
      return false;
    }
    while (true) {
      MessageReader.Raw result = messages.next();
      if (result == null) {
        // the marker, or a clean end of input before it: only the marker counts as ended()
        ended = !messages.endOfInput();
        cutOff = !ended;
        metadata = Map.of();
        return false;
      }
      Message message = result.message();
      byte headerType;
      try {
        headerType = message.headerType();
      } catch (RuntimeException e) {
        result.closeBody();
        throw WireFormatException.inContent("malformed IPC message: " + e.getMessage(), e);
      }
      // deserializing a batch takes over the body buffer's reference
      ArrowBuf body = result.body();
      boolean scratch = result.scratch();
      // the message arrived whole: whatever fails from here on is its content, not the framing
      try {
        switch (headerType) {
          case MessageHeader.RecordBatch -> {
            Map<String, String> batchMetadata;
            try {
              batchMetadata = customMetadata(message, messages.here().texts);
            } catch (WireFormatException | RuntimeException e) {
              result.closeBody();
              throw e;
            }
            loadRecordBatch(message, body, scratch);
            if (pendingMessage != null && (scratch || messages.inSpare(message.getByteBuffer()))) {
              messages.borrow(this);
            }
            metadata = batchMetadata;
            batchesRead++;
            if (perTurn) {
              messages.restartRequest();
            }
            return true;
          }
          case MessageHeader.DictionaryBatch -> loadDictionary(message, scratch ? own(body) : body);
          default -> {
            result.closeBody();
            throw WireFormatException.inContent(
                "unexpected message type inside an IPC stream: "
                    + MessageHeader.name(headerType), null);
          }
        }
      } catch (WireFormatException | RuntimeException | Error e) {
        throw inContent("malformed IPC message", e);
      }
    }
  }

  /**
   * Reads and discards batches up to the end of this stream.
   *
   * @throws IOException on a read failure
   */
  public void drain() throws IOException {
    while (next()) {
      // discard
    }
  }

  /**
   * Skips what is left of this stream by framing alone, without decoding: each message's metadata
   * is read only for its body length and the body is dropped, up to and including the end-of-stream
   * marker. This is how a reader whose {@link #next()} failed on a message's content (a {@link
   * WireFormatException} with {@link WireFormatException#framingIntact()}) gets back in step. Does
   * nothing when the stream already ended.
   *
   * @throws IOException on a read failure
   * @throws WireFormatException when the framing is broken
   */
  public void skipRest() throws IOException {
    if (ended || cutOff) {
      return;
    }
    if (messages.inMessage()) {
      throw new WireFormatException("cannot skip the rest of an IPC stream from inside a message");
    }
    messages.skipToEnd();
    ended = !messages.endOfInput();
    cutOff = !ended;
    metadata = Map.of();
  }

  /**
   * {@return whether the channel is at a message boundary: false after a failure while a message's own bytes
   * were being read (a broken frame, an allocation that failed), when the rest cannot be skipped}
   */
  public boolean atMessageBoundary() {
    return !messages.inMessage();
  }

  /**
   * Checks a record batch and loads it into the root, or, when the root is made lazily (no
   * dictionaries), keeps it pending until {@link #root()} or a direct reader needs it.
   */
  private void loadRecordBatch(Message message, ArrowBuf body, boolean scratch) throws IOException {
    RecordBatch header;
    BatchView view = null;
    try {
      header = (RecordBatch) message.header(new RecordBatch());
      if (lazyRootSchema != null && header != null && !lazyRootSchema.getFields().isEmpty()) {
        // the view a direct reader of columns will want, located once: the check takes the vectors'
        // places from it
        MessageReader.PerThread here = messages.here();
        view = new BatchView(here.table, here.recentTexts, message, header, body);
        WireBounds.checkBatch(here.walk, message, header, view, body, memoryFields(), "record batch", limits);
      } else {
        WireBounds.checkBatch(message, header, body, memoryFields(), "record batch", limits);
      }
    } catch (WireFormatException | RuntimeException e) {
      if (body != null && !scratch) {
        body.close();
      }
      throw e instanceof WireFormatException w ? w
          : new WireFormatException("malformed record batch: " + e.getMessage(), e);
    }
    if (lazyRootSchema != null) {
      pendingMessage = message;
      pendingBody = body;
      pendingScratch = scratch;
      pendingHeader = header;
      pendingView = view;
      pendingRows = header.length();
      return;
    }
    loadChecked(message, scratch ? own(body) : body);
  }

  /** Loads a checked record batch into the root; takes over the body's reference. */
  private void loadChecked(Message message, ArrowBuf body) throws WireFormatException {
    ArrowRecordBatch batch;
    try {
      // takes over the body's reference when it returns; before that, the body is still ours to release
      batch = MessageSerializer.deserializeRecordBatch(message, body == null ? allocator.getEmpty() : body);
    } catch (IOException | RuntimeException e) {
      if (body != null) {
        body.close();
      }
      throw new WireFormatException("malformed record batch: " + e.getMessage(), e);
    }
    try (batch) {
      new VectorLoader(root).load(batch);
    } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
      throw new WireFormatException("record batch does not match its schema: " + e.getMessage(), e);
    }
  }

  private void loadDictionary(Message message, ArrowBuf body) throws IOException {
    try {
      DictionaryBatch header = (DictionaryBatch) message.header(new DictionaryBatch());
      Dictionary target = dictionaries.get(header.id());
      if (target == null) {
        // nothing to check its buffers against: refuse it before Arrow reads anything from it
        throw new WireFormatException("dictionary batch for unknown dictionary id " + header.id());
      }
      WireBounds.checkBatch(header.data(), body, List.of(target.getVector().getField()), "dictionary batch",
          limits);
    } catch (WireFormatException | RuntimeException e) {
      if (body != null) {
        body.close();
      }
      throw e instanceof WireFormatException w ? w
          : new WireFormatException("malformed dictionary batch: " + e.getMessage(), e);
    }
    ArrowDictionaryBatch read;
    try {
      // as for a record batch: the body is ours to release until this returns
      read = MessageSerializer.deserializeDictionaryBatch(message, body == null ? allocator.getEmpty() : body);
    } catch (IOException | RuntimeException e) {
      if (body != null) {
        body.close();
      }
      throw new WireFormatException("malformed dictionary batch: " + e.getMessage(), e);
    }
    try (ArrowDictionaryBatch batch = read) {
      Dictionary dictionary = dictionaries.get(batch.getDictionaryId());
      if (dictionary == null) {
        throw new WireFormatException(
            "dictionary batch for unknown dictionary id " + batch.getDictionaryId());
      }
      if (batch.isDelta()) {
        throw new WireFormatException("dictionary deltas are not supported");
      }
      FieldVector values = dictionary.getVector();
      VectorSchemaRoot holder =
          new VectorSchemaRoot(
              Collections.singletonList(values.getField()), Collections.singletonList(values), 0);
      new VectorLoader(holder).load(batch.getDictionary());
    }
  }

  /**
   * Reads a batch's custom metadata. The entry count is the flatbuffer's declared vector length, so
   * it is checked against the message's bytes first, and the map is sized from the entries read,
   * never from the count (a flipped bit there once asked for a table of a gigabyte).
   */
  static Map<String, String> customMetadata(Message message, MetadataText texts) throws WireFormatException {
    // the usual case: a vector this thread has read before, or one that lies wholly inside the message
    Map<String, String> known = texts.vector(message.getByteBuffer());
    return known != null ? known : decodeMetadata(message);
  }

  /** Reads a batch's custom metadata through its flatbuffer accessors, checking its length first. */
  static Map<String, String> decodeMetadata(Message message) throws WireFormatException {
    int count = WireBounds.vectorLength("record batch", " custom metadata", message,
        message.customMetadataLength(), 4, (m, i) -> m.customMetadata(i));
    if (count == 0) {
      return Map.of();
    }
    KeyValue entry = new KeyValue();
    // one view of the message's bytes, repositioned onto each key and value in turn
    ByteBuffer view = message.getByteBuffer().duplicate();
    if (count <= 16) {
      MetadataMap small = new MetadataMap(count);
      for (int i = 0; i < count; i++) {
        message.customMetadata(entry, i);
        small.add(MetadataText.decode(entry.keyInByteBuffer(view)), MetadataText.decode(entry.valueInByteBuffer(view)));
      }
      return small;
    }
    Map<String, String> result = new LinkedHashMap<>(32);
    for (int i = 0; i < count; i++) {
      message.customMetadata(entry, i);
      result.put(MetadataText.decode(entry.keyInByteBuffer(view)), MetadataText.decode(entry.valueInByteBuffer(view)));
    }
    return Collections.unmodifiableMap(result);
  }

  /** Returns the dictionary with the given id, as loaded from this stream. */
  @Override
  public Dictionary lookup(long id) {
    return dictionaries.get(id);
  }

  /** Returns the ids of this stream's dictionaries. */
  @Override
  public java.util.Set<Long> getDictionaryIds() {
    return dictionaries.keySet();
  }

  /** Releases the root and the dictionaries. Does not close the underlying stream. */
  @Override
  public void close() {
    releasePending();
    if (root != null) {
      root.close();
    }
    if (!dictionaries.isEmpty()) {
      dictionaries.values().forEach(d -> d.getVector().close());
    }
  }
}
