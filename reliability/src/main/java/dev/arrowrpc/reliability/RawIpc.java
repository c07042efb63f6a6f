package dev.arrowrpc.reliability;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.DictionaryEncoding;
import org.apache.arrow.flatbuf.DictionaryKind;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.flatbuf.Type;

/**
 * IPC messages written at the flatbuffer level, so that any length, count or offset can be
 * written, true or not: a schema from {@link Col}s, a record batch or dictionary batch from
 * {@link Batch}es, framed as the stream format frames them (continuation marker, metadata
 * length, flatbuffer padded to 8, body). The honest use gives streams rpc-core decodes (see
 * RawIpcTest); the hostile cases change one number.
 */
final class RawIpc {
  private RawIpc() {}

  /** An Arrow type: its union tag and a writer of its table (which may be any table for a bad tag). */
  record Kind(byte tag, ToIntFunction<FlatBufferBuilder> table, String label) {
    static Kind int64() {
      return integer(64, true);
    }

    static Kind integer(int bits, boolean signed) {
      return new Kind(Type.Int, b -> org.apache.arrow.flatbuf.Int.createInt(b, bits, signed), "int" + bits);
    }

    static Kind utf8() {
      return new Kind(Type.Utf8, b -> {
        org.apache.arrow.flatbuf.Utf8.startUtf8(b);
        return org.apache.arrow.flatbuf.Utf8.endUtf8(b);
      }, "utf8");
    }

    static Kind binary() {
      return new Kind(Type.Binary, b -> {
        org.apache.arrow.flatbuf.Binary.startBinary(b);
        return org.apache.arrow.flatbuf.Binary.endBinary(b);
      }, "binary");
    }

    static Kind float64() {
      return new Kind(Type.FloatingPoint,
          b -> org.apache.arrow.flatbuf.FloatingPoint.createFloatingPoint(b, org.apache.arrow.flatbuf.Precision.DOUBLE),
          "float64");
    }

    static Kind list() {
      return new Kind(Type.List, b -> {
        org.apache.arrow.flatbuf.List.startList(b);
        return org.apache.arrow.flatbuf.List.endList(b);
      }, "list");
    }

    static Kind struct() {
      return new Kind(Type.Struct_, b -> {
        org.apache.arrow.flatbuf.Struct_.startStruct_(b);
        return org.apache.arrow.flatbuf.Struct_.endStruct_(b);
      }, "struct");
    }

    static Kind fixedSizeBinary(int width) {
      return new Kind(Type.FixedSizeBinary,
          b -> org.apache.arrow.flatbuf.FixedSizeBinary.createFixedSizeBinary(b, width), "fixed_size_binary(" + width + ")");
    }

    static Kind decimal(int precision, int scale, int bitWidth) {
      return new Kind(Type.Decimal, b -> org.apache.arrow.flatbuf.Decimal.createDecimal(b, precision, scale, bitWidth),
          "decimal(" + precision + "," + scale + "," + bitWidth + ")");
    }

    static Kind timestamp(short unit) {
      return new Kind(Type.Timestamp, b -> org.apache.arrow.flatbuf.Timestamp.createTimestamp(b, unit, 0),
          "timestamp(unit " + unit + ")");
    }

    /** A union tag with an empty table: for tags no reader knows. */
    static Kind tag(byte tag) {
      return new Kind(tag, b -> {
        org.apache.arrow.flatbuf.Null.startNull(b);
        return org.apache.arrow.flatbuf.Null.endNull(b);
      }, "tag " + (tag & 0xFF));
    }
  }

  /** A dictionary encoding of a field: the dictionary's id and the index type's width. */
  record Dict(long id, int indexBits) {}

  /** A field of a schema. */
  record Col(String name, boolean nullable, Kind kind, List<Col> children, Optional<Dict> dictionary) {
    static Col of(String name, Kind kind, Col... children) {
      return new Col(name, false, kind, List.of(children), Optional.empty());
    }

    static Col nullable(String name, Kind kind, Col... children) {
      return new Col(name, true, kind, List.of(children), Optional.empty());
    }

