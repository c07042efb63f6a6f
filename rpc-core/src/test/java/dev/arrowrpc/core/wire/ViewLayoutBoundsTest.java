package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarBinaryVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.ListViewVector;
import org.apache.arrow.vector.complex.RunEndEncodedVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * View (Utf8View, BinaryView, ListView) and run-end encoded columns, which Arrow Java 18 loads, are
 * checked like the other layouts before they are loaded: a view's variadic buffer index and range,
 * a list view's offset and size against its child, and run ends that increase and cover the column.
 */
class ViewLayoutBoundsTest {
  private BufferAllocator memory;

  @BeforeEach
  void start() {
    memory = new RootAllocator(64L << 20);
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** Writes the vector as a one-batch stream after letting the test tamper with its buffers. */
  private byte[] stream(FieldVector vector, Consumer<FieldVector> tamper) throws Exception {
    try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector))) {
      tamper.accept(vector);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (IpcStreamWriter writer = IpcStreamWriter.start(out, root.getSchema())) {
        writer.write(root, Map.of());
      }
      return out.toByteArray();
    }
  }

  private String read(byte[] bytes) throws Exception {
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes), memory).orElseThrow()) {
      assertTrue(reader.next());
      return reader.root().contentToTSVString();
    }
  }

  private WireFormatException refused(byte[] bytes) {
    return assertThrows(WireFormatException.class, () -> read(bytes));
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  private ViewVarCharVector strings() {
    ViewVarCharVector vector = new ViewVarCharVector("s", memory);
    vector.allocateNew();
    vector.setSafe(0, "short".getBytes(StandardCharsets.UTF_8));
    vector.setNull(1);
    vector.setSafe(2, "a value longer than twelve bytes".getBytes(StandardCharsets.UTF_8));
    vector.setValueCount(3);
    return vector;
  }

  private ListViewVector lists() {
    ListViewVector vector = ListViewVector.empty("l", memory);
    var writer = vector.getWriter();
    writer.setPosition(0);
    writer.startListView();
    writer.bigInt().writeBigInt(1);
    writer.bigInt().writeBigInt(2);
    writer.endListView();
    writer.setPosition(1);
    writer.startListView();
    writer.bigInt().writeBigInt(3);
    writer.endListView();
    vector.setValueCount(2);
    return vector;
  }

  private RunEndEncodedVector runs(int... ends) {
    Field field = new Field("r", FieldType.notNullable(new ArrowType.RunEndEncoded()),
        List.of(Field.notNullable("run_ends", new ArrowType.Int(32, true)),
            Field.nullable("values", new ArrowType.Int(64, true))));
    RunEndEncodedVector vector = (RunEndEncodedVector) field.createVector(memory);
    vector.allocateNew();
    IntVector runEnds = (IntVector) vector.getRunEndsVector();
    BigIntVector values = (BigIntVector) vector.getValuesVector();
    for (int i = 0; i < ends.length; i++) {
      runEnds.setSafe(i, ends[i]);
      values.setSafe(i, 10 + i);
    }
    runEnds.setValueCount(ends.length);
    values.setValueCount(ends.length);
    vector.setValueCount(3);
    return vector;
  }

  @Test
  void wellFormedViewListViewAndRunEndColumnsLoad() throws Exception {
    assertEquals("s\nshort\nnull\na value longer than twelve bytes\n", read(stream(strings(), v -> { })));
    ViewVarBinaryVector binary = new ViewVarBinaryVector("b", memory);
    binary.allocateNew();
    binary.setSafe(0, new byte[40]);
    binary.setValueCount(1);
    assertTrue(read(stream(binary, v -> { })).startsWith("b\n"));
    assertEquals("l\n[1,2]\n[3]\n", read(stream(lists(), v -> { })));
    assertEquals("r\n10\n10\n11\n", read(stream(runs(2, 3), v -> { })));
  }

  @Test
  void aViewIntoAVariadicBufferThatIsNotThereIsRefused() throws Exception {
    byte[] bytes = stream(strings(), v -> v.getDataBuffer().setInt(2 * 16 + 8, 3));
    assertMentions(refused(bytes), "'s'", "index 2 into variadic buffer 3", "has 1");
  }

  @Test
  void aViewPastTheEndOfItsVariadicBufferIsRefused() throws Exception {
    byte[] bytes = stream(strings(), v -> v.getDataBuffer().setInt(2 * 16 + 12, 1 << 20));
    assertMentions(refused(bytes), "'s'", "offset 1048576 past the end of its variadic buffer 0");
    byte[] negative = stream(strings(), v -> v.getDataBuffer().setInt(2 * 16, -5));
    assertMentions(refused(negative), "'s'", "length -5", "below zero");
  }

  @Test
  void aNullViewIsNotChecked() throws Exception {
    // a null slot's view is not read, whatever it holds
    byte[] bytes = stream(strings(), v -> {
      v.getDataBuffer().setInt(16, 100);
      v.getDataBuffer().setInt(16 + 8, 9);
    });
    assertEquals("s\nshort\nnull\na value longer than twelve bytes\n", read(bytes));
  }

  @Test
  void aListViewPastItsChildIsRefused() throws Exception {
    byte[] bytes = stream(lists(), v -> ((ListViewVector) v).getSizeBuffer().setInt(4, 40));
    assertMentions(refused(bytes), "'l'", "3 values, fewer than the 42 of its parent");
    byte[] negative = stream(lists(), v -> ((ListViewVector) v).getOffsetBuffer().setInt(0, -1));
    assertMentions(refused(negative), "'l'", "list view at index 0 with offset -1", "below zero");
  }

  @Test
  void runEndsThatDoNotIncreaseOrCoverTheColumnAreRefused() throws Exception {
    assertMentions(refused(stream(runs(3, 2), v -> { })), "'run_ends'", "run end 2 at index 1",
        "not above the run end 3");
    assertMentions(refused(stream(runs(0, 3), v -> { })), "'run_ends'", "run end 0 at index 0", "below 1");
    assertMentions(refused(stream(runs(1, 2), v -> { })), "'run_ends'", "last run at 2", "3 values");
  }
}
