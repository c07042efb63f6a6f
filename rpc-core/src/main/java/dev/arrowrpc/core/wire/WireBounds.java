package dev.arrowrpc.core.wire;

import java.nio.ByteBuffer;

import com.google.flatbuffers.Table;
import dev.arrowrpc.core.WireLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.Decimal;
import org.apache.arrow.flatbuf.DictionaryEncoding;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.FixedSizeBinary;
import org.apache.arrow.flatbuf.FixedSizeList;
import org.apache.arrow.flatbuf.FloatingPoint;
import org.apache.arrow.flatbuf.Int;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.flatbuf.Time;
import org.apache.arrow.flatbuf.Type;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The checks every length, count, offset and depth read from the wire passes before Arrow is given
 * it, so that a small message cannot make the reader allocate from a number it merely declares.
 *
 * <p>The limits are a {@link WireLimits} (see there for each and its default): the body size, the
 * rows per batch, the nesting depth, the fields per schema and the validity bytes Arrow may create
 * for columns that sent none. A body is read into a buffer that grows with the bytes that actually
 * arrive ({@link #BODY_CHUNK_BYTES}, 8 MiB, at first), so a declared length never allocates more
 * than twice what was received. The entry count of a flatbuffer vector (a batch's custom metadata,
 * a schema's fields, a field's children) is checked against the message's bytes before anything is
 * sized or walked from it ({@link #vectorLength}).
 *
 * <p>A record batch is checked against the buffers that arrived: every buffer lies inside the body;
 * the nodes and buffers are exactly as many as the schema needs; each top-level node declares the
 * batch's row count; a validity bitmap that is used holds a bit per row; a fixed-width data buffer
 * holds every value; an offsets buffer holds an offset per row plus one, starts at or above zero,
 * never decreases, and ends inside its data buffer (or its child's values); each valid view of a
 * Utf8View or BinaryView column that is not inline (over 12 bytes) names one of the column's
 * variadic buffers and lies inside it; each valid list view's offset and size are not negative and
 * its child holds their furthest end; a run-end encoded column's run ends are not null, increase
 * strictly from at least 1 and cover its length, and its values hold one per run. Each failure is a
 * {@link WireFormatException} naming the field and the limit.
 */
final class WireBounds {
  private WireBounds() {}

  /** A body up to this size is allocated at once; a larger one grows as its bytes arrive. */
  static final long BODY_CHUNK_BYTES = 8L << 20;

  /** The size of one view of a Utf8View or BinaryView column. */
  private static final int VIEW_BYTES = 16;

  /** The longest value a view holds inline, with no variadic buffer. */
  private static final int VIEW_INLINE_BYTES = 12;

  // ------------------------------------------------------------------ flatbuffer vectors

  /**
   * Reads one entry of a flatbuffer table's vector (its offset or value), failing when it lies
   * outside the message. It is given the table, so that a probe captures nothing (one shared
   * instance per call site: checking a valid message allocates nothing).
   *
   * @param <T> the flatbuffer table holding the vector
   */
  @FunctionalInterface
  interface EntryProbe<T extends Table> {
    void read(T table, int index);
  }

  /**
   * Checks a flatbuffer vector's declared length against the bytes of the message that holds it,
   * before anything is sized or looped from it: the declared entries must fit in the message at
   * {@code entryBytes} each, and the last one must be readable. A flipped bit in a vector's length
   * otherwise claims up to 2^31 entries in a message of a few hundred bytes.
   *
   * @param owner what holds the vector ("record batch"), and
   * @param vector the vector's name after it (" custom metadata", "'s buffer list"): the two are
   *     joined only when the check fails, so a valid message builds no string
   * @param table the flatbuffer table holding the vector (its bytes end where the message's did)
   * @param declared the length the flatbuffer declares
   * @param entryBytes the bytes one entry takes in the vector (4 for tables and strings)
   * @param probe reads the entry at an index of the table's vector
   * @return the declared length, once checked
   * @throws WireFormatException when the vector does not fit in the message
   */
  static <T extends Table> int vectorLength(String owner, String vector, T table, int declared, int entryBytes,
      EntryProbe<T> probe) throws WireFormatException {
    if (declared == 0) {
      return 0;
    }
    int available = table.getByteBuffer().limit();
    boolean fits = declared > 0 && (long) declared * entryBytes <= available;
    if (fits) {
      try {
        probe.read(table, declared - 1);
      } catch (RuntimeException e) {
        fits = false;
      }
    }
    if (!fits) {
      throw new WireFormatException(owner + vector + " declares " + Integer.toUnsignedString(declared)
          + " entries, more than its message's " + available + " bytes of metadata hold");
    }
    return declared;
  }

  // ------------------------------------------------------------------ schemas

  /**
   * Checks a schema message's field tree before Arrow converts it: nesting depth, field count and
   * the parameters of each type, walked with an explicit stack.
   *
   * @param schema the flatbuffer schema
   * @param limits the bounds
   * @return how many fields the schema holds and how deeply they nest
   * @throws WireFormatException naming the first field that breaks a bound
   */
  static SchemaSize checkSchema(org.apache.arrow.flatbuf.Schema schema, WireLimits limits) throws WireFormatException {
    record Pending(org.apache.arrow.flatbuf.Field field, int depth, String path) {}
    Deque<Pending> stack = new ArrayDeque<>();
    vectorLength("schema", "'s custom metadata", schema, schema.customMetadataLength(), 4,
        (s, i) -> s.customMetadata(i));
    int fields = vectorLength("schema", "'s field list", schema, schema.fieldsLength(), 4, (s, i) -> s.fields(i));
    checkFieldCount(fields, limits);
    for (int i = fields - 1; i >= 0; i--) {
      stack.push(new Pending(schema.fields(i), 1, null));
    }
    int count = 0;
    int deepest = 0;
    while (!stack.isEmpty()) {
      Pending next = stack.pop();
      org.apache.arrow.flatbuf.Field field = next.field();
      if (field == null) {
        throw new WireFormatException("schema has a missing field entry");
      }
      String path = next.path() == null ? quoted(field) : next.path() + "." + quoted(field);
      if (++count > limits.maxSchemaFields()) {
        throw new WireFormatException("schema has more than " + limits.maxSchemaFields()
            + " fields (the limit on fields per schema, maxSchemaFields=" + limits.maxSchemaFields() + ")");
      }
      if (next.depth() > limits.maxNestingDepth()) {
        throw new WireFormatException("field " + path + " is nested more than " + limits.maxNestingDepth()
            + " levels deep (the limit on type nesting, maxNestingDepth=" + limits.maxNestingDepth() + ")");
      }
      deepest = Math.max(deepest, next.depth());
      checkType(field, path);
      String owner = "field " + path;
      vectorLength(owner, "'s custom metadata", field, field.customMetadataLength(), 4, (f, i) -> f.customMetadata(i));
      int children = vectorLength(owner, "'s child list", field, field.childrenLength(), 4, (f, i) -> f.children(i));
      // every field pending on the stack is counted once popped: refuse a list that cannot fit first
      checkFieldCount((long) count + stack.size() + children, limits);
      for (int i = children - 1; i >= 0; i--) {
        stack.push(new Pending(field.children(i), next.depth() + 1, path));
      }
    }
    return new SchemaSize(count, deepest);
  }

  private static void checkFieldCount(long fields, WireLimits limits) throws WireFormatException {
    if (fields > limits.maxSchemaFields()) {
      throw new WireFormatException("schema has more than " + limits.maxSchemaFields()
          + " fields (the limit on fields per schema, maxSchemaFields=" + limits.maxSchemaFields() + ")");
    }
  }

  /** A checked schema's field count and nesting depth, to test a remembered schema against other limits. */
  record SchemaSize(int fields, int depth) {
    boolean within(WireLimits limits) {
      return fields <= limits.maxSchemaFields() && depth <= limits.maxNestingDepth();
    }
  }

  private static String quoted(org.apache.arrow.flatbuf.Field field) {
    String name;
    try {
      name = field.name();
    } catch (RuntimeException e) {
      name = null;
    }
    return "'" + (name == null ? "" : name) + "'";
  }

  private static void checkType(org.apache.arrow.flatbuf.Field field, String path) throws WireFormatException {
    byte type = field.typeType();
    switch (type) {
      case Type.Int -> checkInt((Int) field.type(new Int()), path, "integer type");
      case Type.FixedSizeBinary -> {
        int width = ((FixedSizeBinary) field.type(new FixedSizeBinary())).byteWidth();
        if (width <= 0) {
          throw new WireFormatException("field " + path + " is a fixed-size binary of width " + width
              + " (the width must be at least 1)");
        }
      }
      case Type.FixedSizeList -> {
        int size = ((FixedSizeList) field.type(new FixedSizeList())).listSize();
        if (size < 0) {
          throw new WireFormatException("field " + path + " is a fixed-size list of size " + size
              + " (the size must not be negative)");
        }
      }
      case Type.FloatingPoint -> {
        short precision = ((FloatingPoint) field.type(new FloatingPoint())).precision();
        if (precision < 0 || precision > 2) {
          throw new WireFormatException("field " + path + " has an unknown floating-point precision " + precision);
        }
      }
      case Type.Decimal -> {
        Decimal decimal = (Decimal) field.type(new Decimal());
        int bits = decimal.bitWidth();
        if (bits != 128 && bits != 256) {
          throw new WireFormatException("field " + path + " is a decimal of bit width " + bits
              + " (128 or 256 are supported)");
        }
        if (decimal.precision() <= 0) {
          throw new WireFormatException("field " + path + " is a decimal of precision " + decimal.precision()
              + " (the precision must be at least 1)");
        }
      }
      case Type.Time -> {
        int bits = ((Time) field.type(new Time())).bitWidth();
        if (bits != 32 && bits != 64) {
          throw new WireFormatException("field " + path + " is a time of bit width " + bits
              + " (32 or 64 are valid)");
        }
      }
      default -> {
        if (type <= Type.NONE || type >= Type.names.length) {
          throw new WireFormatException("field " + path + " has an unknown type tag " + type);
        }
      }
    }
    DictionaryEncoding dictionary = field.dictionary();
    if (dictionary != null && dictionary.indexType() != null) {
      checkInt(dictionary.indexType(), path, "dictionary index type");
    }
  }

  private static void checkInt(Int type, String path, String what) throws WireFormatException {
    int bits = type == null ? 0 : type.bitWidth();
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
      throw new WireFormatException("field " + path + " has an " + what + " of bit width " + bits
          + " (8, 16, 32 or 64 are valid)");
    }
  }

  // ------------------------------------------------------------------ record batches

  /**
   * Checks a record batch's declared lengths against the buffers that arrived, before any vector
   * is loaded from it.
   *
   * @param batch the flatbuffer record batch
   * @param body the message body (null when it had none)
   * @param fields the fields the batch is loaded into, in memory format (dictionary columns as
   *     their index type)
   * @param what what the batch is, for messages ("record batch", "dictionary batch")
   * @param limits the bounds
   * @throws WireFormatException naming the field and the bound it breaks
   */
  static void checkBatch(RecordBatch batch, ArrowBuf body, List<Field> fields, String what,
      WireLimits limits) throws WireFormatException {
    checkBatch(Walk.ofThisThread(), null, batch, null, body, fields, what, limits, Route.ANY);
  }

  /**
   * Checks a record batch message's header and offsets (see {@link #checkBatch(RecordBatch, ArrowBuf,
   * List, String, WireLimits)}); the message lets the check read the header's field nodes and buffers
   * in two bulk copies instead of a struct at a time.
   *
   * @param message the message whose header is {@code batch}
   */
  static void checkBatch(Message message, RecordBatch batch, ArrowBuf body, List<Field> fields, String what,
      WireLimits limits) throws WireFormatException {
    checkBatch(Walk.ofThisThread(), message, batch, null, body, fields, what, limits, Route.ANY);
  }

  /**
   * Checks a record batch message's header and offsets (see {@link #checkBatch(Message, RecordBatch,
   * ArrowBuf, List, String, WireLimits)}) for a view of it that has found where its field-node and
   * buffer vectors lie ({@link RecordBatchTable#locate(Message, BatchView)}): the check takes them
   * from the view instead of reading them from the header again.
   *
   * @param view the view of this batch of this message, located
   */
  static void checkBatch(Message message, RecordBatch batch, BatchView view, ArrowBuf body, List<Field> fields,
      String what, WireLimits limits) throws WireFormatException {
    checkBatch(Walk.ofThisThread(), message, batch, view, body, fields, what, limits, Route.ANY);
  }

  /**
   * Checks a record batch message's header and offsets (see {@link #checkBatch(Message, RecordBatch,
   * BatchView, ArrowBuf, List, String, WireLimits)}) with this thread's walk, as the caller found it
   * in the thread's reading state.
   *
   * @param walk this thread's walk ({@link MessageReader.PerThread#walk})
   */
  static void checkBatch(Walk walk, Message message, RecordBatch batch, BatchView view, ArrowBuf body,
      List<Field> fields, String what, WireLimits limits) throws WireFormatException {
    checkBatch(walk, message, batch, view, body, fields, what, limits, Route.ANY);
  }

  /** How a batch is checked: every way that applies, or (for tests) one way only. */
  enum Route {
    /** By the checked-header cache when the header was seen, else by plan, else by the general walk. */
    ANY,
    /** By plan when the fields have one, else by the general walk; no cache. */
    PLANNED,
    /** By the general walk only. */
    GENERAL
  }

  /**
   * Checks a record batch's header and offsets against its fields along a given route (see {@link
   * #checkBatch(RecordBatch, ArrowBuf, List, String, WireLimits)}), reading its nodes and buffers in
   * bulk from the message when there is one whose header is the batch (a dictionary batch has none).
   */
  static void checkBatch(Message message, RecordBatch batch, ArrowBuf body, List<Field> fields, String what,
      WireLimits limits, Route route) throws WireFormatException {
    checkBatch(Walk.ofThisThread(), message, batch, null, body, fields, what, limits, route);
  }

  /** Checks a batch along a given route, taking where its vectors lie from a located view (null: none). */
  static void checkBatch(Message message, RecordBatch batch, BatchView view, ArrowBuf body,
      List<Field> fields, String what, WireLimits limits, Route route) throws WireFormatException {
    checkBatch(Walk.ofThisThread(), message, batch, view, body, fields, what, limits, route);
  }

  private static void checkBatch(Walk spare, Message message, RecordBatch batch, BatchView view, ArrowBuf body,
      List<Field> fields, String what, WireLimits limits, Route route) throws WireFormatException {
    if (batch == null) {
      throw new WireFormatException(what + " message has no header");
    }
    Walk walk = Walk.over(spare, message, batch, view, body, what, limits);
    try {
      long arrived = body == null ? 0 : body.writerIndex();
      if (route == Route.ANY && walk.checkedLast(fields, arrived)) {
        return; // the header last checked on this thread again: only its offsets needed checking again
      }
      long rows = checkHeader(walk, message, batch, body, what, limits);
      long fingerprint = 0;
      if (route == Route.ANY) {
        fingerprint = walk.fingerprint(arrived);
        if (walk.checkedBefore(fields, arrived, fingerprint)) {
          return; // a header checked before on this thread: only its offsets needed checking again
        }
      }
      checkWalked(walk, fields, rows, walk.bufferCount, arrived, what, limits,
          route != Route.GENERAL);
      if (route == Route.ANY) {
        walk.remember(fields, arrived, fingerprint);
      }
    } finally {
      walk.done();
    }
  }

  /**
   * Checks what a record batch's header declares on its own (no compression, its row count, its
   * vectors' lengths, its buffers inside the body) and loads its field nodes and buffers into the walk.
   *
   * @return the batch's row count
   */
  private static long checkHeader(Walk walk, Message message, RecordBatch batch, ArrowBuf body, String what,
      WireLimits limits) throws WireFormatException {
    if (batch.compression(walk.flatCompression) != null) {
      walk.flatCompression.__reset(); // it keeps nothing of the batch
      throw new WireFormatException(what + " is compressed, which is not supported");
    }
    long rows = batch.length();
    if (rows < 0 || rows > limits.maxRowsPerBatch()) {
      throw new WireFormatException(what + " declares " + rows + " rows (at most "
          + limits.maxRowsPerBatch() + " rows per batch, maxRowsPerBatch)");
    }
    long bodyLength = body == null ? 0 : body.writerIndex(); // the bytes that arrived, not the rounded-up capacity
    // the vectors' lengths as the walk read them, once per batch (batch.buffersLength(), nodesLength())
    if (walk.located) {
      // the reads the probes below make, at the vectors' known starts (no struct made per read)
      structVectorLength(what, "'s buffer list", batch, walk.bufferCount, walk.buffersAt);
      structVectorLength(what, "'s field node list", batch, walk.nodeCount, walk.nodesAt);
    } else {
      vectorLength(what, "'s buffer list", batch, walk.bufferCount, 16,
          (b, i) -> b.buffers(i).length());
      vectorLength(what, "'s field node list", batch, walk.nodeCount, 16, (b, i) -> b.nodes(i).nullCount());
    }
    vectorLength(what, "'s variadic buffer counts", batch, batch.variadicBufferCountsLength(), 8,
        RecordBatch::variadicBufferCounts);
    // the vectors' lengths are checked: they lie inside the header
    walk.buffersHash = walk.load() ? walk.loadBuffersInside(bodyLength) : buffersInside(walk, bodyLength);
    return rows;
  }

  /**
   * Checks that each loaded buffer lies inside the body that arrived; returns the buffers' part of the
   * header's fingerprint ({@link Walk#fingerprint}), folded in while they are at hand.
   */
  private static long buffersInside(Walk walk, long bodyLength) throws WireFormatException {
    long[] buffers = walk.buffers;
    long hash = 0;
    long weight = Walk.FINGERPRINT_MULTIPLIER;
    for (int i = 0; i < walk.bufferCount; i++) {
      long offset = buffers[2 * i];
      long length = buffers[2 * i + 1];
      if (offset < 0 || length < 0 || offset > bodyLength || length > bodyLength - offset) {
        throw outsideBody(walk.what, i, offset, length, bodyLength);
      }
      hash += (offset * Walk.FINGERPRINT_STEP + length) * weight;
      weight += Walk.FINGERPRINT_STEP;
    }
    return hash;
  }

  private static WireFormatException outsideBody(String what, int i, long offset, long length, long bodyLength) {
    return new WireFormatException(what + " buffer " + i + " (offset " + offset + ", length " + length
        + ") lies outside the message body of " + bodyLength + " bytes");
  }

  /**
   * {@link #vectorLength} for a vector of 16-byte structs (field nodes, buffers) whose start is known,
   * probed as {@code b.buffers(i).length()} and {@code b.nodes(i).nullCount()} probe it: by whether
   * the last struct's second long can be read (flatbuffers' int arithmetic, a ByteBuffer's bounds).
   */
  private static int structVectorLength(String owner, String vector, Table table, int declared, int start)
      throws WireFormatException {
    if (declared == 0) {
      return 0;
    }
    int available = table.getByteBuffer().limit();
    boolean fits = declared > 0 && (long) declared * 16 <= available;
    if (fits) {
      int read = start + (declared - 1) * 16 + 8;
      fits = read >= 0 && read <= available - 8;
    }
    if (!fits) {
      throw new WireFormatException(owner + vector + " declares " + Integer.toUnsignedString(declared)
          + " entries, more than its message's " + available + " bytes of metadata hold");
    }
    return declared;
  }

  private static void checkWalked(Walk walk, List<Field> fields, long rows, int bufferCount,
      long bodyLength, String what, WireLimits limits, boolean planned) throws WireFormatException {
    walk.plan(fields);
    CheckPlan plan = planned ? walk.checkPlan(fields) : null;
    if (plan == null || !walk.planned(plan, rows)) {
      walk.restart(); // no plan, or a check failed: the general walk names what is wrong
      for (int f = 0; f < fields.size(); f++) {
        Field field = fields.get(f);
        walk.field(field, rows, true, new Path(null, field.getName()));
      }
    }
    if (walk.node != walk.nodeCount || walk.buffer != bufferCount) {
      throw new WireFormatException(what + " has " + walk.nodeCount + " field nodes and " + bufferCount
          + " buffers, but its schema needs " + walk.node + " and " + walk.buffer);
    }
    if (walk.implied > limits.maxImpliedBytes() + bodyLength) {
      throw new WireFormatException(what + " of " + rows + " rows would need " + walk.implied
          + " bytes of validity bitmaps it did not send (at most " + limits.maxImpliedBytes()
          + " beyond its body of " + bodyLength + " bytes, maxImpliedBytes)");
    }
  }

  /**
   * A field's path from its column, for messages only: built into text ({@code 'a'.'b'}) when a
   * message needs it, never for a batch that passes.
   */
  private record Path(Path parent, String name) {
    @Override
    public String toString() {
      return parent == null ? "'" + name + "'" : parent + ".'" + name + "'";
    }
  }

  /**
   * The buffer layouts of an Arrow type, by the type instance, in a walk's table (one walk per
   * thread): a connection's schemas are interned, so the same few instances come back every batch,
   * and Arrow makes a new layout per call. Bounded.
   */
  private static List<BufferLayout> layouts(java.util.IdentityHashMap<ArrowType, List<BufferLayout>> known,
      ArrowType type) {
    List<BufferLayout> layouts = known.get(type);
    if (layouts == null) {
      layouts = TypeLayout.getTypeLayout(type).getBufferLayouts();
      if (known.size() >= 512) {
        known.clear();
      }
      known.put(type, layouts);
    }
    return layouts;
  }

  /**
   * {@return how many batches this thread found checked before among the headers it keeps, other than
   * the one it checked last} For tests: which route a check took.
   */
  static long fingerprintHits() {
    return Walk.ofThisThread().fingerprintHits;
  }

  /**
   * The walk over a batch's nodes and buffers in schema order: one per thread, kept in the thread's
   * reading state ({@link MessageReader.PerThread#walk}), reset for each batch (a walk never starts
   * another), with the headers it checked.
   */
  static final class Walk {
    private static final long[] NO_SIZES = new long[0];

    private RecordBatch batch;
    private ArrowBuf body;
    private String what;
    private WireLimits limits;
    private final FieldNode flatNode = new FieldNode();
    /** The walk's table for finding a header's vectors (a walk is made on, and used by, one thread). */
    private final RecordBatchTable table = RecordBatchTable.create();
    private final Buffer flatBuffer = new Buffer();
    /** Read into by {@link RecordBatch#compression(org.apache.arrow.flatbuf.BodyCompression)}, never kept. */
    final org.apache.arrow.flatbuf.BodyCompression flatCompression = new org.apache.arrow.flatbuf.BodyCompression();
    /**
     * Whether the batch's field-node and buffer vectors were found in its message ({@link #nodesAt},
     * {@link #buffersAt}), to be read from there in bulk; false: a struct at a time.
     */
    boolean located;
    int nodesAt;
    int buffersAt;
    /** The positions {@link RecordBatchTable#locate(Message, RecordBatch, int[])} reads. */
    private final int[] positions = new int[4];
    /**
     * The batch's field nodes (length, null count) and buffers (offset, length), two longs each, read
     * from the header once per batch ({@link #load}).
     */
    private long[] nodes = new long[64];
    private long[] buffers = new long[128];
    /**
     * The fields of the last walk, and the layouts of their fields in walk order (at most 256): the
     * first {@link #planSize} entries of both; planLayouts only grows (to 256 at most), its entries
     * past planSize are left from an earlier plan and overwritten in place.
     */
    private List<Field> planOf;
    private final Field[] planFields = new Field[256];
    private final ArrayList<List<BufferLayout>> planLayouts = new ArrayList<>(planFields.length);
    private int planSize;
    private int planAt;
    /** The check plans of the schemas this thread checked (a null value: the schema has none). */
    private final java.util.IdentityHashMap<List<Field>, CheckPlan> checkPlans = new java.util.IdentityHashMap<>();
    /** The fields {@link #checkPlan} was last asked about, and their plan (null: none). */
    private List<Field> lastPlanned;
    private CheckPlan lastPlan;
    /** The rows each planned field's children must hold at least, by the field's index in its plan. */
    private long[] leasts = new long[64];
    private final FieldNode.Vector nodeVector = new FieldNode.Vector();
    private final Buffer.Vector bufferVector = new Buffer.Vector();
    private int nodeCount;
    private int bufferCount;
    private final java.util.IdentityHashMap<ArrowType, List<BufferLayout>> knownLayouts =
        new java.util.IdentityHashMap<>();
    /**
     * Whether the walk read the body only for offsets (no views, list views or run ends), so that the
     * same header can later be checked again by its offsets alone.
     */
    private boolean offsetsOnly;
    /** The offsets checks of this walk: buffer start, value count, width, bound on the last offset. */
    private long[] offsetChecks = new long[32];
    private int offsetCheckCount;
    /** Headers this thread checked fully before, with what their checks depended on. */
    private final Checked[] checked = new Checked[8];
    private int nextChecked;
    /** The entry of {@link #checked} hit or kept last: a batch's header is compared with it first. */
    private int lastChecked;
    /**
     * Where the last comparison of a header with a kept one found them different: headers of one
     * shape differ in the same few places, so the next comparison looks there first; -1 after one
     * found them equal (a thread that gets the same header again compares it in one pass).
     */
    private int mismatchHint = -1;
    /** The buffers' part of the batch's {@link #fingerprint}, from {@link WireBounds#checkHeader}. */
    long buffersHash;
    /** How many batches this thread found checked before by their fingerprint (for tests). */
    private long fingerprintHits;

    /**
     * A header checked fully: its bytes, their fingerprint ({@link #fingerprint}), and everything
     * else the check depended on. One per entry of {@link #checked}, overwritten in place when the
     * entry is replaced (a walk is used by one thread, and never reads an entry while writing it).
     */
    private static final class Checked {
      byte[] header;
      long fingerprint;
      List<Field> fields;
      WireLimits limits;
      String what;
      long bodyLength;
      long[] offsetChecks;
    }
    private long[] sizeScratch = new long[3];
    private long[] startScratch = new long[3];
    int node;
    int buffer;
    /** The next entry of the batch's variadic buffer counts (one per view column). */
    int variadic;
    long implied;

    /** A walk for a thread's reading state (see {@link MessageReader.PerThread#walk}). */
    Walk() {}

    /** {@return this thread's walk} */
    static Walk ofThisThread() {
      return MessageReader.PerThread.current().walk;
    }

    /**
     * This thread's walk, set to the start of a batch: where its vectors lie taken from the view when
     * there is one, else read from the message when its header is the batch, else only their lengths.
     */
    static Walk over(Walk walk, Message message, RecordBatch batch, BatchView view, ArrowBuf body, String what,
        WireLimits limits) {
      walk.batch = batch;
      walk.body = body;
      if (view != null) {
        walk.located = true;
        walk.nodesAt = view.nodesAt();
        walk.nodeCount = view.nodeCount();
        walk.buffersAt = view.buffersAt();
        walk.bufferCount = view.bufferCount();
      } else if (message != null && walk.table.locate(message, batch, walk.positions)) {
        walk.located = true;
        walk.nodesAt = walk.positions[0];
        walk.nodeCount = walk.positions[1];
        walk.buffersAt = walk.positions[2];
        walk.bufferCount = walk.positions[3];
      } else {
        walk.located = false;
        walk.nodeCount = batch.nodesVector(walk.nodeVector) == null ? 0 : walk.nodeVector.length();
        walk.bufferCount = batch.buffersVector(walk.bufferVector) == null ? 0 : walk.bufferVector.length();
      }
      walk.what = what;
      walk.limits = limits;
      walk.node = 0;
      walk.buffer = 0;
      walk.variadic = 0;
      walk.implied = 0;
      walk.offsetsOnly = true;
      walk.offsetCheckCount = 0;
      return walk;
    }

    /**
     * Whether this batch's header is byte for byte the one this thread checked (or found checked)
     * last, against the same fields, limits and body length, and whose only reads of the body were
     * offsets; if so its offsets are checked again here (every other bound depends on the header
     * alone). One comparison, before the header is read: a connection that sends the same header
     * again pays nothing more.
     */
    boolean checkedLast(List<Field> fields, long bodyLength) {
      Checked known = checked[lastChecked];
      return known != null && matches(known, fields, bodyLength) && offsetsHold(known);
    }

    /**
     * Whether this batch's header, loaded ({@link #load}), is byte for byte one this thread checked
     * fully against the same fields, limits and body length, and whose only reads of the body were
     * offsets; if so its offsets are checked again here. Only a kept header of the same fingerprint
     * is compared byte for byte: a header not kept costs a comparison of fingerprints per entry.
     *
     * @param fingerprint this header's ({@link #fingerprint})
     */
    boolean checkedBefore(List<Field> fields, long bodyLength, long fingerprint) {
      for (int i = 0; i < checked.length; i++) {
        Checked known = checked[i];
        if (known != null && known.fingerprint == fingerprint && i != lastChecked
            && matches(known, fields, bodyLength)) {
          if (!offsetsHold(known)) {
            return false; // the full walk names the field
          }
          lastChecked = i;
          fingerprintHits++;
          return true;
        }
      }
      return false;
    }

    /** Whether a kept header is this batch's, byte for byte, checked against the same things. */
    private boolean matches(Checked known, List<Field> fields, long bodyLength) {
      ByteBuffer bytes = batch.getByteBuffer();
      int length = bytes.remaining();
      return known.fields == fields && known.limits == limits && known.bodyLength == bodyLength
          && known.header.length == length && known.what.equals(what) && bytes.hasArray()
          && sameBytes(known.header, bytes.array(), bytes.arrayOffset() + bytes.position(), length);
    }

    /** Whether the offsets a kept header's check read still hold in this batch's body. */
    private boolean offsetsHold(Checked known) {
      long[] checks = known.offsetChecks;
      if (checks.length == 0) {
        return true;
      }
      // offsets' own check, its common case inline: the body's bounds read once for every buffer
      long capacity = body.capacity();
      long address = body.memoryAddress();
      for (int i = 0; i < checks.length; i += 4) {
        long start = checks[i];
        long length = checks[i + 1];
        int width = (int) checks[i + 2];
        long last;
        long bytes = length >= 0 && length < capacity / 4 ? (length + 1) * 4 : -1; // never overflows
        if (width == 4 && org.apache.arrow.memory.util.MemoryUtil.LITTLE_ENDIAN && bytes >= 0 && start >= 0
            && start <= capacity - bytes) {
          int previous = 0;
          long base = address + start;
          for (long j = 0; j <= length; j++) {
            int value = org.apache.arrow.memory.util.MemoryUtil.getInt(base + j * 4);
            if (value < previous) { // previous starts at 0 and never decreases: a negative value too
              return false;
            }
            previous = value;
          }
          last = previous;
        } else {
          try {
            last = offsets(null, start, length, width);
          } catch (WireFormatException e) {
            return false;
          }
        }
        if (last > checks[i + 3]) {
          return false;
        }
      }
      return true;
    }

    /**
     * A fingerprint of the header {@link WireBounds#checkHeader} checked: its length, the body
     * length, its node count, and its buffers' offsets and lengths, each weighted by its position.
     * Headers of one shape differ there (a string's length moves the buffers); two that differ only
     * in their field nodes share a fingerprint and are told apart byte for byte. Equal fingerprints
     * only tell which kept header to compare byte for byte, never that two headers are equal.
     */
    long fingerprint(long bodyLength) {
      long h = (batch.getByteBuffer().remaining() * FINGERPRINT_MULTIPLIER + bodyLength) * FINGERPRINT_MULTIPLIER
          + nodeCount;
      h = h * FINGERPRINT_MULTIPLIER + buffersHash;
      return h ^ (h >>> 29);
    }

    /** Constants that weight each value of a fingerprint by its position. */
    static final long FINGERPRINT_MULTIPLIER = 0x9E3779B97F4A7C15L;
    static final long FINGERPRINT_STEP = 0x632BE59BD9B4E01AL;

    /**
     * Reads the batch's field nodes and buffers into {@link #nodes} and {@link #buffers}: in bulk when
     * their vectors were found in the message ({@link #located}), else a struct at a time. Only after
     * their counts are checked against the header's size ({@link #vectorLength}), which bounds the
     * arrays.
     *
     * @return true when the buffers are left to {@link #loadBuffersInside} (the nodes are read), false
     *     when both are read
     */
    boolean load() {
      if (nodes.length < 2 * nodeCount) {
        nodes = new long[Math.max(2 * nodeCount, nodes.length * 2)];
      }
      if (buffers.length < 2 * bufferCount) {
        buffers = new long[Math.max(2 * bufferCount, buffers.length * 2)];
      }
      if (located) {
        ByteBuffer header = batch.getByteBuffer();
        RecordBatchTable.copy(header, nodesAt, nodes, 2 * nodeCount);
        if (header.hasArray() && org.apache.arrow.memory.util.MemoryUtil.LITTLE_ENDIAN) {
          return true;
        }
        RecordBatchTable.copy(header, buffersAt, buffers, 2 * bufferCount);
        return false;
      }
      for (int i = 0; i < nodeCount; i++) {
        nodeVector.get(flatNode, i);
        nodes[2 * i] = flatNode.length();
        nodes[2 * i + 1] = flatNode.nullCount();
      }
      for (int i = 0; i < bufferCount; i++) {
        bufferVector.get(flatBuffer, i);
        buffers[2 * i] = flatBuffer.offset();
        buffers[2 * i + 1] = flatBuffer.length();
      }
      return false;
    }

    /**
     * Reads the buffers in bulk from the header's array, as {@link RecordBatchTable#copy} does (the
     * same bounds, checked once), and checks each as it is read as {@link #buffersInside} does (the
     * same checks, in the same order, with the same fingerprint): one pass over them instead of two.
     */
    long loadBuffersInside(long bodyLength) throws WireFormatException {
      ByteBuffer header = batch.getByteBuffer();
      int at = buffersAt;
      int count = 2 * bufferCount;
      if (at < 0 || count > (header.limit() - at) / 8) {
        throw RecordBatchTable.outside(count, at, header.limit());
      }
      byte[] array = header.array();
      int from = header.arrayOffset() + at;
      long[] buffers = this.buffers;
      long hash = 0;
      long weight = FINGERPRINT_MULTIPLIER;
      for (int i = 0; i < bufferCount; i++) {
        // inside the array: checked above
        long offset = org.apache.arrow.memory.util.MemoryUtil.getLong(array, from + 16 * i);
        long length = org.apache.arrow.memory.util.MemoryUtil.getLong(array, from + 16 * i + 8);
        buffers[2 * i] = offset;
        buffers[2 * i + 1] = length;
        if (offset < 0 || length < 0 || offset > bodyLength || length > bodyLength - offset) {
          throw outsideBody(what, i, offset, length, bodyLength);
        }
        hash += (offset * FINGERPRINT_STEP + length) * weight;
        weight += FINGERPRINT_STEP;
      }
      return hash;
    }

    /**
     * Whether a kept header's bytes are those at {@code from}: compared first where the last
     * comparison found a difference (unless it found none), then from the end (a header is built back to front, so its node
     * and buffer vectors, where headers of one shape differ, lie towards its end), then the rest.
     */
    private boolean sameBytes(byte[] known, byte[] array, int from, int length) {
      if (mismatchHint >= 0) {
        int hint = Math.min(mismatchHint, Math.max(length - HINT_BYTES, 0));
        int hintEnd = Math.min(hint + HINT_BYTES, length);
        if (!java.util.Arrays.equals(known, hint, hintEnd, array, from + hint, from + hintEnd)) {
          return false;
        }
      }
      int tail = Math.min(length, 512);
      int split = length - tail;
      int differs = java.util.Arrays.mismatch(known, split, length, array, from + split, from + length);
      if (differs < 0) {
        differs = java.util.Arrays.mismatch(known, 0, split, array, from, from + split);
        if (differs < 0) {
          mismatchHint = -1; // the same header again: the next is likely the same too, compared in one pass
          return true;
        }
      } else {
        differs += split;
      }
      mismatchHint = differs & -HINT_BYTES;
      return false;
    }

    /** The bytes compared first, where the last comparison found two headers different. */
    private static final int HINT_BYTES = 16;

    /** Keeps a fully checked header, when its check can be repeated by its offsets alone. */
    void remember(List<Field> fields, long bodyLength, long fingerprint) {
      ByteBuffer bytes = batch.getByteBuffer();
      int length = bytes.remaining();
      if (!offsetsOnly || !bytes.hasArray() || length > 16 << 10) {
        return;
      }
      // the entry replaced is overwritten, its arrays reused when they fit (headers of one method keep
      // their length)
      Checked entry = checked[nextChecked];
      if (entry == null) {
        entry = new Checked();
        checked[nextChecked] = entry;
      }
      if (entry.header == null || entry.header.length != length) {
        entry.header = new byte[length];
      }
      System.arraycopy(bytes.array(), bytes.arrayOffset() + bytes.position(), entry.header, 0, length);
      if (entry.offsetChecks == null || entry.offsetChecks.length != offsetCheckCount) {
        entry.offsetChecks = new long[offsetCheckCount];
      }
      System.arraycopy(offsetChecks, 0, entry.offsetChecks, 0, offsetCheckCount);
      entry.fingerprint = fingerprint;
      entry.fields = fields;
      entry.limits = limits;
      entry.what = what;
      entry.bodyLength = bodyLength;
      lastChecked = nextChecked;
      nextChecked = (nextChecked + 1) % checked.length;
    }

    /** Records an offsets check: where, how many, how wide, and the bound its last offset must keep. */
    private int recordOffsets(long start, long length, int width, long bound) {
      if (offsetCheckCount + 4 > offsetChecks.length) {
        offsetChecks = java.util.Arrays.copyOf(offsetChecks, offsetChecks.length * 2);
      }
      int at = offsetCheckCount;
      offsetChecks[at] = start;
      offsetChecks[at + 1] = length;
      offsetChecks[at + 2] = width;
      offsetChecks[at + 3] = bound;
      offsetCheckCount += 4;
      return at;
    }

    /**
     * Starts a walk over the given fields: the buffer layouts of their fields are taken, in walk
     * order, from the last walk over the same fields (a connection's schemas are interned).
     */
    void plan(List<Field> fields) {
      if (planOf != fields) {
        planOf = fields;
        planSize = 0;
      }
      planAt = 0;
    }

    /** The buffer layouts of the field walked next, from the plan when it is the field planned. */
    private List<BufferLayout> layoutsOf(Field field) {
      int at = planAt++;
      if (at < planSize && planFields[at] == field) {
        return planLayouts.get(at);
      }
      List<BufferLayout> layouts = layouts(knownLayouts, field.getType());
      if (at == planSize && at < planFields.length) {
        planFields[at] = field;
        if (at < planLayouts.size()) {
          planLayouts.set(at, layouts);
        } else {
          planLayouts.add(layouts);
        }
        planSize++;
      }
      return layouts;
    }

    /** The check plan of a schema's fields (null when they have none), kept per fields instance. */
    CheckPlan checkPlan(List<Field> fields) {
      if (fields == lastPlanned) {
        return lastPlan; // the schema of the thread's last batch: no look-up
      }
      CheckPlan plan = checkPlans.get(fields);
      if (plan == null && !checkPlans.containsKey(fields)) {
        if (checkPlans.size() >= 64) {
          checkPlans.clear();
        }
        plan = CheckPlan.of(fields, type -> layouts(knownLayouts, type));
        checkPlans.put(fields, plan);
      }
      lastPlanned = fields;
      lastPlan = plan;
      return plan;
    }

    /** Puts the walk back at the batch's first node and buffer, as {@link #over} left it. */
    void restart() {
      node = 0;
      buffer = 0;
      variadic = 0;
      implied = 0;
      offsetsOnly = true;
      offsetCheckCount = 0;
      planAt = 0;
    }

    /**
     * Checks the batch's columns by a plan: the checks {@link #field} makes for fields of these
     * kinds, in the same order, with the same effects on the walk (implied bytes, recorded offsets).
     * The plan knows each field's node and first buffer, so the counts are compared once, first:
     * when they differ from the plan's, the general walk names what is wrong.
     *
     * @return whether every check passed (when one fails, the walk is left part way)
     */
    boolean planned(CheckPlan plan, long rows) {
      int steps = plan.kinds.length;
      if (steps != nodeCount || plan.buffers != bufferCount) {
        return false;
      }
      if (leasts.length < steps) {
        leasts = new long[Math.max(steps, 2 * leasts.length)];
      }
      long[] nodes = this.nodes;
      long[] buffers = this.buffers;
      long[] leasts = this.leasts;
      byte[] kinds = plan.kinds;
      int[] widths = plan.widths;
      int[] parents = plan.parents;
      int[] firstBuffers = plan.firstBuffers;
      long maxRows = limits.maxRowsPerBatch();
      // the body's bounds, and the implied bytes, kept in locals for the loop (a failed plan's walk is
      // restarted, so only a plan that passes writes its implied bytes back)
      long capacity = body == null ? 0 : body.capacity();
      long address = body == null ? 0 : body.memoryAddress();
      long impliedBytes = implied;
      for (int step = 0; step < steps; step++) {
        long length = nodes[2 * step];
        long nulls = nodes[2 * step + 1];
        int parent = parents[step];
        // a column holds the batch's rows; a child at least what its parent needs of it
        if (length < 0 || length > maxRows || nulls < 0 || nulls > length
            || (parent < 0 ? length != rows : length < leasts[parent])) {
          return false;
        }
        int at = 2 * firstBuffers[step];
        long neededBits = (length + 7) / 8;
        if (nulls == 0 || nulls == length) {
          impliedBytes += neededBits; // Arrow makes its own bitmap for these
        } else if (buffers[at + 1] < neededBits) {
          return false;
        }
        int width = widths[step];
        switch (kinds[step]) {
          case CheckPlan.FIXED -> {
            if (buffers[at + 3] < (length * width + 7) / 8) {
              return false;
            }
          }
          case CheckPlan.VARIABLE -> {
            if (length > 0) {
              long offsetsStart = buffers[at + 2];
              long dataSize = buffers[at + 5];
              if (buffers[at + 3] < (length + 1) * width) {
                return false;
              }
              long last = plannedOffsets(offsetsStart, length, width, capacity, address);
              if (last < 0 || last > dataSize) {
                return false;
              }
              recordOffsets(offsetsStart, length, width, dataSize);
            }
          }
          case CheckPlan.LIST -> {
            long last = -1;
            if (length > 0) {
              long offsetsStart = buffers[at + 2];
              if (buffers[at + 3] < (length + 1) * width) {
                return false;
              }
              last = plannedOffsets(offsetsStart, length, width, capacity, address);
              if (last < 0) {
                return false;
              }
              // the child (the next node) must hold at least the last offset's values: its length bounds it
              recordOffsets(offsetsStart, length, width, nodes[2 * (step + 1)]);
            }
            leasts[step] = Math.max(last, 0);
          }
          default -> leasts[step] = length;
        }
      }
      implied = impliedBytes;
      node = steps;
      buffer = plan.buffers;
      return true;
    }

    /**
     * {@link #offsets}' check, answering -1 instead of naming a failure.
     *
     * @param capacity the body's capacity (0 without a body: the general check then reads it)
     * @param address the body's address
     */
    private long plannedOffsets(long start, long length, int width, long capacity, long address) {
      long bytes = length >= 0 && length < capacity / 4 ? (length + 1) * 4 : -1; // never overflows
      if (width == 4 && org.apache.arrow.memory.util.MemoryUtil.LITTLE_ENDIAN && bytes >= 0 && start >= 0
          && start <= capacity - bytes) {
        // offsets' own loop over the buffer, bounded once, without building a message on failure
        long base = address + start;
        int previous = 0;
        for (long i = 0; i <= length; i++) {
          int value = org.apache.arrow.memory.util.MemoryUtil.getInt(base + i * 4);
          if (value < previous) { // previous starts at 0 and never decreases: a negative value too
            return -1;
          }
          previous = value;
        }
        return previous;
      }
      try {
        return offsets(null, start, length, width);
      } catch (WireFormatException e) {
        return -1;
      }
    }

    /** Lets go of the batch (the walk is kept for the thread's next one). */
    void done() {
      batch = null;
      body = null;
      if (nodes.length > KEPT_LONGS || buffers.length > KEPT_LONGS || leasts.length > KEPT_LONGS) {
        // a batch of very many fields: its arrays are not kept for the thread's next batch
        nodes = new long[64];
        buffers = new long[128];
        leasts = new long[64];
      }
    }

    /** The most longs of node and buffer arrays a walk keeps between batches (256 KiB each). */
    private static final int KEPT_LONGS = 1 << 15;

    /**
     * Checks one field and its children.
     *
     * @param least the rows the field must hold at least (its parent's, or the batch's)
     * @param top whether it is a column of the batch (its length is the batch's)
     * @return the field's declared length
     */
    long field(Field field, long least, boolean top, Path path) throws WireFormatException {
      if (node >= nodeCount) {
        throw new WireFormatException(what + " has fewer field nodes than its schema needs (" + nodeCount
            + "), at field " + path);
      }
      long length = nodes[2 * node];
      long nulls = nodes[2 * node + 1];
      node++;
      if (length < 0 || length > limits.maxRowsPerBatch()) {
        throw new WireFormatException("field " + path + " declares " + length + " values (at most "
            + limits.maxRowsPerBatch() + " per batch, maxRowsPerBatch)");
      }
      if (top && length != least) {
        throw new WireFormatException("field " + path + " declares " + length + " values in a " + what
            + " of " + least + " rows");
      }
      if (length < least) {
        throw new WireFormatException("field " + path + " declares " + length
            + " values, fewer than the " + least + " of its parent");
      }
      if (nulls < 0 || nulls > length) {
        throw new WireFormatException("field " + path + " declares a null count of " + nulls + " for "
            + length + " values");
      }
      ArrowType type = field.getType();
      List<BufferLayout> layouts = layoutsOf(field);
      // the buffers of this field only: read before its children are walked, so one pair per walk
      // serves every field (no field has more than three buffers, a view column's variadics aside)
      if (sizeScratch.length < layouts.size()) {
        sizeScratch = new long[layouts.size()];
        startScratch = new long[layouts.size()];
      }
      long[] sizes = sizeScratch;
      long[] starts = startScratch;
      for (int i = 0; i < layouts.size(); i++) {
        if (buffer >= bufferCount) {
          throw new WireFormatException(what + " has fewer buffers than its schema needs (" + bufferCount
              + "), at field " + path);
        }
        starts[i] = buffers[2 * buffer];
        sizes[i] = buffers[2 * buffer + 1];
        buffer++;
      }
      long[] variadicSizes = NO_SIZES;
      if (type instanceof ArrowType.Utf8View || type instanceof ArrowType.BinaryView) {
        offsetsOnly = false;
        variadicSizes = variadicBuffers(path);
      }
      long lastOffset = -1;
      int recorded = -1;
      long validityStart = layouts.isEmpty() ? 0 : starts[0];
      if (type instanceof ArrowType.ListView || type instanceof ArrowType.LargeListView) {
        int width = type instanceof ArrowType.ListView ? 4 : 8;
        long needed = (length * width);
        checkValidity(path, sizes[0], nulls, length);
        if (sizes[1] < needed) {
          throw short_(path, "offsets buffer", sizes[1], needed, length);
        }
        if (sizes[2] < needed) {
          throw short_(path, "sizes buffer", sizes[2], needed, length);
        }
        offsetsOnly = false;
        lastOffset = listViews(path, starts[1], starts[2], width, validityStart, nulls, length);
        layouts = List.of();
      }
      for (int i = 0; i < layouts.size(); i++) {
        BufferLayout layout = layouts.get(i);
        long size = sizes[i];
        switch (layout.getType()) {
          case VALIDITY -> checkValidity(path, size, nulls, length);
          case VIEWS -> {
            long needed = length * VIEW_BYTES;
            if (size < needed) {
              throw short_(path, "views buffer", size, needed, length);
            }
            offsetsOnly = false;
            views(path, starts[i], variadicSizes, validityStart, nulls, length);
          }
          case DATA, TYPE -> {
            if (i > 0 && layouts.get(i - 1).getType() == BufferLayout.BufferType.OFFSET) {
              break; // variable-width values: bounded by the offsets before them
            }
            long needed = (length * layout.getTypeBitWidth() + 7) / 8;
            if (size < needed) {
              throw short_(path, "data buffer", size, needed, length);
            }
          }
          case OFFSET -> {
            int width = layout.getTypeBitWidth() / 8;
            if (type instanceof ArrowType.Union) {
              if (size < length * width) {
                throw short_(path, "offsets buffer", size, length * width, length);
              }
            } else if (length > 0) {
              long needed = (length + 1) * width;
              if (size < needed) {
                throw short_(path, "offsets buffer", size, needed, length);
              }
              lastOffset = offsets(path, starts[i], length, width);
              boolean data = i + 1 < layouts.size() && layouts.get(i + 1).getType() == BufferLayout.BufferType.DATA;
              if (data && lastOffset > sizes[i + 1]) {
                throw new WireFormatException("field " + path + " has an offset of " + lastOffset
                    + " past the end of its data buffer of " + sizes[i + 1] + " bytes");
              }
              recorded = recordOffsets(starts[i], length, width, data ? sizes[i + 1] : Long.MAX_VALUE);
            }
          }
          default -> throw new WireFormatException("field " + path + " has a buffer layout this reader cannot check: "
              + layout.getType());
        }
      }
      List<Field> children = field.getChildren();
      if (type instanceof ArrowType.RunEndEncoded) {
        offsetsOnly = false;
        runEndEncoded(field, path, length);
        return length;
      }
      if (recorded >= 0 && !children.isEmpty() && node < nodeCount
          && (type instanceof ArrowType.List || type instanceof ArrowType.LargeList || type instanceof ArrowType.Map)) {
        // the child must hold at least the last offset's values: its declared length bounds the last offset
        offsetChecks[recorded + 3] = Math.min(offsetChecks[recorded + 3], nodes[2 * node]);
      }
      for (int c = 0; c < children.size(); c++) {
        Field child = children.get(c);
        Path childPath = new Path(path, child.getName());
        long childLeast;
        if (type instanceof ArrowType.Struct
            || (type instanceof ArrowType.Union union && union.getMode() == org.apache.arrow.vector.types.UnionMode.Sparse)) {
          childLeast = length;
        } else if (type instanceof ArrowType.FixedSizeList fixed) {
          childLeast = length * fixed.getListSize();
        } else if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList || type instanceof ArrowType.Map
            || type instanceof ArrowType.ListView || type instanceof ArrowType.LargeListView) {
          childLeast = Math.max(lastOffset, 0);
        } else {
          childLeast = 0;
        }
        field(child, childLeast, false, childPath);
      }
      return length;
    }

    private void checkValidity(Path path, long size, long nulls, long length) throws WireFormatException {
      long needed = (length + 7) / 8;
      if (nulls == 0 || nulls == length) {
        implied += needed; // Arrow makes its own bitmap for these
      } else if (size < needed) {
        throw short_(path, "validity bitmap", size, needed, length);
      }
    }

    /** Whether slot {@code i} is valid (not null), by the node's null count and its bitmap. */
    private boolean valid(long validityStart, long nulls, long length, long i) {
      if (nulls == 0) {
        return true;
      }
      if (nulls == length) {
        return false;
      }
      return (body.getByte(validityStart + (i >> 3)) >> (i & 7) & 1) != 0;
    }

    /** Takes a view column's variadic data buffers; returns their sizes. */
    private long[] variadicBuffers(Path path) throws WireFormatException {
      if (variadic >= batch.variadicBufferCountsLength()) {
        throw new WireFormatException("field " + path + " is a view column, but the " + what
            + " gives no count of its variadic data buffers");
      }
      long count = batch.variadicBufferCounts(variadic++);
      if (count < 0 || count > bufferCount - buffer) {
        throw new WireFormatException("field " + path + " declares " + count + " variadic data buffers, but the "
            + what + " has " + (bufferCount - buffer) + " buffers left");
      }
      long[] sizes = new long[(int) count];
      for (int k = 0; k < count; k++) {
        sizes[k] = buffers[2 * buffer + 1];
        buffer++;
      }
      return sizes;
    }

    /**
     * Checks each valid 16-byte view: a length not below zero, and when the value is not inline
     * (longer than 12 bytes) a buffer index among the variadic buffers and an offset and length
     * inside that buffer.
     */
    private void views(Path path, long start, long[] variadicSizes, long validityStart, long nulls, long length)
        throws WireFormatException {
      for (long i = 0; i < length; i++) {
        if (!valid(validityStart, nulls, length, i)) {
          continue;
        }
        long at = start + i * VIEW_BYTES;
        int size = body.getInt(at);
        if (size < 0) {
          throw new WireFormatException("field " + path + " has a view of length " + size + " at index " + i
              + ", below zero");
        }
        if (size <= VIEW_INLINE_BYTES) {
          continue;
        }
        int index = body.getInt(at + 8);
        long offset = body.getInt(at + 12);
        if (index < 0 || index >= variadicSizes.length) {
          throw new WireFormatException("field " + path + " has a view at index " + i + " into variadic buffer "
              + index + ", but the column has " + variadicSizes.length);
        }
        if (offset < 0 || offset + size > variadicSizes[index]) {
          throw new WireFormatException("field " + path + " has a view at index " + i + " of " + size
              + " bytes at offset " + offset + " past the end of its variadic buffer " + index + " of "
              + variadicSizes[index] + " bytes");
        }
      }
    }

    /**
     * Checks each valid list view's offset and size: neither below zero; returns the furthest end
     * (offset + size), which the child must reach.
     */
    private long listViews(Path path, long offsets, long sizes, int width, long validityStart, long nulls,
        long length) throws WireFormatException {
      long furthest = 0;
      for (long i = 0; i < length; i++) {
        if (!valid(validityStart, nulls, length, i)) {
          continue;
        }
        long offset = width == 4 ? body.getInt(offsets + i * 4) : body.getLong(offsets + i * 8);
        long size = width == 4 ? body.getInt(sizes + i * 4) : body.getLong(sizes + i * 8);
        if (offset < 0 || size < 0 || size > limits.maxRowsPerBatch() || offset > limits.maxRowsPerBatch() - size) {
          throw new WireFormatException("field " + path + " has a list view at index " + i + " with offset "
              + offset + " and size " + size + (offset < 0 || size < 0 ? ", below zero"
                  : ", past " + limits.maxRowsPerBatch() + " values (maxRowsPerBatch)"));
        }
        furthest = Math.max(furthest, offset + size);
      }
      return furthest;
    }

    /**
     * Checks a run-end encoded column: its run ends (not null) strictly increase from at least 1,
     * and the last covers the column's length; its values hold a value per run.
     */
    private void runEndEncoded(Field field, Path path, long length) throws WireFormatException {
      List<Field> children = field.getChildren();
      if (children.size() != 2) {
        throw new WireFormatException("field " + path + " is run-end encoded with " + children.size()
            + " children (2 needed: run ends and values)");
      }
      Field ends = children.get(0);
      int width = ends.getType() instanceof ArrowType.Int integer ? integer.getBitWidth() / 8 : 0;
      if (width != 2 && width != 4 && width != 8) {
        throw new WireFormatException("field " + path + " has run ends of type " + ends.getType()
            + " (int16, int32 or int64 are valid)");
      }
      Path endsPath = new Path(path, ends.getName());
      int endsNode = node;
      int endsBuffer = buffer;
      long runs = field(ends, 0, false, endsPath);
      if (nodes[2 * endsNode + 1] != 0) {
        throw new WireFormatException("field " + endsPath + " declares " + nodes[2 * endsNode + 1]
            + " null run ends (run ends cannot be null)");
      }
      long start = buffers[2 * (endsBuffer + 1)];
      long previous = 0;
      for (long j = 0; j < runs; j++) {
        long at = start + j * width;
        long end = width == 2 ? body.getShort(at) : width == 4 ? body.getInt(at) : body.getLong(at);
        if (end <= previous) {
          throw new WireFormatException("field " + endsPath + " has run end " + end + " at index " + j
              + (j == 0 ? ", below 1" : ", not above the run end " + previous + " before it"));
        }
        previous = end;
      }
      if (length > 0 && previous < length) {
        throw new WireFormatException("field " + endsPath + " ends its last run at " + previous + ", short of the "
            + length + " values of the column");
      }
      Field values = children.get(1);
      field(values, runs, false, new Path(path, values.getName()));
    }

    /** Checks an offsets buffer: non-negative, never decreasing; returns the last offset. */
    private long offsets(Path path, long start, long length, int width) throws WireFormatException {
      long previous = 0;
      long bytes = length >= 0 && length < body.capacity() / 4 ? (length + 1) * 4 : -1; // never overflows
      if (width == 4 && org.apache.arrow.memory.util.MemoryUtil.LITTLE_ENDIAN && bytes >= 0 && start >= 0
          && start <= body.capacity() - bytes) {
        // one bounds check for the whole buffer, then plain reads (ArrowBuf checks every read)
        long base = body.memoryAddress() + start;
        for (long i = 0; i <= length; i++) {
          int value = org.apache.arrow.memory.util.MemoryUtil.getInt(base + i * 4);
          if (value < previous) { // previous starts at 0 and never decreases: a negative value too
            throw new WireFormatException("field " + path + " has offset " + value + " at index " + i
                + (value < 0 ? ", below zero" : ", below the offset " + previous + " before it"));
          }
          previous = value;
        }
        return previous;
      }
      for (long i = 0; i <= length; i++) {
        long at = start + i * width;
        long value = width == 4 ? body.getInt(at) : body.getLong(at);
        if (value < 0 || (i > 0 && value < previous)) {
          throw new WireFormatException("field " + path + " has offset " + value + " at index " + i
              + (value < 0 ? ", below zero" : ", below the offset " + previous + " before it"));
        }
        previous = value;
      }
      return previous;
    }

    private static WireFormatException short_(Path path, String buffer, long size, long needed, long length) {
      return new WireFormatException("field " + path + " declares " + length + " values but its " + buffer
          + " holds " + size + " bytes (" + needed + " needed)");
    }
  }
}
