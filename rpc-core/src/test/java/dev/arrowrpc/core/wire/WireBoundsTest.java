package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServerState;
import dev.arrowrpc.core.server.ServiceBinding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.Type;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile lengths, offsets and schemas are refused before Arrow allocates from them: each case is
 * a few hundred bytes read under a 64 MiB allocator, which a gigabyte allocation would break.
 */
class WireBoundsTest {
  private static final long LIMIT = 64L << 20;

  /** A service taking a whole record batch in a binary cell. */
  @RpcService
  public interface Batches {
    long rows(VectorSchemaRoot batch);

    long twice(long x);
  }

  /** Counts the rows it is given. */
  public static final class BatchesImpl implements Batches {
    @Override
    public long rows(VectorSchemaRoot batch) {
      try (batch) {
        return batch.getRowCount();
      }
    }

    @Override
    public long twice(long x) {
      return 2 * x;
    }
  }

  private BufferAllocator memory;

  @BeforeEach
  void start() {
    memory = new RootAllocator(LIMIT);
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  // ------------------------------------------------------------------ crafted streams

  private static final Schema LONGS = new Schema(List.of(Field.notNullable("x", new ArrowType.Int(64, true))));
  private static final Schema TEXT = new Schema(List.of(Field.nullable("s", ArrowType.Utf8.INSTANCE)));

  /** A stream of the schema and one batch whose nodes and buffers say what the test wants. */
  private byte[] stream(Schema schema, long rows, List<ArrowFieldNode> nodes, List<byte[]> buffers)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WriteChannel channel = new WriteChannel(StreamChannels.writable(out));
    MessageSerializer.serialize(channel, schema, IpcOption.DEFAULT);
    List<ArrowBuf> bufs = new ArrayList<>();
    try {
      for (byte[] bytes : buffers) {
        ArrowBuf buf = memory.buffer(Math.max(bytes.length, 1));
        buf.setBytes(0, bytes);
        buf.writerIndex(bytes.length);
        bufs.add(buf);
      }
      try (ArrowRecordBatch batch = new ArrowRecordBatch((int) rows, nodes, bufs)) {
        MessageSerializer.serialize(channel, batch);
      }
    } finally {
      bufs.forEach(ArrowBuf::close);
    }
    channel.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
    channel.writeIntLittleEndian(0);
    return out.toByteArray();
  }

  private static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  private static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  /** One int64 column of one value, whose batch and node claim {@code rows} rows. */
  private byte[] lyingLongs(long rows) throws Exception {
    return stream(LONGS, rows, List.of(new ArrowFieldNode(rows, 0)), List.of(new byte[0], longs(7)));
  }

