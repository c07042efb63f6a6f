package dev.arrowrpc.reliability;

import static dev.arrowrpc.reliability.Malformed.bytes;
import static dev.arrowrpc.reliability.Malformed.source;
import static dev.arrowrpc.reliability.Malformed.text;

import dev.arrowrpc.reliability.RawIpc.Batch;
import dev.arrowrpc.reliability.RawIpc.Buf;
import dev.arrowrpc.reliability.RawIpc.Col;
import dev.arrowrpc.reliability.RawIpc.Kind;
import dev.arrowrpc.reliability.RawIpc.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The structured categories: IPC messages whose framing is whole (the declared metadata and body
 * lengths match the bytes sent) while a number inside lies: absurd lengths and counts, bad
 * offsets, nesting and column bombs, impossible types, dictionary faults and lying IPC streams
 * inside binary cells. {@code absurd-body-lengths} alone lies in the frame itself (framing broken).
 * Each case is an honest request (see {@link #honest()}) with one thing changed.
 */
final class Structured {
  private Structured() {}

  /** Every category of this class. */
  static List<CaseSource> sources() {
    return List.of(ABSURD_LENGTHS, ABSURD_BODY_LENGTHS, OFFSETS, NESTING_BOMBS, COLUMN_BOMBS, TYPE_FAULTS,
        DICTIONARY_FAULTS, NESTED_IPC);
  }

  // ------------------------------------------------------------------ honest requests

  static final Col VALUE_INT = Col.of("value", Kind.int64());
  static final Col VALUE_UTF8 = Col.of("value", Kind.utf8());
  static final Col DATA_BINARY = Col.of("data", Kind.binary());

  /** A request stream: the schema, one batch carrying the request metadata, the end marker. */
  static byte[] request(String method, List<Col> fields, Batch batch) {
    return RawIpc.stream(fields, RawIpc.recordBatch(batch, Requests.metadata(Requests.CONFORMANCE, method)));
  }

  static byte[] echoInt(long value) {
    return request("echo_int", List.of(VALUE_INT), RawIpc.int64Row(value));
  }

  static byte[] echoString(String value) {
    return request("echo_string", List.of(VALUE_UTF8), RawIpc.varWidthRow(value.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] echoBytes(byte[] value) {
    return request("echo_bytes", List.of(DATA_BINARY), RawIpc.varWidthRow(value));
  }

  /** {@code list<list<...<int64>>>} nested {@code depth} lists deep: the schema field. */
  static Col nestedList(String name, int depth) {
    Col col = Col.nullable("item", Kind.int64());
    for (int i = 0; i < depth; i++) {
      col = i == depth - 1 ? Col.of(name, Kind.list(), col) : Col.nullable("item", Kind.list(), col);
    }
    return col;
  }

  /** One row of the nested list: [[...[7]...]], every list holding one element (the buffers are shared). */
  static Batch nestedListRow(int depth) {
    byte[] body = RawIpc.concat(RawIpc.pad8(RawIpc.ints(0, 1)), RawIpc.longs(7));
    List<Node> nodes = new ArrayList<>();
    List<Buf> buffers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      nodes.add(new Node(1, 0));
      buffers.add(new Buf(0, 0));
      buffers.add(new Buf(0, 8));
    }
    nodes.add(new Node(1, 0));
    buffers.add(new Buf(0, 0));
    buffers.add(new Buf(8, 8));
    return new Batch(1, nodes, buffers, body);
  }

  /** {@code echo_nested_list} with a list nested {@code depth} deep (2 is the honest shape). */
  static byte[] echoNestedList(int depth) {
    return request("echo_nested_list", List.of(nestedList("matrix", depth)), nestedListRow(depth));
  }

  /** {@code struct<struct<...<int64>>>} nested {@code depth} deep, one row, as the parameter {@code name}. */
  static byte[] nestedStruct(String method, String name, int depth) {
    Col col = Col.of("leaf", Kind.int64());
    List<Node> nodes = new ArrayList<>();
    List<Buf> buffers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      col = Col.of(i == depth - 1 ? name : "s" + i, Kind.struct(), col);
      nodes.add(new Node(1, 0));
      buffers.add(new Buf(0, 0));
    }
    nodes.add(new Node(1, 0));
    buffers.add(new Buf(0, 0));
    buffers.add(new Buf(0, 8));
    return request(method, List.of(col), new Batch(1, nodes, buffers, RawIpc.longs(7)));
  }

  /** {@code echo_dict_encoded_string}: the dictionary ["a", "bc"], the row's index {@code index}. */
  static byte[] echoDictString(int index) {
    return dictRequest(Col.of("value", Kind.utf8()).encoded(0, 16), 0, dictionary("a", "bc"), index, 16);
  }

  static Batch dictionary(String... values) {
    int[] offsets = new int[values.length + 1];
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      all.append(values[i]);
      offsets[i + 1] = all.length();
    }
    return RawIpc.varWidth(offsets, all.toString().getBytes(StandardCharsets.UTF_8), values.length);
  }

  static Batch indexRow(int index, int bits) {
    int bytes = Math.max(1, bits / 8);
    byte[] body = new byte[8];
    for (int i = 0; i < Math.min(bytes, 4); i++) {
      body[i] = (byte) (index >>> (8 * i));
    }
    return new Batch(1, List.of(new Node(1, 0)), List.of(new Buf(0, 0), new Buf(0, bytes)), body);
  }

  static byte[] dictRequest(Col field, long dictionaryId, Batch dictionary, int index, int indexBits) {
    return RawIpc.stream(List.of(field), RawIpc.dictionaryBatch(dictionaryId, dictionary, false),
        RawIpc.recordBatch(indexRow(index, indexBits), Requests.metadata(Requests.CONFORMANCE, "echo_dict_encoded_string")));
  }

  /** A dataclass value as the binary cell carries it: a one-row IPC stream of its fields. */
  static byte[] point(double x, double y) {
    Batch row = new Batch(1, List.of(new Node(1, 0), new Node(1, 0)),
        List.of(new Buf(0, 0), new Buf(0, 8), new Buf(0, 0), new Buf(8, 8)),
        RawIpc.longs(Double.doubleToLongBits(x), Double.doubleToLongBits(y)));
    return RawIpc.stream(List.of(Col.of("x", Kind.float64()), Col.of("y", Kind.float64())),
        RawIpc.recordBatch(row, java.util.Map.of()));
  }

  static byte[] echoPoint(byte[] cell) {
    return request("echo_point", List.of(Col.of("point", Kind.binary())), RawIpc.varWidthRow(cell));
  }

  /** An IPC stream of {@code n: int64} with one row: the batch an EmbeddedArrow carries. */
  static byte[] innerBatch(long value) {
    return RawIpc.stream(List.of(Col.of("n", Kind.int64())), RawIpc.recordBatch(RawIpc.int64Row(value), java.util.Map.of()));
  }

  /** The EmbeddedArrow dataclass: a one-row stream of {batch: binary, schema: binary}. */
  static byte[] embedded(byte[] batchCell, byte[] schemaCell) {
    byte[] offsets = RawIpc.pad8(RawIpc.ints(0, batchCell.length));
    byte[] first = RawIpc.pad8(batchCell);
    byte[] offsets2 = RawIpc.pad8(RawIpc.ints(0, schemaCell.length));
    byte[] body = RawIpc.concat(offsets, first, offsets2, RawIpc.pad8(schemaCell));
    long o1 = offsets.length;
    long o2 = o1 + first.length;
    long o3 = o2 + offsets2.length;
    Batch row = new Batch(1, List.of(new Node(1, 0), new Node(1, 0)),
        List.of(new Buf(0, 0), new Buf(0, 8), new Buf(o1, batchCell.length),
            new Buf(0, 0), new Buf(o2, 8), new Buf(o3, schemaCell.length)), body);
    return RawIpc.stream(List.of(Col.of("batch", Kind.binary()), Col.of("schema", Kind.binary())),
        RawIpc.recordBatch(row, java.util.Map.of()));
  }

  static byte[] echoEmbedded(byte[] cell) {
    return request("echo_embedded_arrow", List.of(Col.of("data", Kind.binary())), RawIpc.varWidthRow(cell));
  }

  static byte[] honestEmbedded(long value) {
    return echoEmbedded(embedded(innerBatch(value), RawIpc.schema(List.of(Col.of("n", Kind.int64())))));
  }

  /** The honest variant of every shape the categories change, with the method it goes to. */
  record Honest(String label, String method, byte[] bytes) {}

  static List<Honest> honest() {
    return List.of(
        new Honest("echo_int", "echo_int", echoInt(42)),
        new Honest("echo_string", "echo_string", echoString("héllo")),
        new Honest("echo_bytes", "echo_bytes", echoBytes(new byte[] {1, 2, 3})),
        new Honest("echo_nested_list depth 2", "echo_nested_list", echoNestedList(2)),
        new Honest("echo_dict_encoded_string", "echo_dict_encoded_string", echoDictString(1)),
        new Honest("echo_point", "echo_point", echoPoint(point(1.5, -2))),
        new Honest("echo_embedded_arrow", "echo_embedded_arrow", honestEmbedded(5)));
  }

  // ------------------------------------------------------------------ absurd lengths

  /** Powers of two from 2^27 to 2^62, and a few worse. */
  static long absurd(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> -1;
      case 1 -> Long.MIN_VALUE;
      case 2 -> Long.MAX_VALUE;
      case 3 -> (1L << 31) + random.nextInt(16);
      default -> 1L << (27 + random.nextInt(36));
    };
  }

  /** Offsets or lengths past the body: 2^31, 2^40, negative, just past the end. */
  static long outside(Random random, long bodyLength) {
    return switch (random.nextInt(7)) {
      case 0 -> 1L << 31;
      case 1 -> 1L << 40;
      case 2 -> -8;
      case 3 -> Long.MIN_VALUE;
      case 4 -> bodyLength + 8 * (1 + random.nextInt(4));
      case 5 -> (1L << 32) - 8;
      default -> 1L << (31 + random.nextInt(32));
    };
  }

  private record Shape(String method, List<Col> fields, Batch batch) {
    static Shape any(Random random) {
      return switch (random.nextInt(3)) {
        case 0 -> new Shape("echo_int", List.of(VALUE_INT), RawIpc.int64Row(random.nextLong()));
        case 1 -> new Shape("echo_string", List.of(VALUE_UTF8),
            RawIpc.varWidthRow(text(random, 1 + random.nextInt(30)).getBytes(StandardCharsets.UTF_8)));
        default -> new Shape("echo_bytes", List.of(DATA_BINARY), RawIpc.varWidthRow(bytes(random, 1 + random.nextInt(60))));
      };
    }

    byte[] with(Batch changed) {
      return request(method, fields, changed);
    }
  }

  static final CaseSource ABSURD_LENGTHS = source("absurd-lengths", false, random -> {
    Shape shape = Shape.any(random);
    Batch batch = shape.batch();
    String label;
    // a lie that would read outside the body must be refused; a lie about counts may be caught or harmless
    Case.Expect expect = Case.Expect.ERROR;
    switch (random.nextInt(7)) {
      case 6 -> {
        // a cell that reaches past the body into the rest of a buffer rounded up to a power of two
        byte[] value = bytes(random, 1 + random.nextInt(60));
        int body = 8 + RawIpc.pad8(value).length;
        int capacity = Integer.highestOneBit(body) == body ? body * 2 : Integer.highestOneBit(body) * 2;
        int reach = capacity - 8;
        batch = RawIpc.varWidth(new int[] {0, reach}, value, 1);
        batch = batch.withBuffers(List.of(batch.buffers().get(0), batch.buffers().get(1), new Buf(8, reach)));
        shape = new Shape("echo_bytes", List.of(DATA_BINARY), batch);
        label = "data buffer and offset reach " + reach + " bytes into a body of " + body + " (allocated as " + capacity + ")";
      }
      case 0 -> {
        long rows = absurd(random);
        batch = batch.withLength(rows);
        label = "batch length " + rows;
        expect = Case.Expect.ERROR_OR_ACCEPTED;
      }
      case 1 -> {
        long length = random.nextBoolean() ? absurd(random) : 2 + random.nextInt(1000);
        batch = batch.withLength(random.nextBoolean() ? length : 1).withNodes(List.of(new Node(length, 0)));
        label = "node length " + length + " (batch length " + batch.length() + ")";
        expect = Case.Expect.ERROR_OR_ACCEPTED;
      }
      case 2 -> {
        long nulls = switch (random.nextInt(4)) {
          case 0 -> -1;
          case 1 -> 2 + random.nextInt(100);
          case 2 -> absurd(random);
          default -> 1;
        };
        batch = batch.withNodes(List.of(new Node(1, nulls)));
        label = "null count " + nulls + " of 1 row (no validity buffer)";
        expect = Case.Expect.ERROR_OR_ACCEPTED;
      }
      case 3, 4 -> {
        List<Buf> buffers = new ArrayList<>(batch.buffers());
        int which = random.nextInt(buffers.size());
        Buf old = buffers.get(which);
        boolean offset = random.nextBoolean();
        long lie = outside(random, batch.body().length);
        buffers.set(which, offset ? new Buf(lie, old.length()) : new Buf(old.offset(), lie));
        batch = batch.withBuffers(buffers);
        label = "buffer " + which + (offset ? " offset " : " length ") + lie + " (body " + batch.body().length + ")";
        if (which == 0) {
          // the validity buffer of a column without nulls is never read
          expect = Case.Expect.ERROR_OR_ACCEPTED;
        }
      }
      default -> {
        // the frame is honest about a body shorter than the buffers need: no bytes are missing on the wire
        int keep = random.nextInt(batch.body().length / 8) * 8;
        batch = batch.withBody(Arrays.copyOf(batch.body(), keep));
        label = "body of " + keep + " bytes, buffers need " + shape.batch().body().length;
      }
    }
    return new Case("absurd-lengths", shape.method() + ": " + label, shape.method(), shape.with(batch),
        Case.Framing.INTACT, expect);
  });

  static final CaseSource ABSURD_BODY_LENGTHS = source("absurd-body-lengths", true, random -> {
    Shape shape = Shape.any(random);
    long declared = random.nextBoolean() ? absurd(random) : shape.batch().body().length + 8L * (1 + random.nextInt(1000));
    byte[] bytes = shape.with(shape.batch().withBodyLength(declared));
    return new Case("absurd-body-lengths", shape.method() + ": body length " + declared + " (sent "
        + shape.batch().body().length + ")", shape.method(), bytes, Case.Framing.BROKEN, Case.Expect.ERROR_OR_ACCEPTED);
  });

  // ------------------------------------------------------------------ offsets

  static final CaseSource OFFSETS = source("offsets", false, random -> {
    boolean string = random.nextBoolean();
    String method = string ? "echo_string" : "echo_bytes";
    List<Col> fields = List.of(string ? VALUE_UTF8 : DATA_BINARY);
    byte[] data = text(random, 4 + random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
    int n = data.length;
    int[] offsets;
    long rows = 1;
    String label;
    // a cell read outside its data must be refused; only the slice (case 4) is a valid request
    Case.Expect expect = Case.Expect.ERROR;
    switch (random.nextInt(7)) {
      case 0 -> {
        int end = switch (random.nextInt(4)) {
          case 0 -> Integer.MAX_VALUE;
          case 1 -> 1 << 30;
          case 2 -> n + 1 + random.nextInt(64);
          default -> 1 << (12 + random.nextInt(19));
        };
        offsets = new int[] {0, end};
        label = "end offset " + end + " past " + n + " data bytes";
      }
      case 1 -> {
        int start = n + 1 + random.nextInt(1 << 20);
        offsets = new int[] {start, start + 1};
        label = "offsets " + start + ".." + (start + 1) + " past " + n + " data bytes";
      }
      case 2 -> {
        rows = 2 + random.nextInt(3);
        offsets = new int[(int) rows + 1];
        for (int i = 1; i < offsets.length; i++) {
          offsets[i] = n - i;
        }
        offsets[1] = n;
        label = "decreasing offsets over " + rows + " rows";
      }
      case 3 -> {
        offsets = new int[] {n, 1};
        label = "offsets " + n + " then 1";
      }
      case 4 -> {
        int first = 1 + random.nextInt(n - 1);
        offsets = new int[] {first, n};
        label = "first offset " + first + " (a valid slice)";
        expect = Case.Expect.ERROR_OR_ACCEPTED;
      }
      case 5 -> {
        offsets = new int[] {random.nextBoolean() ? -1 : Integer.MIN_VALUE, n};
        label = "negative first offset " + offsets[0];
      }
      default -> {
        rows = 1 + random.nextInt(5);
        offsets = random.nextBoolean() ? new int[] {0} : new int[0];
        label = offsets.length + " offset entries for " + rows + " rows";
      }
    }
    Batch batch = RawIpc.varWidth(offsets, data, rows);
    return new Case("offsets", method + ": " + label, method, request(method, fields, batch), Case.Framing.INTACT,
        expect);
  });

  // ------------------------------------------------------------------ nesting and column bombs

  static final CaseSource NESTING_BOMBS = source("nesting-bombs", false, random -> {
    int pick = random.nextInt(10);
    if (pick == 0 && random.nextInt(4) == 0) {
      int fields = 65_537 + random.nextInt(4_000);
      List<Col> cols = new ArrayList<>(fields);
      List<Node> nodes = new ArrayList<>(fields);
      List<Buf> buffers = new ArrayList<>(fields * 2);
      for (int i = 0; i < fields; i++) {
        cols.add(Col.of("f" + i, Kind.int64()));
        nodes.add(new Node(1, 0));
        buffers.add(new Buf(0, 0));
        buffers.add(new Buf(0, 8));
      }
      byte[] bytes = request("echo_int", cols, new Batch(1, nodes, buffers, RawIpc.longs(1)));
      return new Case("nesting-bombs", "echo_int with " + fields + " fields", "echo_int", bytes, Case.Framing.INTACT,
          Case.Expect.ERROR);
    }
    int depth = 65 + (random.nextInt(3) == 0 ? random.nextInt(4936) : random.nextInt(200));
    if (pick < 6) {
      return new Case("nesting-bombs", "echo_nested_list: list nested " + depth + " deep", "echo_nested_list",
          echoNestedList(depth), Case.Framing.INTACT, Case.Expect.ERROR);
    }
    if (pick < 8) {
      // echo_list's parameter is list<utf8>: nest lists of lists under the same name
      return new Case("nesting-bombs", "echo_list: list nested " + depth + " deep", "echo_list",
          request("echo_list", List.of(nestedList("values", depth)), nestedListRow(depth)), Case.Framing.INTACT,
          Case.Expect.ERROR);
    }
    return new Case("nesting-bombs", "echo_int: struct nested " + depth + " deep", "echo_int",
        nestedStruct("echo_int", "value", depth), Case.Framing.INTACT, Case.Expect.ERROR);
  });

  static final CaseSource COLUMN_BOMBS = source("column-bombs", false, random -> {
    // a few huge schemas (each costs the server a few hundred milliseconds), mostly thousands of columns
    int columns = random.nextInt(30) == 0 ? 20_000 + random.nextInt(45_000) : 100 + random.nextInt(3_000);
    boolean utf8 = random.nextBoolean();
    List<Col> cols = new ArrayList<>(columns);
    List<Node> nodes = new ArrayList<>(columns);
    List<Buf> buffers = new ArrayList<>();
    cols.add(VALUE_INT);
    for (int i = 0; i < columns; i++) {
      if (i > 0) {
        cols.add(Col.nullable("c" + i, utf8 ? Kind.utf8() : Kind.int64()));
      }
      nodes.add(new Node(0, 0));
      buffers.add(new Buf(0, 0));
      buffers.add(new Buf(0, 0));
      if (utf8 && i > 0) {
        buffers.add(new Buf(0, 0));
      }
    }
    byte[] bytes = request("echo_int", cols, new Batch(0, nodes, buffers, new byte[0]));
    return new Case("column-bombs", "echo_int with " + columns + (utf8 ? " utf8" : " int64") + " columns of 0 rows",
        "echo_int", bytes, Case.Framing.INTACT, Case.Expect.ERROR);
  });

  // ------------------------------------------------------------------ type faults

  static final CaseSource TYPE_FAULTS = source("type-faults", false, random -> {
    Kind kind = switch (random.nextInt(7)) {
      case 0 -> Kind.fixedSizeBinary(new int[] {0, -1, -8, Integer.MIN_VALUE, Integer.MAX_VALUE}[random.nextInt(5)]);
      case 1 -> Kind.integer(new int[] {0, 7, 128, -64, 65, 256}[random.nextInt(6)], random.nextBoolean());
      case 2 -> Kind.decimal(new int[] {0, 200, -1, 39, 77}[random.nextInt(5)], random.nextInt(400) - 200,
          new int[] {128, 256, 7, 0, 64}[random.nextInt(5)]);
      case 3 -> Kind.tag((byte) (27 + random.nextInt(229)));
      case 4 -> Kind.timestamp((short) (random.nextBoolean() ? 4 + random.nextInt(1000) : -1 - random.nextInt(1000)));
      case 5 -> Kind.tag(random.nextBoolean() ? org.apache.arrow.flatbuf.Type.NONE : org.apache.arrow.flatbuf.Type.Union);
      default -> new Kind(org.apache.arrow.flatbuf.Type.Time,
          b -> org.apache.arrow.flatbuf.Time.createTime(b, (short) (random.nextInt(9) - 4), random.nextInt(200) - 50),
          "time with odd unit/width");
    };
    boolean nested = random.nextInt(4) == 0;
    Col col = nested ? Col.of("value", Kind.list(), Col.nullable("item", kind)) : Col.of("value", kind);
    Batch batch = nested
        ? new Batch(1, List.of(new Node(1, 0), new Node(1, 0)),
            List.of(new Buf(0, 0), new Buf(0, 8), new Buf(0, 0), new Buf(8, 8)),
            RawIpc.concat(RawIpc.pad8(RawIpc.ints(0, 1)), RawIpc.longs(3)))
        : RawIpc.int64Row(3);
    String label = "echo_int: value " + (nested ? "list<" + kind.label() + ">" : kind.label());
    return new Case("type-faults", label, "echo_int", request("echo_int", List.of(col), batch), Case.Framing.INTACT,
        Case.Expect.ERROR);
  });

  static final CaseSource DICTIONARY_FAULTS = source("dictionary-faults", false, random -> {
    Col field = Col.of("value", Kind.utf8()).encoded(0, 16);
    Batch dictionary = dictionary("a", "bc");
    String method = "echo_dict_encoded_string";
    var metadata = Requests.metadata(Requests.CONFORMANCE, method);
    byte[] bytes;
    String label;
    Case.Expect expect = Case.Expect.ERROR;
    switch (random.nextInt(8)) {
      case 0 -> {
        bytes = RawIpc.stream(List.of(field), RawIpc.recordBatch(indexRow(0, 16), metadata));
        label = "no dictionary batch";
      }
      case 1 -> {
        long id = 1 + random.nextInt(1_000_000);
        bytes = RawIpc.stream(List.of(field), RawIpc.dictionaryBatch(id, dictionary, false),
            RawIpc.recordBatch(indexRow(0, 16), metadata));
        label = "dictionary batch for unknown id " + id;
      }
      case 2 -> {
        int index = random.nextBoolean() ? 2 + random.nextInt(30_000) : -1 - random.nextInt(30_000);
        bytes = dictRequest(field, 0, dictionary, index, 16);
        label = "index " + index + " into 2 entries";
      }
      case 3 -> {
        int bits = new int[] {0, 7, 128, 3}[random.nextInt(4)];
        bytes = dictRequest(Col.of("value", Kind.utf8()).encoded(0, bits), 0, dictionary, 0, 16);
        label = "index type int" + bits;
      }
      case 4 -> {
        long rows = absurd(random);
        bytes = dictRequest(field, 0, dictionary.withLength(rows).withNodes(List.of(new Node(rows, 0))), 0, 16);
        label = "dictionary of " + rows + " entries";
      }
      case 5 -> {
        bytes = RawIpc.stream(List.of(field), RawIpc.dictionaryBatch(0, dictionary, true),
            RawIpc.recordBatch(indexRow(1, 16), metadata));
        label = "a delta dictionary with no dictionary before it";
        expect = Case.Expect.ERROR_OR_ACCEPTED;
      }
      case 6 -> {
        bytes = RawIpc.stream(List.of(field), RawIpc.dictionaryBatch(0, RawIpc.int64Row(5), false),
            RawIpc.recordBatch(indexRow(0, 16), metadata));
        label = "dictionary values of the wrong type (int64 for utf8)";
      }
      default -> {
        long id = random.nextBoolean() ? -1 : Long.MAX_VALUE;
        Col odd = Col.of("value", Kind.utf8()).encoded(id, 16);
        bytes = RawIpc.stream(List.of(odd), RawIpc.dictionaryBatch(0, dictionary, false),
            RawIpc.recordBatch(indexRow(0, 16), metadata));
        label = "schema dictionary id " + id + ", batch id 0";
      }
    }
    return new Case("dictionary-faults", method + ": " + label, method, bytes, Case.Framing.INTACT, expect);
  });

  // ------------------------------------------------------------------ nested IPC

  /** An inner IPC stream that lies: rows 2^28, truncated, random bytes, a lying body, no end marker. */
  static byte[] lyingInner(Random random, byte[] honest, StringBuilder label) {
    switch (random.nextInt(6)) {
      case 0 -> {
        long rows = random.nextBoolean() ? 1L << 28 : absurd(random);
        label.append("inner batch of ").append(rows).append(" rows");
        return RawIpc.stream(List.of(Col.of("n", Kind.int64())),
            RawIpc.recordBatch(RawIpc.int64Row(1).withLength(rows).withNodes(List.of(new Node(rows, 0))),
                java.util.Map.of()));
      }
      case 1 -> {
        int at = 1 + random.nextInt(honest.length - 1);
        label.append("inner stream cut at ").append(at).append(" of ").append(honest.length);
        return Arrays.copyOf(honest, at);
      }
      case 2 -> {
        byte[] bytes = bytes(random, 4 + random.nextInt(512));
        if (random.nextBoolean()) {
          bytes[0] = bytes[1] = bytes[2] = bytes[3] = (byte) 0xFF;
        }
        label.append(bytes.length).append(" random inner bytes");
        return bytes;
      }
      case 3 -> {
        long declared = absurd(random);
        label.append("inner body length ").append(declared);
        return RawIpc.stream(List.of(Col.of("n", Kind.int64())),
            RawIpc.recordBatch(RawIpc.int64Row(1).withBodyLength(declared), java.util.Map.of()));
      }
      case 4 -> {
        label.append("inner stream without its end marker");
        return Arrays.copyOf(honest, honest.length - 8);
      }
      default -> {
        int depth = 65 + random.nextInt(2000);
        label.append("inner schema nested ").append(depth).append(" deep");
        return RawIpc.stream(List.of(nestedList("n", depth)), RawIpc.recordBatch(nestedListRow(depth), java.util.Map.of()));
      }
    }
  }

  static final CaseSource NESTED_IPC = source("nested-ipc", false, random -> {
    StringBuilder label = new StringBuilder();
    byte[] bytes;
    String method;
    switch (random.nextInt(4)) {
      case 0 -> {
        method = "echo_point";
        label.append("echo_point: ");
        bytes = echoPoint(lyingInner(random, point(1, 2), label));
      }
      case 1 -> {
        method = "echo_embedded_arrow";
        label.append("echo_embedded_arrow batch cell: ");
        byte[] inner = lyingInner(random, innerBatch(3), label);
        bytes = echoEmbedded(embedded(inner, RawIpc.schema(List.of(Col.of("n", Kind.int64())))));
      }
      case 2 -> {
        method = "echo_embedded_arrow";
        label.append("echo_embedded_arrow schema cell: ");
        byte[] schema = RawIpc.schema(List.of(Col.of("n", Kind.int64())));
        byte[] inner = switch (random.nextInt(3)) {
          case 0 -> {
            label.append("random bytes");
            yield bytes(random, 1 + random.nextInt(200));
          }
          case 1 -> {
            int at = 1 + random.nextInt(schema.length - 1);
            label.append("cut at ").append(at);
            yield Arrays.copyOf(schema, at);
          }
          default -> {
            int depth = 65 + random.nextInt(3000);
            label.append("nested ").append(depth).append(" deep");
            yield RawIpc.schema(List.of(nestedList("n", depth)));
          }
        };
        bytes = echoEmbedded(embedded(innerBatch(3), inner));
      }
      default -> {
        method = "echo_embedded_arrow";
        label.append("echo_embedded_arrow data cell: ");
        bytes = echoEmbedded(lyingInner(random, embedded(innerBatch(3), RawIpc.schema(List.of(Col.of("n",
            Kind.int64())))), label));
      }
    }
    // a stream that simply ends without its end marker is read to its end by lenient readers (pyarrow too)
    Case.Expect expect = label.toString().endsWith("without its end marker")
        ? Case.Expect.ERROR_OR_ACCEPTED : Case.Expect.ERROR;
    return new Case("nested-ipc", label.toString(), method, bytes, Case.Framing.INTACT, expect);
  });
}
