package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.flatbuffers.Table;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.WireLimits;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServerState;
import dev.arrowrpc.core.server.ServiceBinding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A flipped bit in a length of a message's flatbuffer (a vector's entry count, the metadata length
 * in the prefix) is refused with a typed error before anything is sized from it: the reading thread
 * allocates a few MiB at most, never the hundreds of MiB of Java heap the declared number asks for
 * (the reliability harness, seed 20261203: bit 1626 of an echo_string request made the server
 * allocate ~600 MiB of heap for a hash table of 2^27 custom-metadata entries).
 */
class FlatbufferLengthsTest {
  /** What the reading thread may allocate for one hostile request of a few hundred bytes. */
  private static final long ALLOCATION_BOUND = 4L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final Schema TEXT = new Schema(List.of(Field.notNullable("value", ArrowType.Utf8.INSTANCE)));

  /** Echoes a string, as the conformance worker's echo_string. */
  @RpcService
  public interface Echo {
    String echo_string(String value);
  }

  /** Echoes its argument. */
  public static final class EchoImpl implements Echo {
    @Override
    public String echo_string(String value) {
      return value;
    }
  }

  private BufferAllocator memory;

  @BeforeEach
  void start() {
    assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
        "this JVM does not measure per-thread heap allocation (ThreadMXBean)");
    memory = new RootAllocator(64L << 20);
  }

  @AfterEach
  void stop() {
    if (memory != null) {
      assertEquals(0, memory.getAllocatedMemory());
      memory.close();
    }
  }

  // ------------------------------------------------------------------ requests

  /** An echo_string request as a client writes it: the schema, one batch with its metadata, the end marker. */
  private byte[] echoString(String value) throws Exception {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MetadataKeys.METHOD, "echo_string");
    metadata.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    metadata.put(MetadataKeys.PROTOCOL, "Echo");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(TEXT, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, TEXT)) {
      root.allocateNew();
      ((VarCharVector) root.getVector(0)).setSafe(0, value.getBytes(StandardCharsets.UTF_8));
      root.setRowCount(1);
      writer.write(root, metadata);
      writer.end();
    }
    return out.toByteArray();
  }

  /** The offset of the second message (the record batch) of a stream. */
  private static int secondMessage(byte[] stream) {
    return 8 + ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
  }

  /**
   * Where a vector's length (the int before its entries) lies in the stream: the vector is field
   * {@code slot} (0-based, in declaration order) of the table at {@code table} inside the message
   * whose prefix starts at {@code messageStart}.
   */
  private static int vectorLengthAt(byte[] stream, int messageStart, int table, int slot) {
    ByteBuffer bb = ByteBuffer.wrap(stream, messageStart + 8, stream.length - messageStart - 8).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    return messageStart + 8 + new Locator(bb, table).vectorLength(slot);
  }

  /** Reads the flatbuffer's vtable to find where a vector field's length lies. */
  private static final class Locator extends Table {
    Locator(ByteBuffer bb, int table) {
      __reset(table, bb);
    }

    int vectorLength(int slot) {
      int o = __offset(4 + 2 * slot);
      assertTrue(o != 0, "no such vector");
      return __vector(o) - 4;
    }

    int tableField(int slot) {
      int o = __offset(4 + 2 * slot);
      assertTrue(o != 0, "no such table");
      return __indirect(bb_pos + o);
    }

    int vectorEntry(int slot, int index) {
      int o = __offset(4 + 2 * slot);
      return __indirect(__vector(o) + 4 * index);
    }
  }

  /** The root table's position in a message's flatbuffer (the message starts at {@code messageStart}). */
  private static int root(byte[] stream, int messageStart) {
    return ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).getInt(messageStart + 8);
  }

  private static byte[] withInt(byte[] bytes, int at, int value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    return copy;
  }

  private static int intAt(byte[] bytes, int at) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
  }

  /** Reads the whole stream as a server reads a request; returns the failure, if any. */
  private Optional<Throwable> read(byte[] bytes) {
    try {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(new ByteArrayInputStream(bytes), memory,
          WireLimits.DEFAULT);
      if (opened.isPresent()) {
        try (IpcStreamReader reader = opened.get()) {
          reader.drain();
        }
      }
      return Optional.empty();
    } catch (Throwable t) {
      return Optional.of(t);
    }
  }

  /** Runs the read, measuring what the thread allocated; fails when it exceeds the bound. */
  private Optional<Throwable> readBounded(byte[] bytes, String what) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Optional<Throwable> failure = read(bytes);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < ALLOCATION_BOUND, what + ": the reader allocated " + allocated + " bytes ("
        + failure.map(Throwable::toString).orElse("accepted") + ")");
    failure.ifPresent(t -> assertNotFromMemoryExhaustion(t, what));
    assertEquals(0, memory.getAllocatedMemory(), what);
    return failure;
  }

  private static void assertNotFromMemoryExhaustion(Throwable failure, String what) {
    assertTrue(failure instanceof WireFormatException, what + ": " + failure);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        fail(what + ": refused only after running out of memory: " + failure);
      }
    }
  }

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ the finding

  @Test
  void aBatchsCustomMetadataCountWithAFlippedBitIsATypedErrorWithoutAHugeAllocation() throws Exception {
    byte[] good = echoString("é€😀abcdefgh");
    read(good); // warm up
    int batch = secondMessage(good);
    // Message: version, header_type, header, bodyLength, custom_metadata (slot 4)
    int count = vectorLengthAt(good, batch, root(good, batch), 4);
    assertEquals(3, intAt(good, count));
    for (int declared : new int[] {3 | 1 << 26, 3 | 1 << 28, Integer.MAX_VALUE, -1, 1 << 20}) {
      Throwable e = readBounded(withInt(good, count, declared), "custom metadata count " + declared)
          .orElseThrow();
      assertMentions(e, "record batch custom metadata", "entries");
      assertTrue(((WireFormatException) e).framingIntact(), e.toString());
    }
  }

  @Test
  void aFlippedMetadataCountIsAProtocolErrorAndTheConnectionAnswersTheNextRequest() throws Exception {
    byte[] good = echoString("hello");
    int batch = secondMessage(good);
    int count = vectorLengthAt(good, batch, root(good, batch), 4);
    byte[] bad = withInt(good, count, intAt(good, count) ^ (1 << 26));
    serve(good); // warm up
    long before = THREADS.getCurrentThreadAllocatedBytes();
    List<Object> responses = serve(concat(bad, good));
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 2 * ALLOCATION_BOUND, "serving allocated " + allocated + " bytes");
    assertEquals(2, responses.size(), responses.toString());
    RpcException error = assertInstanceOf(RpcException.class, responses.get(0));
    assertEquals("ProtocolError", error.errorType());
    assertMentions(error, "custom metadata");
    assertEquals("hello", String.valueOf(responses.get(1)));
  }

  // ------------------------------------------------------------------ siblings

  @Test
  void aMetadataLengthThatLiesIsReadOnlyAsFarAsItArrives() throws Exception {
    byte[] good = echoString("hello");
    read(good); // warm up
    int batch = secondMessage(good);
    int length = intAt(good, batch + 4);
    // just under maxMetadataBytes (64 MiB): within the limit, so the bytes that arrived are what bounds it
    for (int declared : new int[] {length | 1 << 22, length | 1 << 25, WireLimits.DEFAULT_MAX_METADATA_BYTES}) {
      Throwable e = readBounded(withInt(good, batch + 4, declared), "metadata length " + declared).orElseThrow();
      assertMentions(e, "truncated inside a message's metadata", declared + " bytes expected");
      Throwable first = readBounded(withInt(good, 4, declared), "schema metadata length " + declared).orElseThrow();
      assertMentions(first, "truncated inside a message's metadata");
    }
  }

  @Test
  void aSchemasFieldCountOrChildCountWithAFlippedBitIsATypedError() throws Exception {
    byte[] good = echoString("hello");
    read(good); // warm up
    // Message.header (slot 2) is the Schema; Schema: endianness, fields (slot 1), custom_metadata, features
    ByteBuffer bb = ByteBuffer.wrap(good, 8, good.length - 8).slice().order(ByteOrder.LITTLE_ENDIAN);
    int schema = new Locator(bb, root(good, 0)).tableField(2);
    int fields = 8 + new Locator(bb, schema).vectorLength(1);
    assertEquals(1, intAt(good, fields));
    for (int declared : new int[] {1 | 1 << 20, 1 | 1 << 26, Integer.MAX_VALUE, -1}) {
      Throwable e = readBounded(withInt(good, fields, declared), "field count " + declared).orElseThrow();
      assertMentions(e, "field list", "entries");
    }
    // a count that fits in the message but not under maxSchemaFields is refused before any field is walked
    WireFormatException many = assertThrows(WireFormatException.class,
        () -> IpcStreamReader.open(new ByteArrayInputStream(withInt(good, fields, 9)), memory,
            WireLimits.DEFAULT.withMaxSchemaFields(4)));
    assertMentions(many, "more than 4 fields", "maxSchemaFields");
    // Field: name, nullable, type_type, type, dictionary, children (slot 5)
    int field = new Locator(bb, schema).vectorEntry(1, 0);
    int children = 8 + new Locator(bb, field).vectorLength(5);
    assertEquals(0, intAt(good, children));
    for (int declared : new int[] {1 << 20, 1 << 26, Integer.MAX_VALUE}) {
      Throwable e = readBounded(withInt(good, children, declared), "child count " + declared).orElseThrow();
      assertMentions(e, "'value'", "child list", "entries");
    }
  }

  @Test
  void aBatchsNodeOrBufferCountWithAFlippedBitIsATypedError() throws Exception {
    byte[] good = echoString("hello");
    read(good); // warm up
    int batch = secondMessage(good);
    ByteBuffer bb = ByteBuffer.wrap(good, batch + 8, good.length - batch - 8).slice().order(ByteOrder.LITTLE_ENDIAN);
    // RecordBatch: length, nodes (slot 1), buffers (slot 2), compression, variadicBufferCounts
    int recordBatch = new Locator(bb, root(good, batch)).tableField(2);
    int nodes = batch + 8 + new Locator(bb, recordBatch).vectorLength(1);
    int buffers = batch + 8 + new Locator(bb, recordBatch).vectorLength(2);
    assertEquals(1, intAt(good, nodes));
    assertEquals(3, intAt(good, buffers));
    for (int flip : new int[] {1 << 20, 1 << 26, 1 << 30}) {
      assertMentions(readBounded(withInt(good, nodes, 1 | flip), "node count").orElseThrow(), "field node list");
      assertMentions(readBounded(withInt(good, buffers, 3 | flip), "buffer count").orElseThrow(), "buffer list");
    }
  }

  @Test
  void everySingleBitFlipOfARequestIsAcceptedOrATypedErrorWithoutAHugeAllocation() throws Exception {
    byte[] good = echoString("é€😀abcdefgh");
    read(good); // warm up
    int refused = 0;
    for (int bit = 0; bit < good.length * 8; bit++) {
      byte[] bad = good.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      if (readBounded(bad, "bit " + bit).isPresent()) {
        refused++;
      }
    }
    assertTrue(refused > 0);
  }

  // ------------------------------------------------------------------ over a connection

  /** Serves the bytes; returns each response's error or value. */
  private List<Object> serve(byte[] requests) throws Exception {
    byte[] written;
    try (BufferAllocator serverMemory = new RootAllocator(64L << 20)) {
      ServerState dispatcher = new ServerState(ServiceBinding.bind(Echo.class, new EchoImpl()), serverMemory,
          "abcdefabcdef");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ServerConnection(dispatcher, new ByteArrayInputStream(requests), out).run();
      assertEquals(0, serverMemory.getAllocatedMemory());
      written = out.toByteArray();
    }
    ByteArrayInputStream in = new ByteArrayInputStream(written);
    List<Object> result = new ArrayList<>();
    while (true) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return result;
      }
      try (IpcStreamReader reader = opened.get()) {
        Object value = null;
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e && value == null) {
            value = e.error();
          } else if (kind instanceof LogBatches.Data && value == null && reader.root().getRowCount() == 1) {
            value = reader.root().getVector(0).getObject(0);
          }
        }
        result.add(value);
      }
    }
  }

  private static <T> T assertInstanceOf(Class<T> type, Object value) {
    assertTrue(type.isInstance(value), String.valueOf(value));
    return type.cast(value);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    assertFalse(out.size() == 0);
    return out.toByteArray();
  }
}