  private WireFormatException refused(byte[] bytes) {
    return assertThrows(WireFormatException.class, () -> {
      try (IpcStreamReader reader = IpcBytes.readSingle(bytes, memory)) {
        reader.drain();
      }
    });
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ record batches

  @Test
  void aBatchClaiming2To27RowsIsRefusedBeforeAnyAllocation() throws Exception {
    WireFormatException e = refused(lyingLongs(1L << 27));
    // over the row limit first; just under it, the data buffer is too short
    assertMentions(e, "134217728", String.valueOf(dev.arrowrpc.core.WireLimits.DEFAULT_MAX_ROWS_PER_BATCH));
    WireFormatException shortData = refused(lyingLongs(dev.arrowrpc.core.WireLimits.DEFAULT_MAX_ROWS_PER_BATCH));
    assertMentions(shortData, "'x'", "data buffer holds 8 bytes");
  }

  @Test
  void aFieldNodeLongerThanItsBatchIsRefused() throws Exception {
    byte[] bytes = stream(LONGS, 1, List.of(new ArrowFieldNode(1 << 20, 0)), List.of(new byte[0], longs(7)));
    assertMentions(refused(bytes), "'x'", "1048576 values", "of 1 rows");
  }

  @Test
  void aUsedValidityBitmapShorterThanTheRowsIsRefused() throws Exception {
    byte[] bytes = stream(new Schema(List.of(Field.nullable("x", new ArrowType.Int(64, true)))), 100,
        List.of(new ArrowFieldNode(100, 3)), List.of(new byte[1], new byte[800]));
    assertMentions(refused(bytes), "'x'", "validity bitmap holds 1 bytes (13 needed)");
  }

  @Test
  void anOffsetPastItsDataBufferIsRefused() throws Exception {
    byte[] bytes = stream(TEXT, 1, List.of(new ArrowFieldNode(1, 0)),
        List.of(new byte[0], ints(0, 1 << 30), new byte[] {'a'}));
    assertMentions(refused(bytes), "'s'", "offset of 1073741824 past the end of its data buffer of 1 bytes");
  }

  @Test
  void decreasingOrNegativeOffsetsAreRefused() throws Exception {
    byte[] down = stream(TEXT, 2, List.of(new ArrowFieldNode(2, 0)),
        List.of(new byte[0], ints(0, 2, 1), new byte[] {'a', 'b'}));
    assertMentions(refused(down), "'s'", "offset 1 at index 2");
    byte[] negative = stream(TEXT, 1, List.of(new ArrowFieldNode(1, 0)),
        List.of(new byte[0], ints(-5, 1), new byte[] {'a'}));
    assertMentions(refused(negative), "'s'", "below zero");
  }

  @Test
  void anOffsetsBufferTooShortForTheRowsIsRefused() throws Exception {
    byte[] bytes = stream(TEXT, 1000, List.of(new ArrowFieldNode(1000, 0)),
        List.of(new byte[0], ints(0, 1), new byte[] {'a'}));
    assertMentions(refused(bytes), "'s'", "offsets buffer holds 8 bytes (4004 needed)");
  }

  @Test
  void aBufferOutsideTheBodyIsRefused() throws Exception {
    byte[] good = lyingLongs(1);
    // patch the data buffer's offset in the flatbuffer: find the second Buffer struct (offset 0, length 8)
    byte[] bad = good.clone();
    int at = indexOf(bad, longs(0, 8), firstBatchMessage(bad));
    assertTrue(at > 0);
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 1L << 31);
    assertMentions(refused(bad), "lies outside the message body of 8 bytes");
  }

  @Test
  void aBufferReachingPastTheBodyIntoItsRoundedUpAllocationIsRefused() throws Exception {
    // five longs: a body of 40 bytes, read into a buffer of 64; a data buffer claiming 56 bytes must be
    // measured against the 40 that arrived, or 16 bytes of whatever the allocation held would be read
    byte[] good = stream(LONGS, 5, List.of(new ArrowFieldNode(5, 0)), List.of(new byte[0], longs(1, 2, 3, 4, 5)));
    byte[] bad = good.clone();
    int at = indexOf(bad, longs(0, 40), firstBatchMessage(bad));
    assertTrue(at > 0);
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(at + 8, 56);
    assertMentions(refused(bad), "lies outside the message body of 40 bytes");
  }

  @Test
  void aCellHoldsOneBatchAndAtMostItsEndMarker() throws Exception {
    byte[] whole = lyingLongs(1); // schema, one batch, end marker
    try (IpcStreamReader reader = IpcBytes.readSingle(whole, memory)) {
      assertEquals(1, reader.root().getRowCount());
    }
    // a cut marker (or none), or a second batch, is not what the cell claims
    for (int cut = 1; cut <= 8; cut++) {
      byte[] partial = java.util.Arrays.copyOf(whole, whole.length - cut);
      assertMentions(assertThrows(WireFormatException.class, () -> IpcBytes.readSingle(partial, memory).close()),
          "binary cell");
    }
    int batch = firstBatchMessage(whole);
    byte[] twice = concat(java.util.Arrays.copyOf(whole, whole.length - 8),
        java.util.Arrays.copyOfRange(whole, batch, whole.length));
    assertMentions(assertThrows(WireFormatException.class, () -> IpcBytes.readSingle(twice, memory).close()),
        "a cell holds one batch");
    assertEquals(0, memory.getAllocatedMemory());
  }

  @Test
  void aSchemaMessageInACellIsCheckedLikeAStreamsSchema() {
    byte[] deep = schemaStream(b -> {
      org.apache.arrow.flatbuf.Null.startNull(b);
      int field = leaf(b, "leaf", Type.Null, org.apache.arrow.flatbuf.Null.endNull(b));
      for (int i = 0; i < 3000; i++) {
        org.apache.arrow.flatbuf.List.startList(b);
        int type = org.apache.arrow.flatbuf.List.endList(b);
        int children = org.apache.arrow.flatbuf.Field.createChildrenVector(b, new int[] {field});
        field = field(b, "item", Type.List, type, children);
      }
      return field;
    });
    WireFormatException tooDeep = assertThrows(WireFormatException.class,
        () -> IpcStreamReader.readSchemaMessage(deep, dev.arrowrpc.core.WireLimits.DEFAULT));
    assertMentions(tooDeep, "nested more than 64 levels");
    byte[] random = new byte[64];
    new java.util.Random(3).nextBytes(random);
    random[0] = random[1] = random[2] = random[3] = (byte) 0xFF;
    assertThrows(WireFormatException.class,
        () -> IpcStreamReader.readSchemaMessage(random, dev.arrowrpc.core.WireLimits.DEFAULT));
    assertEquals(LONGS, assertDoesNotThrow(
        () -> IpcStreamReader.readSchemaMessage(IpcBytes.schema(LONGS), dev.arrowrpc.core.WireLimits.DEFAULT)));
  }

