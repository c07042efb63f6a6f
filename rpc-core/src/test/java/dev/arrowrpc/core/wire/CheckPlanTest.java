package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.WireLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Random;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The planned check of a batch ({@link CheckPlan}) against the general walk: for a batch of every
 * planned kind, and for thousands of damaged copies of it (field nodes, buffers and offsets
 * overwritten with values near the bounds), both refuse exactly the same batches.
 */
class CheckPlanTest {
  private static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("id", new ArrowType.Int(64, true)),
      Field.nullable("flag", ArrowType.Bool.INSTANCE),
      Field.nullable("name", ArrowType.Utf8.INSTANCE),
      new Field("items", FieldType.nullable(new ArrowType.List()),
          List.of(Field.nullable("item", new ArrowType.Int(64, true)))),
      new Field("tags", FieldType.nullable(new ArrowType.Map(false)), List.of(new Field("entries",
          FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
              Field.notNullable("key", ArrowType.Utf8.INSTANCE), Field.nullable("value", ArrowType.Utf8.INSTANCE))))),
      new Field("point", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(
          Field.nullable("x", new ArrowType.Int(64, true)), Field.nullable("label", ArrowType.Utf8.INSTANCE)))));

  @Test
  void everyFieldOfTheSchemaHasAPlannedKind() {
    CheckPlan plan = CheckPlan.of(SCHEMA.getFields(),
        type -> org.apache.arrow.vector.TypeLayout.getTypeLayout(type).getBufferLayouts());
    assertNotNull(plan);
    // id, flag, name, items + item, tags + entries + key + value, point + x + label
    assertEquals(12, plan.kinds.length);
    assertEquals(List.of(CheckPlan.FIXED, CheckPlan.FIXED, CheckPlan.VARIABLE, CheckPlan.LIST, CheckPlan.FIXED,
        CheckPlan.LIST, CheckPlan.STRUCT, CheckPlan.VARIABLE, CheckPlan.VARIABLE, CheckPlan.STRUCT, CheckPlan.FIXED,
        CheckPlan.VARIABLE), kinds(plan));
    assertEquals(64, plan.widths[0]);
    assertEquals(1, plan.widths[1]);
    assertEquals(4, plan.widths[2]);
    assertEquals(2, plan.children[6]);
    assertEquals(2, plan.children[9]);
    // each field's parent in walk order, and where its buffers start: 2 each, 3 for a string, 1 for a struct
    assertArrayEquals(new int[] {-1, -1, -1, -1, 3, -1, 5, 6, 6, -1, 9, 9}, plan.parents);
    assertArrayEquals(new int[] {0, 2, 4, 7, 9, 11, 13, 14, 17, 20, 21, 23}, plan.firstBuffers);
    assertEquals(26, plan.buffers);
  }

  private static List<Byte> kinds(CheckPlan plan) {
    List<Byte> kinds = new java.util.ArrayList<>();
    for (byte kind : plan.kinds) {
      kinds.add(kind);
    }
    return kinds;
  }

  @Test
  void aDictionaryOrAViewLeavesTheSchemaToTheGeneralWalk() {
    Field view = Field.nullable("v", ArrowType.Utf8View.INSTANCE);
    assertNull(CheckPlan.of(List.of(view),
        type -> org.apache.arrow.vector.TypeLayout.getTypeLayout(type).getBufferLayouts()));
    Field dictionary = new Field("d", new FieldType(true, new ArrowType.Int(32, true),
        new org.apache.arrow.vector.types.pojo.DictionaryEncoding(1, false, null)), List.of());
    assertNull(CheckPlan.of(List.of(dictionary),
        type -> org.apache.arrow.vector.TypeLayout.getTypeLayout(type).getBufferLayouts()));
  }

  @Test
  void aHeadersNodesAndBuffersCopiedInBulkAreThoseReadAStructAtATime() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        Parsed parsed = Parsed.of(batchStream(allocator), allocator)) {
      RecordBatch batch = parsed.batch();
      long[] nodes = new long[2 * batch.nodesLength()];
      long[] buffers = new long[2 * batch.buffersLength()];
      assertTrue(RecordBatchTable.copyVectors(RecordBatchTable.create(), parsed.message, batch, nodes, batch.nodesLength(), buffers,
          batch.buffersLength()));
      for (int i = 0; i < batch.nodesLength(); i++) {
        assertEquals(batch.nodes(i).length(), nodes[2 * i], "node " + i);
        assertEquals(batch.nodes(i).nullCount(), nodes[2 * i + 1], "node " + i);
      }
      for (int i = 0; i < batch.buffersLength(); i++) {
        assertEquals(batch.buffers(i).offset(), buffers[2 * i], "buffer " + i);
        assertEquals(batch.buffers(i).length(), buffers[2 * i + 1], "buffer " + i);
      }
      // counts other than the header's: not copied (the caller reads struct by struct)
      assertFalse(RecordBatchTable.copyVectors(RecordBatchTable.create(), parsed.message, batch, nodes, batch.nodesLength() - 1, buffers,
          batch.buffersLength()));
    }
  }

  @Test
  void damagedBatchesAreRefusedByThePlanExactlyWhenTheGeneralWalkRefusesThem() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream = batchStream(allocator);
      Random random = new Random(20261204);
      int refused = 0;
      int passed = 0;
      for (int round = 0; round < 4000; round++) {
        try (Parsed parsed = Parsed.of(stream, allocator)) {
          if (round > 0) {
            parsed.damage(random);
          }
          String general = verdict(parsed, WireBounds.Route.GENERAL, false);
          String planned = verdict(parsed, WireBounds.Route.PLANNED, false);
          assertEquals(general, planned, "round " + round);
          // the header's nodes and buffers copied in bulk from the message, not a struct at a time
          assertEquals(general, verdict(parsed, WireBounds.Route.PLANNED, true), "round " + round + ", bulk");
          assertEquals(general, verdict(parsed, WireBounds.Route.GENERAL, true), "round " + round + ", bulk");
          if (general.isEmpty()) {
            passed++;
          } else {
            refused++;
          }
        }
      }
      // the damage reaches both outcomes often enough for the comparison to mean something
      assertTrue(refused > 500 && passed > 100, "refused " + refused + ", passed " + passed);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /**
   * A header kept by the checked-header cache, but not the one checked last, is found by its
   * fingerprint; a header that differs from it in any one byte of its field nodes or buffers, or
   * the same header over a body of another length, is checked in full and gets the general walk's
   * verdict.
   */
  @Test
  void aHeaderDifferingFromAKeptOneInOneByteOfItsVectorsGetsTheFullChecksVerdict() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream = batchStream(allocator);
      byte[] other = passingVariant(stream, allocator);
      int nodes;
      int buffers;
      int nodeCount;
      int bufferCount;
      try (Parsed good = Parsed.of(stream, allocator)) {
        RecordBatchTable.Positions at = RecordBatchTable.positions(good.message);
        nodes = at.nodes();
        buffers = at.buffers();
        nodeCount = good.batch().nodesLength();
        bufferCount = good.batch().buffersLength();
      }
      int refused = 0;
      long hitsBefore = WireBounds.fingerprintHits();
      int rounds = 0;
      for (int region = 0; region < 2; region++) {
        int start = region == 0 ? nodes : buffers;
        int end = start + 16 * (region == 0 ? nodeCount : bufferCount);
        for (int position = start; position < end; position++) {
          for (int bit : new int[] {0x01, 0x80}) {
            keepBoth(stream, other, allocator);
            rounds++;
            try (Parsed damaged = Parsed.of(stream, allocator)) {
              assertTrue(damaged.flip(position, bit));
              String general = verdict(damaged, WireBounds.Route.GENERAL, true);
              assertEquals(general, verdict(damaged, WireBounds.Route.ANY, true), "byte " + position + " ^ " + bit);
              if (!general.isEmpty()) {
                refused++;
              }
            }
          }
        }
      }
      // the good header came back by its fingerprint at least once a round (it or the other one)
      assertTrue(WireBounds.fingerprintHits() - hitsBefore >= rounds,
          "hits " + (WireBounds.fingerprintHits() - hitsBefore) + " in " + rounds + " rounds");
      assertTrue(refused > 100, "refused " + refused);
      for (long shorter : new long[] {1, 8, 64}) {
        keepBoth(stream, other, allocator);
        try (Parsed cut = Parsed.of(stream, allocator)) {
          cut.body.writerIndex(cut.body.writerIndex() - shorter);
          String general = verdict(cut, WireBounds.Route.GENERAL, true);
          // a byte of the last buffer's padding may be cut and the batch still pass; 8 bytes cut values
          assertEquals(shorter >= 8, general.contains("lies outside the message body"), general);
          assertEquals(general, verdict(cut, WireBounds.Route.ANY, true), "a body " + shorter + " bytes short");
        }
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /**
   * A header that differs from a kept one in any one byte, where most share its fingerprint (only its
   * length, the body's, its node count and its buffers make one), gets the full check's verdict:
   * the same message, or the same failure of a header too broken to read.
   */
  @Test
  void aHeaderDifferingFromAKeptOneInAnyOneByteGetsTheFullChecksVerdict() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream = batchStream(allocator);
      byte[] other = passingVariant(stream, allocator);
      int length;
      try (Parsed good = Parsed.of(stream, allocator)) {
        length = good.header.limit();
      }
      int refused = 0;
      int unreadable = 0;
      for (int position = 0; position < length; position++) {
        for (int bit : new int[] {0x01, 0x40}) {
          keepBoth(stream, other, allocator);
          try (Parsed damaged = Parsed.of(stream, allocator)) {
            if (!damaged.flip(position, bit)) {
              unreadable++; // not a message at all: the message reader refuses it before any check
              continue;
            }
            String general = verdictOrFailure(damaged, WireBounds.Route.GENERAL);
            assertEquals(general, verdictOrFailure(damaged, WireBounds.Route.ANY), "byte " + position + " ^ " + bit);
            if (!general.isEmpty()) {
              refused++;
            }
          }
        }
      }
      assertTrue(refused > 100 && unreadable < length / 8, "refused " + refused + ", unreadable " + unreadable);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /**
   * Where a header's field-node and buffer vectors lie is read once, by the view a direct reader gets,
   * and the check takes them from there (and probes their lengths by arithmetic instead of reading a
   * struct): for a header damaged in any one byte, the check through a located view gives exactly the
   * verdict of the check that finds them in the message itself, and refuses exactly what the check
   * reading a struct at a time (no message) refuses.
   */
  @Test
  void aHeaderCheckedWhereItsViewFoundItsVectorsGetsTheVerdictOfEveryOtherRoute() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream = batchStream(allocator);
      int length;
      try (Parsed good = Parsed.of(stream, allocator)) {
        length = good.header.limit();
        assertEquals("", viewVerdict(good, WireBounds.Route.GENERAL));
      }
      int refused = 0;
      for (int position = 0; position < length; position++) {
        for (int bit : new int[] {0x01, 0x02, 0x40, 0x80}) {
          try (Parsed damaged = Parsed.of(stream, allocator)) {
            if (!damaged.flip(position, bit) || !damaged.recordBatch()) {
              continue; // not a record batch message: the stream reader refuses it before any check
            }
            String where = "byte " + position + " ^ " + bit;
            String inMessage = verdictOrFailure(damaged, WireBounds.Route.GENERAL);
            assertEquals(inMessage, viewVerdict(damaged, WireBounds.Route.GENERAL), where);
            assertEquals(inMessage, viewVerdict(damaged, WireBounds.Route.ANY), where);
            String structs = structVerdictOrFailure(damaged);
            assertEquals(structs.isEmpty(), inMessage.isEmpty(), where + ": " + structs + " / " + inMessage);
            if (structs.startsWith("record batch")) {
              assertEquals(structs, inMessage, where); // the same bound named the same way
            }
            if (!inMessage.isEmpty()) {
              refused++;
            }
          }
        }
      }
      assertTrue(refused > 100, "refused " + refused);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /** The verdict of the check through a located view of the batch, or how locating or checking failed. */
  private static String viewVerdict(Parsed parsed, WireBounds.Route route) {
    try {
      RecordBatch batch = parsed.batch();
      if (batch == null) {
        WireBounds.checkBatch(parsed.message, null, parsed.body, SCHEMA.getFields(), "record batch",
            WireLimits.DEFAULT, route);
        return "";
      }
      BatchView view = new BatchView(parsed.message, batch, parsed.body);
      WireBounds.checkBatch(parsed.message, batch, view, parsed.body, SCHEMA.getFields(), "record batch",
          WireLimits.DEFAULT, route);
      return "";
    } catch (WireFormatException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** The verdict of the check reading the header a struct at a time (no message), or how it failed. */
  private static String structVerdictOrFailure(Parsed parsed) {
    try {
      WireBounds.checkBatch(null, parsed.batch(), parsed.body, SCHEMA.getFields(), "record batch",
          WireLimits.DEFAULT, WireBounds.Route.GENERAL);
      return "";
    } catch (WireFormatException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** The verdict, or how reading the header failed (a flipped byte may break the flatbuffer itself). */
  private static String verdictOrFailure(Parsed parsed, WireBounds.Route route) {
    try {
      WireBounds.checkBatch(parsed.message, parsed.batch(), parsed.body, SCHEMA.getFields(), "record batch",
          WireLimits.DEFAULT, route);
      return "";
    } catch (WireFormatException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /**
   * A kept header found by its fingerprint over a body whose offsets went wrong gets the general
   * walk's verdict.
   */
  @Test
  void aKeptHeaderFoundByItsFingerprintOverADamagedBodyGetsTheFullChecksVerdict() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream = batchStream(allocator);
      byte[] other = passingVariant(stream, allocator);
      Random random = new Random(20261205);
      int refused = 0;
      for (int round = 0; round < 1000; round++) {
        keepBoth(stream, other, allocator);
        try (Parsed damaged = Parsed.of(stream, allocator)) {
          damaged.damageBody(random);
          String general = verdict(damaged, WireBounds.Route.GENERAL, true);
          assertEquals(general, verdict(damaged, WireBounds.Route.ANY, true), "round " + round);
          if (!general.isEmpty()) {
            refused++;
          }
        }
      }
      assertTrue(refused > 100, "refused " + refused);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /** Checks the good batch, then another: both kept, the good one not the last checked. */
  private static void keepBoth(byte[] stream, byte[] other, BufferAllocator allocator) throws Exception {
    for (byte[] each : new byte[][] {stream, other}) {
      try (Parsed parsed = Parsed.of(each, allocator)) {
        assertEquals("", verdict(parsed, WireBounds.Route.ANY, true));
      }
    }
  }

  /** The stream with one buffer's length changed so that the batch still passes: another header. */
  private static byte[] passingVariant(byte[] stream, BufferAllocator allocator) throws Exception {
    Random random = new Random(7);
    for (int attempt = 0; attempt < 1000; attempt++) {
      try (Parsed parsed = Parsed.of(stream, allocator)) {
        parsed.damageHeader(random);
        byte[] damaged = new byte[parsed.header.limit()];
        parsed.header.get(0, damaged);
        if (!java.util.Arrays.equals(damaged, parsed.original)
            && verdict(parsed, WireBounds.Route.GENERAL, true).isEmpty()) {
          byte[] variant = stream.clone();
          System.arraycopy(damaged, 0, variant, indexOf(stream, parsed.original), damaged.length);
          return variant;
        }
      }
    }
    throw new AssertionError("no passing variant");
  }

  private static int indexOf(byte[] stream, byte[] part) {
    for (int i = 0; i + part.length <= stream.length; i++) {
      if (java.util.Arrays.equals(stream, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("header not found in its stream");
  }

  private static String verdict(Parsed parsed, WireBounds.Route route, boolean withMessage) {
    try {
      WireBounds.checkBatch(withMessage ? parsed.message : null, parsed.batch(), parsed.body, SCHEMA.getFields(),
          "record batch", WireLimits.DEFAULT, route);
      return "";
    } catch (WireFormatException e) {
      return e.getMessage();
    }
  }

  /** A record batch message read from a stream, whose header and body can be damaged in place. */
  private static final class Parsed implements AutoCloseable {
    private final ByteBuffer header;
    private final ArrowBuf body;
    /** The header's bytes as read. */
    private final byte[] original;
    private Message message;

    private Parsed(ByteBuffer header, ArrowBuf body) {
      this.header = header;
      this.body = body;
      this.original = new byte[header.remaining()];
      header.duplicate().get(original);
      this.message = Message.getRootAsMessage(header);
    }

    /**
     * Flips bits of one header byte.
     *
     * @return whether the header is still a message (its root and vtable can be read)
     */
    boolean flip(int position, int bits) {
      header.put(position, (byte) (header.get(position) ^ bits));
      try {
        message = Message.getRootAsMessage(header);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }

    /** Overwrites one field node or buffer value of the header, near its value. */
    void damageHeader(Random random) {
      RecordBatchTable.Positions at = RecordBatchTable.positions(message);
      RecordBatch batch = batch();
      int where = random.nextBoolean()
          ? at.nodes() + 16 * random.nextInt(batch.nodesLength()) + (random.nextBoolean() ? 0 : 8)
          : at.buffers() + 16 * random.nextInt(batch.buffersLength()) + (random.nextBoolean() ? 0 : 8);
      header.putLong(where, near(random, header.getLong(where)));
      message = Message.getRootAsMessage(header);
    }

    /** Overwrites one to three ints of the body, near their values. */
    void damageBody(Random random) {
      for (int c = 1 + random.nextInt(3); c > 0; c--) {
        long where = 4L * random.nextInt((int) (body.capacity() / 4));
        body.setInt(where, (int) near(random, body.getInt(where)));
      }
    }

    static Parsed of(byte[] stream, BufferAllocator allocator) throws Exception {
      ReadChannel in = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(stream)));
      MessageSerializer.readMessage(in); // the schema
      MessageMetadataResult batch = MessageSerializer.readMessage(in);
      ByteBuffer copy = ByteBuffer.allocate(batch.getMessageBuffer().remaining()).order(ByteOrder.LITTLE_ENDIAN);
      copy.put(batch.getMessageBuffer().duplicate()).flip();
      ArrowBuf body = MessageSerializer.readMessageBody(in, batch.getMessageBodyLength(), allocator);
      return new Parsed(copy, body);
    }

    /** Whether the message says it is a record batch (the only message a batch's check is given). */
    boolean recordBatch() {
      try {
        return message.headerType() == org.apache.arrow.flatbuf.MessageHeader.RecordBatch;
      } catch (RuntimeException e) {
        return false;
      }
    }

    RecordBatch batch() {
      return (RecordBatch) message.header(new RecordBatch());
    }

    /** Overwrites one to three values: a field node's length or null count, a buffer's offset or length, an offset. */
    void damage(Random random) {
      RecordBatchTable.Positions at = RecordBatchTable.positions(message);
      RecordBatch batch = batch();
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        switch (random.nextInt(3)) {
          case 0 -> {
            int node = random.nextInt(batch.nodesLength());
            int where = at.nodes() + 16 * node + (random.nextBoolean() ? 0 : 8);
            header.putLong(where, near(random, header.getLong(where)));
          }
          case 1 -> {
            int buffer = random.nextInt(batch.buffersLength());
            int where = at.buffers() + 16 * buffer + (random.nextBoolean() ? 0 : 8);
            header.putLong(where, near(random, header.getLong(where)));
          }
          default -> {
            // an int in the body where offsets lie (the body is small: any aligned int will do)
            long where = 4L * random.nextInt((int) (body.capacity() / 4));
            body.setInt(where, (int) near(random, body.getInt(where)));
          }
        }
      }
      message = Message.getRootAsMessage(header);
    }

    private static long near(Random random, long value) {
      return switch (random.nextInt(6)) {
        case 0 -> value + 1;
        case 1 -> value - 1;
        case 2 -> value + 8;
        case 3 -> 0;
        case 4 -> -value;
        default -> value * 2 + random.nextInt(3);
      };
    }

    @Override
    public void close() {
      body.close();
    }
  }

  /** Three rows of every planned kind (with nulls, empty lists and maps), as an IPC stream. */
  private static byte[] batchStream(BufferAllocator allocator) throws Exception {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      BigIntVector id = (BigIntVector) root.getVector("id");
      BitVector flag = (BitVector) root.getVector("flag");
      VarCharVector name = (VarCharVector) root.getVector("name");
      ListVector items = (ListVector) root.getVector("items");
      MapVector tags = (MapVector) root.getVector("tags");
      StructVector point = (StructVector) root.getVector("point");
      id.setSafe(0, 1);
      id.setNull(1);
      id.setSafe(2, 3);
      flag.setSafe(0, 1);
      flag.setSafe(1, 0);
      flag.setNull(2);
      name.setSafe(0, "alpha".getBytes());
      name.setNull(1);
      name.setSafe(2, "".getBytes());
      UnionListWriter list = items.getWriter();
      list.setPosition(0);
      list.startList();
      list.bigInt().writeBigInt(5);
      list.bigInt().writeBigInt(6);
      list.endList();
      list.setPosition(2);
      list.startList();
      list.endList();
      UnionMapWriter map = tags.getWriter();
      map.setPosition(0);
      map.startMap();
      map.startEntry();
      map.key().varChar().writeVarChar("k");
      map.value().varChar().writeVarChar("v");
      map.endEntry();
      map.endMap();
      map.setPosition(1);
      map.startMap();
      map.endMap();
      BigIntVector x = point.getChild("x", BigIntVector.class);
      VarCharVector label = point.getChild("label", VarCharVector.class);
      point.setIndexDefined(0);
      x.setSafe(0, 10);
      label.setSafe(0, "p".getBytes());
      point.setNull(1);
      point.setIndexDefined(2);
      x.setNull(2);
      label.setSafe(2, "q".getBytes());
      root.setRowCount(3);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
        writer.start();
        writer.writeBatch();
      }
      return out.toByteArray();
    }
  }
}
