package dev.arrowrpc.core.shm;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.schema.Vectors;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.MappedInput;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The shared-memory pointer batches of WIRE_PROTOCOL.md section 11: writing a batch into a segment
 * (replaced on the wire by a zero-row pointer carrying {@value MetadataKeys#SHM_OFFSET} and {@value
 * MetadataKeys#SHM_LENGTH}) and resolving a pointer back into the batch it stands for.
 *
 * <p>A batch without dictionary-encoded top-level columns is stored as a whole IPC stream (schema,
 * dictionaries, batch, end-of-stream marker); one with such columns as its dictionary and record
 * batch messages only, the reader supplying the schema message and the marker, as the reference does.
 */
public final class ShmBatches {
  /** Bytes a batch's buffers must reach before it goes through shared memory (the reference's default). */
  public static final long DEFAULT_MIN_BATCH_BYTES = 128 * 1024;

  private static final byte[] EOS = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
  private static final long MIN_BATCH_BYTES = minBatchBytes(System.getenv("VGI_RPC_SHM_MIN_BATCH_BYTES"));

  private ShmBatches() {}

  /**
   * {@return whether a batch is a shared-memory pointer: zero rows, an offset, and no log level}
   *
   * @param rows the batch's row count
   * @param metadata its custom metadata
   */
  public static boolean isPointer(int rows, Map<String, String> metadata) {
    return rows == 0 && metadata.containsKey(MetadataKeys.SHM_OFFSET)
        && !metadata.containsKey(MetadataKeys.LOG_LEVEL);
  }

  /**
   * {@return the smallest batch (bytes of its buffers) worth sending through shared memory:
   * {@code VGI_RPC_SHM_MIN_BATCH_BYTES} when set to a number, else {@value #DEFAULT_MIN_BATCH_BYTES}}
   */
  public static long minBatchBytes() {
    return MIN_BATCH_BYTES;
  }

  static long minBatchBytes(String configured) {
    if (configured != null) {
      try {
        return Long.parseLong(configured.trim());
      } catch (NumberFormatException e) {
        // as the reference: an unreadable setting leaves the default
      }
    }
    return DEFAULT_MIN_BATCH_BYTES;
  }

  /**
   * Writes a batch into a segment when it is worth it and fits: it has rows and at least {@link
   * #minBatchBytes()} of buffers.
   *
   * @param segment the segment
   * @param schema the stream's schema
   * @param batch the batch
   * @param metadata the batch's own metadata (it rides on the pointer)
   * @return the pointer's metadata ({@code metadata} plus offset and length); empty when the batch
   *     stays inline (too small, empty, or no room in the segment)
   * @throws IOException when the batch cannot be serialized
   */
  public static Optional<Map<String, String>> write(SharedSegment segment, Schema schema, Batch batch,
      Map<String, String> metadata) throws IOException {
    if (batch.root().getRowCount() == 0 || bufferBytes(batch) < minBatchBytes()) {
      return Optional.empty();
    }
    return writeAlways(segment, schema, batch, metadata);
  }

  /**
   * Writes a batch to a stream: through the segment when there is one and the batch is large
   * enough and fits (a pointer batch on the stream), else inline.
   *
   * @param writer the stream
   * @param segment the segment, if any
   * @param batch the batch
   * @param metadata its metadata
   * @param memory where the pointer batch is allocated
   * @return whether the batch went through the segment (never for a schema with dictionary-encoded
   *     fields, whose zero-row pointer would need dictionaries of its own)
   * @throws IOException when the stream fails
   */
  public static boolean writeOrInline(IpcStreamWriter writer, Optional<SharedSegment> segment, Batch batch,
      Map<String, String> metadata, BufferAllocator memory) throws IOException {
    if (segment.isPresent() && !anyDictionary(writer.schema().getFields())) {
      Optional<Map<String, String>> pointer = write(segment.get(), writer.schema(), batch, metadata);
      if (pointer.isPresent()) {
        try (VectorSchemaRoot empty = Vectors.createRoot(writer.schema(), memory)) {
          empty.setRowCount(0);
          writer.write(empty, pointer.get());
        }
        return true;
      }
    }
    writer.write(batch, metadata);
    return false;
  }

  /**
   * Writes a batch into a segment whatever its size (see {@link #write}).
   *
   * @return the pointer's metadata; empty when there is no room
   * @throws IOException when the batch cannot be serialized
   */
  static Optional<Map<String, String>> writeAlways(SharedSegment segment, Schema schema, Batch batch,
      Map<String, String> metadata) throws IOException {
    LentRegion.freeReleased(segment); // writing: this side holds the turn
    OptionalLong offset;
    long length;
    Optional<LentRegion> inPlace = dictionaryColumns(schema) ? Optional.empty() : inPlace(segment, schema, batch);
    if (inPlace.isPresent()) {
      // the batch is a resolved region's, byte for byte and used by nothing else: hand that region back
      inPlace.get().handOver();
      offset = OptionalLong.of(inPlace.get().offset());
      length = inPlace.get().length();
    } else if (!dictionaryColumns(schema)) {
      // the exact stream size first (the writer's bytes counted, its buffers not read), then each
      // buffer copied once into the region, at its offset
      long size = streamSize(schema, batch);
      offset = segment.allocate((size + 63) & ~63L); // whole 64-byte units keep the regions after it aligned
      if (offset.isEmpty()) {
        return Optional.empty();
      }
      ByteBuffer region = segment.region(offset.getAsLong(), size);
      try (IpcStreamWriter writer = IpcStreamWriter.start(new RegionOutputStream(region), schema)) {
        writer.append(batch, Map.of());
      } catch (IOException | RuntimeException e) {
        segment.free(offset.getAsLong());
        throw e;
      }
      if (region.position() != size) {
        segment.free(offset.getAsLong());
        throw new IllegalStateException("the batch's stream took " + region.position() + " bytes, " + size
            + " were counted");
      }
      length = size;
    } else {
      byte[] bytes = stream(schema, batch);
      int skip = schemaMessage(schema).length;
      length = bytes.length - skip - EOS.length;
      offset = copyIn(segment, bytes, skip, (int) length);
    }
    if (offset.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> pointer = new LinkedHashMap<>(metadata);
    pointer.put(MetadataKeys.SHM_OFFSET, Long.toString(offset.getAsLong()));
    pointer.put(MetadataKeys.SHM_LENGTH, Long.toString(length));
    return Optional.of(pointer);
  }

  /**
   * The region a batch can be answered with as it is, without a copy: a region of this segment this
   * side resolved (see {@link #resolve}) and still uses, whose bytes are exactly the stream {@link
   * #writeAlways} would write for the batch (schema, the batch's message without metadata, its
   * buffers at their offsets, the end-of-stream marker; the large buffers checked by being the
   * region's own memory at those offsets, the rest byte by byte), and whose every reference on this
   * side is one of the batch's buffers, so that nothing here reads it once the peer frees it.
   * A worker echoing the batch it was handed, unmodified, is the case this finds.
   */
  private static Optional<LentRegion> inPlace(SharedSegment segment, Schema schema, Batch batch) {
    if (!segment.mapsZeroCopy() || !batch.dictionaries().isEmpty()) {
      return Optional.empty();
    }
    List<ArrowBuf> buffers = new java.util.ArrayList<>();
    for (FieldVector vector : batch.root().getFieldVectors()) {
      collectBuffers(vector, buffers);
    }
    Optional<LentRegion> region = Optional.empty();
    for (ArrowBuf buffer : buffers) {
      if (buffer.capacity() > 0) {
        region = LentRegion.holding(segment, buffer.memoryAddress());
        break;
      }
    }
    if (region.isEmpty() || !region.get().onlyUsedBy(buffers)) {
      return Optional.empty();
    }
    LentRegion lent = region.get();
    ByteBuffer bytes = segment.region(lent.offset(), lent.length());
    try (InPlaceCheck check = new InPlaceCheck(bytes, lent.address());
        IpcStreamWriter writer = IpcStreamWriter.start(check, schema)) {
      writer.append(batch, Map.of());
      writer.end();
      return check.matchesWhole() ? region : Optional.empty();
    } catch (IOException | RuntimeException differs) {
      return Optional.empty();
    }
  }

  private static void collectBuffers(FieldVector vector, List<ArrowBuf> buffers) {
    buffers.addAll(vector.getFieldBuffers());
    for (FieldVector child : vector.getChildrenFromFields()) {
      collectBuffers(child, buffers);
    }
  }

  /**
   * Takes the bytes a stream writer writes and checks them against a region's instead of writing
   * them: a large direct buffer matches when it is the region's own memory at that offset (nothing
   * is read), other bytes when they are equal. Stops at the first difference.
   */
  private static final class InPlaceCheck extends OutputStream implements WritableByteChannel {
    private final ByteBuffer region;
    private final long address;

    InPlaceCheck(ByteBuffer region, long address) {
      this.region = region;
      this.address = address;
    }

    /** Whether every byte of the region was matched, no more and no fewer. */
    boolean matchesWhole() {
      return !region.hasRemaining();
    }

    @Override
    public void write(int b) throws IOException {
      if (!region.hasRemaining() || region.get() != (byte) b) {
        throw new IOException("differs");
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > region.remaining()
          || region.slice(region.position(), len).compareTo(ByteBuffer.wrap(b, off, len)) != 0) {
        throw new IOException("differs");
      }
      region.position(region.position() + len);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int length = source.remaining();
      if (length > region.remaining() || !source.isDirect()
          || MemoryUtil.getByteBufferAddress(source) + source.position() != address + region.position()) {
        throw new IOException("differs");
      }
      source.position(source.limit());
      region.position(region.position() + length);
      return length;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  private static OptionalLong copyIn(SharedSegment segment, byte[] bytes, int from, int length) {
    OptionalLong offset = segment.allocate(length);
    if (offset.isPresent()) {
      segment.region(offset.getAsLong(), length).put(bytes, from, length);
    }
    return offset;
  }

  /**
   * Resolves a pointer batch: reads the batch its region holds, with the pointer's metadata minus
   * the offset and length plus {@value MetadataKeys#SHM_SOURCE}.
   *
   * <p>When the segment {@linkplain SharedSegment#mapsZeroCopy() maps zero-copy} (and no top-level
   * column is dictionary-encoded) the batch's buffers are the region's own memory, nothing copied:
   * the region stays allocated while any buffer of the batch is alive, and is freed the next time
   * this side holds the turn after the last one is released ({@link #freeReleased}). Otherwise the
   * batch is copied into {@code memory} and the region freed at once.
   *
   * @param pointer a reader positioned on the pointer (its schema is the batch's)
   * @param segment the segment the pointer refers to
   * @param memory where the batch is allocated (or accounted, when it uses the region in place)
   * @return a reader positioned on the resolved batch, closed by the caller
   * @throws RpcException ({@code RuntimeError}) when the pointer's offset or length is malformed or
   *     outside the segment, or the region does not hold one batch on the pointer's schema (the
   *     region is then not freed)
   */
  public static IpcStreamReader resolve(IpcStreamReader pointer, SharedSegment segment, BufferAllocator memory) {
    Map<String, String> metadata = pointer.metadata();
    long offset = number(metadata, MetadataKeys.SHM_OFFSET);
    long length = number(metadata, MetadataKeys.SHM_LENGTH);
    LentRegion.freeReleased(segment); // resolving: this side holds the turn
    ByteBuffer region;
    try {
      region = segment.region(offset, length);
    } catch (IllegalArgumentException e) {
      throw new RpcException("RuntimeError", "shared-memory pointer outside segment '" + segment.name() + "': "
          + e.getMessage());
    }
    Schema schema = pointer.schema();
    LentRegion lent = null;
    ArrowBuf whole = null;
    InputStream in;
    if (dictionaryColumns(schema)) {
      in = new SequenceInputStream(Collections.enumeration(List.of(
          new ByteArrayInputStream(schemaMessage(schema)), new RegionInputStream(region),
          new ByteArrayInputStream(EOS))));
    } else if (length > 0 && region.isDirect() && segment.mapsZeroCopy()) {
      lent = new LentRegion(segment, offset, length, MemoryUtil.getByteBufferAddress(region));
      try {
        whole = memory.wrapForeignAllocation(lent);
      } catch (RuntimeException e) {
        // the allocator would not account for it (a limit): copy instead
        lent.abandon();
        lent = null;
      }
      in = whole == null ? new RegionInputStream(region) : new LentInputStream(region, whole);
    } else {
      in = new RegionInputStream(region);
    }
    IpcStreamReader resolved = null;
    try {
      // bodies are read from the region: no declared length beyond it is allocated
      long bound = Math.max(1, length);
      WireLimits limits = WireLimits.DEFAULT.withMaxBodyBytes(bound).withMaxRequestBytes(bound);
      resolved = IpcStreamReader.open(in, memory, limits).orElseThrow(() -> new IOException("the region is empty"));
      if (!resolved.schema().getFields().equals(schema.getFields())) {
        throw new RpcException("RuntimeError", "shared-memory batch schema mismatch: expected " + schema
            + ", got " + resolved.schema());
      }
      if (!resolved.next()) {
        throw new IOException("the region holds no batch");
      }
      Map<String, String> stamped = new LinkedHashMap<>(metadata);
      stamped.remove(MetadataKeys.SHM_OFFSET);
      stamped.remove(MetadataKeys.SHM_LENGTH);
      stamped.put(MetadataKeys.SHM_SOURCE, segment.name());
      resolved.replaceMetadata(stamped);
      if (lent != null) {
        lent.resolved(whole); // freed once the batch lets go of it
        whole.close();
      } else {
        segment.free(offset);
      }
      return resolved;
    } catch (IOException | RuntimeException e) {
      if (resolved != null) {
        resolved.close();
      }
      if (whole != null) {
        whole.close(); // not resolved: the region is not freed
      }
      throw e instanceof RpcException rpc ? rpc : new RpcException("RuntimeError",
          "shared-memory batch at offset " + offset + " of segment '" + segment.name() + "' is unreadable: "
              + e.getMessage());
    }
  }

  /**
   * Frees the regions of batches resolved from a segment in place and released since (see {@link
   * #resolve}). Call it only while this side holds the turn (the peer waits for this side's next
   * message): the allocation list is shared with the peer. Writing and resolving do it themselves.
   *
   * @param segment the segment
   */
  public static void freeReleased(SharedSegment segment) {
    LentRegion.freeReleased(segment);
  }

  private static long number(Map<String, String> metadata, String key) {
    String text = metadata.get(key);
    try {
      long value = Long.parseLong(text == null ? "" : text);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new RpcException("RuntimeError", "shared-memory pointer has a malformed " + key + ": '" + text + "'");
    }
  }

  private static boolean anyDictionary(List<Field> fields) {
    for (Field field : fields) {
      if (field.getDictionary() != null || anyDictionary(field.getChildren())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a top-level column is dictionary-encoded: the reference's test for the stripped form
   * (a dictionary nested deeper travels in a whole stream).
   */
  private static boolean dictionaryColumns(Schema schema) {
    for (Field field : schema.getFields()) {
      if (field.getDictionary() != null) {
        return true;
      }
    }
    return false;
  }

  private static byte[] stream(Schema schema, Batch batch) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(bytes, schema)) {
      writer.append(batch, Map.of());
    }
    return bytes.toByteArray();
  }

  /** The schema message alone: a stream of no batches, without its end-of-stream marker. */
  private static byte[] schemaMessage(Schema schema) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      IpcStreamWriter.start(bytes, schema).close();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    byte[] all = bytes.toByteArray();
    return Arrays.copyOf(all, all.length - EOS.length);
  }

  /** The exact size of the stream of one batch (schema, dictionaries, batch, marker), nothing copied. */
  private static long streamSize(Schema schema, Batch batch) throws IOException {
    ByteCounter counter = new ByteCounter();
    try (IpcStreamWriter writer = IpcStreamWriter.start(counter, schema)) {
      writer.append(batch, Map.of());
    }
    return counter.count;
  }

  /** Counts the bytes a stream writer writes; the large buffers it hands over as they are are not read. */
  private static final class ByteCounter extends OutputStream implements WritableByteChannel {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }

    @Override
    public int write(ByteBuffer source) {
      int length = source.remaining();
      source.position(source.limit());
      count += length;
      return length;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /**
   * {@return the bytes a batch's buffers hold, dictionaries included (what the shared-memory and
   * externalization thresholds compare)}
   *
   * @param batch the batch
   */
  public static long bufferBytes(Batch batch) {
    long total = bytes(batch.root());
    for (VectorSchemaRoot dictionary : batch.dictionaries().values()) {
      total += bytes(dictionary);
    }
    return total;
  }

  private static long bytes(VectorSchemaRoot root) {
    long total = 0;
    for (FieldVector vector : root.getFieldVectors()) {
      total += vector.getBufferSize();
    }
    return total;
  }

  /**
   * Writes into a region; running out of room is a {@link BufferOverflowException}. It is also a
   * byte channel, so the stream writer hands it the Arrow buffers of large columns as they are: each
   * goes into the mapped region with one memory copy, never through the heap.
   */
  private static final class RegionOutputStream extends OutputStream implements WritableByteChannel {
    private final ByteBuffer region;

    RegionOutputStream(ByteBuffer region) {
      this.region = region;
    }

    @Override
    public void write(int b) {
      region.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      region.put(b, off, len);
    }

    @Override
    public int write(ByteBuffer source) {
      int length = source.remaining();
      region.put(source); // checks the room before copying anything
      return length;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /**
   * Reads a region. It is also a byte channel, so the stream reader fills the Arrow buffer of a
   * batch's body straight from the mapped region (one memory copy, never through the heap).
   */
  private static class RegionInputStream extends InputStream implements ReadableByteChannel {
    final ByteBuffer region;

    RegionInputStream(ByteBuffer region) {
      this.region = region;
    }

    @Override
    public int read() {
      return region.hasRemaining() ? region.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!region.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, region.remaining());
      region.get(b, off, n);
      return n;
    }

    @Override
    public int read(ByteBuffer target) {
      if (!target.hasRemaining()) {
        return 0;
      }
      if (!region.hasRemaining()) {
        return -1;
      }
      int n = Math.min(target.remaining(), region.remaining());
      int at = region.position();
      target.put(region.slice(at, n));
      region.position(at + n);
      return n;
    }

    @Override
    public int available() {
      return region.remaining();
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /**
   * Reads a region Arrow has wrapped ({@code whole}); hands each message body over as a buffer over
   * the region's bytes (see {@link MappedInput}), so a resolved batch's buffers are the region.
   */
  private static final class LentInputStream extends RegionInputStream implements MappedInput {
    private final ArrowBuf whole;

    LentInputStream(ByteBuffer region, ArrowBuf whole) {
      super(region);
      this.whole = whole;
    }

    @Override
    public Optional<ArrowBuf> take(long length) {
      if (length < 0 || length > region.remaining()) {
        return Optional.empty();
      }
      int at = region.position();
      ArrowBuf body = MappedInput.lend(whole, at, length);
      region.position(at + (int) length);
      return Optional.of(body);
    }
  }
}