  @Test
  void aHugeDeclaredBodyIsRefusedOrReadOnlyAsFarAsItArrives() throws Exception {
    byte[] good = lyingLongs(1);
    int batch = firstBatchMessage(good);
    // the Message table's bodyLength (8) is the only long 8 after the batch's buffers: patch each 8
    byte[] over = good.clone();
    byte[] under = good.clone();
    int patched = 0;
    for (int at = indexOf(good, longs(8), batch); at > 0; at = indexOf(good, longs(8), at + 1)) {
      ByteBuffer.wrap(over).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 1L << 40);
      ByteBuffer.wrap(under).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 1L << 30);
      patched++;
    }
    assertTrue(patched >= 1);
    assertMentions(refused(over), "1099511627776", String.valueOf(dev.arrowrpc.core.WireLimits.DEFAULT_MAX_BODY_BYTES));
    // 1 GiB declared, a few bytes sent: truncation, after at most a chunk of allocation
    assertMentions(refused(under), "truncated");
  }

  // ------------------------------------------------------------------ schemas

  @Test
  void aListNested3000DeepIsRefusedWithoutOverflowingTheStack() {
    byte[] bytes = schemaStream(b -> {
      org.apache.arrow.flatbuf.Null.startNull(b);
      int field = leaf(b, "leaf", Type.Null, org.apache.arrow.flatbuf.Null.endNull(b));
      for (int i = 0; i < 3000; i++) {
        org.apache.arrow.flatbuf.List.startList(b);
        int type = org.apache.arrow.flatbuf.List.endList(b);
        int children = org.apache.arrow.flatbuf.Field.createChildrenVector(b, new int[] {field});
        field = field(b, "item", Type.List, type, children);
      }
      return field;
    });
    assertMentions(refused(bytes), "nested more than 64 levels");
  }

  @Test
  void aFixedSizeBinaryOfWidthZeroIsRefused() {
    byte[] bytes = schemaStream(b -> leaf(b, "fsb", Type.FixedSizeBinary,
        org.apache.arrow.flatbuf.FixedSizeBinary.createFixedSizeBinary(b, 0)));
    assertMentions(refused(bytes), "'fsb'", "width 0");
  }

  @Test
  void anIntegerOfBitWidthZeroIsRefused() {
    byte[] bytes = schemaStream(b -> leaf(b, "i", Type.Int, org.apache.arrow.flatbuf.Int.createInt(b, 0, true)));
    assertMentions(refused(bytes), "'i'", "bit width 0");
  }

  private static int leaf(FlatBufferBuilder b, String name, byte typeType, int type) {
    return field(b, name, typeType, type, org.apache.arrow.flatbuf.Field.createChildrenVector(b, new int[0]));
  }

  private static int field(FlatBufferBuilder b, String name, byte typeType, int type, int children) {
    int n = b.createString(name);
    return org.apache.arrow.flatbuf.Field.createField(b, n, true, typeType, type, 0, children, 0);
  }

  /** A stream of one schema message with the one field built by {@code field}, then the end marker. */
  private static byte[] schemaStream(ToIntFunction<FlatBufferBuilder> field) {
    FlatBufferBuilder b = new FlatBufferBuilder();
    int f = field.applyAsInt(b);
    int fields = org.apache.arrow.flatbuf.Schema.createFieldsVector(b, new int[] {f});
    org.apache.arrow.flatbuf.Schema.startSchema(b);
    org.apache.arrow.flatbuf.Schema.addFields(b, fields);
    int schema = org.apache.arrow.flatbuf.Schema.endSchema(b);
    int message = org.apache.arrow.flatbuf.Message.createMessage(
        b, MetadataVersion.V5, MessageHeader.Schema, schema, 0, 0);
    b.finish(message);
    byte[] meta = b.sizedByteArray();
    int padded = (meta.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + 8).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(-1).putInt(padded).put(meta);
    out.position(8 + padded);
    out.putInt(-1).putInt(0);
    return out.array();
  }

  // ------------------------------------------------------------------ over a connection

  private static Map<String, String> dispatch(String method) {
    Map<String, String> md = new LinkedHashMap<>();
    md.put(MetadataKeys.METHOD, method);
    md.put(MetadataKeys.PROTOCOL, "Batches");
    md.put(MetadataKeys.REQUEST_VERSION, "1");
    return md;
  }

  private byte[] request(Schema schema, Map<String, String> metadata, java.util.function.Consumer<VectorSchemaRoot> fill)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
      root.allocateNew();
      fill.accept(root);
      root.setRowCount(1);
      writer.write(root, metadata);
    }
    return out.toByteArray();
  }

  private byte[] rowsOf(byte[] cell) throws Exception {
    Schema schema = new Schema(List.of(Field.notNullable("batch", ArrowType.Binary.INSTANCE)));
    return request(schema, dispatch("rows"), r -> ((VarBinaryVector) r.getVector(0)).setSafe(0, cell));
  }

  private byte[] twice(long x) throws Exception {
    return request(LONGS, dispatch("twice"), r -> ((BigIntVector) r.getVector(0)).setSafe(0, x));
  }

  /** Serves the bytes under a 64 MiB server allocator; returns each response's error or first value. */
  private List<Object> serve(byte[] requests) throws Exception {
    byte[] written;
    try (BufferAllocator serverMemory = new RootAllocator(LIMIT)) {
      ServerState dispatcher = new ServerState(ServiceBinding.bind(Batches.class, new BatchesImpl()), serverMemory,
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

  @Test
  void aCellClaiming2To28RowsIsATypedErrorAndTheConnectionGoesOn() throws Exception {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(rowsOf(lyingLongs(1L << 28)));
    requests.write(rowsOf(lyingLongs(dev.arrowrpc.core.WireLimits.DEFAULT_MAX_ROWS_PER_BATCH)));
    byte[] text = stream(TEXT, 1, List.of(new ArrowFieldNode(1, 0)),
        List.of(new byte[0], ints(0, 1 << 30), new byte[] {'a'}));
    requests.write(rowsOf(text));
    requests.write(rowsOf(lyingLongs(1)));
    requests.write(twice(21));
    List<Object> responses = serve(requests.toByteArray());
    assertEquals(5, responses.size(), responses.toString());
    for (int i = 0; i < 3; i++) {
      assertTrue(responses.get(i) instanceof RpcException, String.valueOf(responses.get(i)));
    }
    assertMentions((RpcException) responses.get(0), "268435456", "rows per batch");
    assertMentions((RpcException) responses.get(1), "'x'", "data buffer");
    assertMentions((RpcException) responses.get(2), "'s'", "past the end");
    assertEquals(1L, responses.get(3));
    assertEquals(42L, responses.get(4));
  }

  @Test
  void aTopLevelBatchClaiming2To27RowsIsAProtocolErrorWithoutAHugeAllocation() throws Exception {
    byte[] bad = stream(LONGS, 1L << 27, List.of(new ArrowFieldNode(1L << 27, 0)),
        List.of(new byte[0], longs(7)));
    // the keys of the request do not matter: the batch is refused before they are read
    List<Object> responses = serve(concat(bad, twice(21)));
    assertTrue(responses.get(0) instanceof RpcException, String.valueOf(responses.get(0)));
    RpcException e = (RpcException) responses.get(0);
    assertEquals("ProtocolError", e.errorType());
    assertMentions(e, "134217728");
  }

  @Test
  void aNestedSchemaBombInACellIsATypedErrorAndTheConnectionGoesOn() throws Exception {
    byte[] bomb = schemaStream(b -> leaf(b, "i", Type.Int, org.apache.arrow.flatbuf.Int.createInt(b, 0, true)));
    List<Object> responses = serve(concat(rowsOf(bomb), twice(4)));
    assertEquals(2, responses.size(), responses.toString());
    assertMentions((RpcException) responses.get(0), "'i'", "bit width 0");
    assertEquals(8L, responses.get(1));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The offset of the second message (the record batch) of a stream. */
  private static int firstBatchMessage(byte[] stream) {
    int metadata = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    return 8 + metadata;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