    Col encoded(long id, int indexBits) {
      return new Col(name, nullable, kind, children, Optional.of(new Dict(id, indexBits)));
    }
  }

  /** A field node: the declared length and null count of one array. */
  record Node(long length, long nullCount) {}

  /** A buffer: its declared offset and length within the body. */
  record Buf(long offset, long length) {}

  /**
   * A record batch (or the data of a dictionary batch) as written.
   *
   * @param length the declared row count
   * @param nodes one per array, depth first
   * @param buffers the buffers, as the types lay them out
   * @param body the bytes sent after the metadata
   * @param bodyLength the body length the message declares (honest: {@code body.length})
   */
  record Batch(long length, List<Node> nodes, List<Buf> buffers, byte[] body, long bodyLength) {
    Batch(long length, List<Node> nodes, List<Buf> buffers, byte[] body) {
      this(length, nodes, buffers, body, body.length);
    }

    Batch withLength(long newLength) {
      return new Batch(newLength, nodes, buffers, body, bodyLength);
    }

    Batch withNodes(List<Node> newNodes) {
      return new Batch(length, newNodes, buffers, body, bodyLength);
    }

    Batch withBuffers(List<Buf> newBuffers) {
      return new Batch(length, nodes, newBuffers, body, bodyLength);
    }

    Batch withBody(byte[] newBody) {
      return new Batch(length, nodes, buffers, newBody, newBody.length);
    }

    Batch withBodyLength(long declared) {
      return new Batch(length, nodes, buffers, body, declared);
    }
  }

  // ------------------------------------------------------------------ messages

  /** A schema message. */
  static byte[] schema(List<Col> fields) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int[] offsets = new int[fields.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = field(b, fields.get(i));
    }
    int vector = Schema.createFieldsVector(b, offsets);
    int schema = Schema.createSchema(b, Endianness.Little, vector, 0, 0);
    return frame(b, MessageHeader.Schema, schema, 0, Map.of(), new byte[0]);
  }

  /** A record batch message with this custom metadata (the request's keys ride here). */
  static byte[] recordBatch(Batch batch, Map<String, String> metadata) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int header = batchTable(b, batch);
    return frame(b, MessageHeader.RecordBatch, header, batch.bodyLength(), metadata, batch.body());
  }

  /** A dictionary batch message: {@code data} is the dictionary's values as a one-column batch. */
  static byte[] dictionaryBatch(long id, Batch data, boolean delta) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int table = batchTable(b, data);
    int header = DictionaryBatch.createDictionaryBatch(b, id, table, delta);
    return frame(b, MessageHeader.DictionaryBatch, header, data.bodyLength(), Map.of(), data.body());
  }

  /** The end-of-stream marker. */
  static byte[] eos() {
    return new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};
  }

  /** Messages one after the other. */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** One whole stream: schema, the messages, the end marker. */
  static byte[] stream(List<Col> fields, byte[]... messages) {
    byte[][] parts = new byte[messages.length + 2][];
    parts[0] = schema(fields);
    System.arraycopy(messages, 0, parts, 1, messages.length);
    parts[parts.length - 1] = eos();
    return concat(parts);
  }

  // ------------------------------------------------------------------ bodies

  /** Little-endian longs, as a body or buffer. */
  static byte[] longs(long... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      buffer.putLong(v);
    }
    return buffer.array();
  }

  /** Little-endian ints. */
  static byte[] ints(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      buffer.putInt(v);
    }
    return buffer.array();
  }

  /** The bytes padded with zeros to a multiple of 8. */
  static byte[] pad8(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, (bytes.length + 7) & ~7);
  }

  /** One non-null int64 row: the batch of {@code value: int64}. */
  static Batch int64Row(long value) {
    return new Batch(1, List.of(new Node(1, 0)), List.of(new Buf(0, 0), new Buf(0, 8)), longs(value));
  }

  /**
   * Variable-width rows (utf8 or binary): int32 offsets then the data, each padded to 8.
   *
   * @param offsets the offsets as written (honest: 0, then each value's end)
   * @param data the concatenated values
   * @param rows the declared row count
   */
  static Batch varWidth(int[] offsets, byte[] data, long rows) {
    byte[] offsetBytes = pad8(ints(offsets));
    byte[] body = concat(offsetBytes, pad8(data));
    return new Batch(rows, List.of(new Node(rows, 0)),
        List.of(new Buf(0, 0), new Buf(0, offsets.length * 4L), new Buf(offsetBytes.length, data.length)), body);
  }

  /** One non-null variable-width row holding these bytes. */
  static Batch varWidthRow(byte[] value) {
    return varWidth(new int[] {0, value.length}, value, 1);
  }

  // ------------------------------------------------------------------ flatbuffers

  /** A field and its children, depth first without recursion (a schema may nest thousands deep). */
  private static int field(FlatBufferBuilder b, Col root) {
    record Frame(Col col, int[] children, int[] next) {
      Frame(Col col) {
        this(col, new int[col.children().size()], new int[1]);
      }
    }
    java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();
    stack.push(new Frame(root));
    while (true) {
      Frame top = stack.peek();
      if (top.next()[0] < top.children().length) {
        stack.push(new Frame(top.col().children().get(top.next()[0])));
        continue;
      }
      stack.pop();
      int offset = finishField(b, top.col(), top.children());
      if (stack.isEmpty()) {
        return offset;
      }
      Frame parent = stack.peek();
      parent.children()[parent.next()[0]++] = offset;
    }
  }

  private static int finishField(FlatBufferBuilder b, Col col, int[] children) {
    int name = b.createString(col.name());
    int type = col.kind().table().applyAsInt(b);
    int childVector = Field.createChildrenVector(b, children);
    int dictionary = 0;
    if (col.dictionary().isPresent()) {
      Dict dict = col.dictionary().get();
      int index = org.apache.arrow.flatbuf.Int.createInt(b, dict.indexBits(), true);
      dictionary = DictionaryEncoding.createDictionaryEncoding(b, dict.id(), index, false, DictionaryKind.DenseArray);
    }
    return Field.createField(b, name, col.nullable(), col.kind().tag(), type, dictionary, childVector, 0);
  }

  private static int batchTable(FlatBufferBuilder b, Batch batch) {
    RecordBatch.startNodesVector(b, batch.nodes().size());
    for (int i = batch.nodes().size() - 1; i >= 0; i--) {
      FieldNode.createFieldNode(b, batch.nodes().get(i).length(), batch.nodes().get(i).nullCount());
    }
    int nodes = b.endVector();
    RecordBatch.startBuffersVector(b, batch.buffers().size());
    for (int i = batch.buffers().size() - 1; i >= 0; i--) {
      Buffer.createBuffer(b, batch.buffers().get(i).offset(), batch.buffers().get(i).length());
    }
    int buffers = b.endVector();
    RecordBatch.startRecordBatch(b);
    RecordBatch.addLength(b, batch.length());
    RecordBatch.addNodes(b, nodes);
    RecordBatch.addBuffers(b, buffers);
    return RecordBatch.endRecordBatch(b);
  }

  private static byte[] frame(FlatBufferBuilder b, byte headerType, int header, long bodyLength,
      Map<String, String> metadata, byte[] body) {
    int custom = 0;
    if (!metadata.isEmpty()) {
      List<Integer> pairs = new ArrayList<>();
      for (Map.Entry<String, String> entry : metadata.entrySet()) {
        int key = b.createString(entry.getKey());
        int value = b.createString(entry.getValue());
        pairs.add(KeyValue.createKeyValue(b, key, value));
      }
      custom = Message.createCustomMetadataVector(b, pairs.stream().mapToInt(Integer::intValue).toArray());
    }
    int message = Message.createMessage(b, MetadataVersion.V5, headerType, header, bodyLength, custom);
    b.finish(message);
    byte[] flat = b.sizedByteArray();
    int padded = (flat.length + 7) & ~7;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + body.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0xFFFFFFFF).putInt(padded).put(flat);
    out.position(8 + padded);
    out.put(body);
    return out.array();
  }
}
