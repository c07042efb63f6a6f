package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.core.testing.Loopback;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exchange input batches with dictionary-encoded columns: the client sends the dictionaries with
 * the batch ({@link BatchStream#exchange(VectorSchemaRoot, DictionaryProvider)}) and a server whose
 * declared column is not encoded decodes the values, as the reference casts them.
 */
class DictionaryInputBatchTest {
  private static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  private static final ArrowType.Int INT16 = new ArrowType.Int(16, true);
  private static final Schema VALUE = new Schema(List.of(Field.nullable("value", FLOAT64)));
  private static final Schema LABEL = new Schema(List.of(Field.nullable("label", ArrowType.Utf8.INSTANCE)));

  @RpcService
  public interface Echo {
    /** Echoes float64 values. */
    BatchStream values();

    /** Echoes utf8 labels. */
    BatchStream labels();
  }

  public static final class Impl implements Echo {
    @Override
    public BatchStream values() {
      return BatchStream.exchange(VALUE, VALUE, (input, out, context) -> {
        Float8Vector in = (Float8Vector) input.root().getVector("value");
        VectorSchemaRoot batch = out.newBatch();
        Float8Vector copy = (Float8Vector) batch.getVector("value");
        int rows = input.root().getRowCount();
        copy.allocateNew(Math.max(rows, 1));
        for (int i = 0; i < rows; i++) {
          copy.copyFromSafe(i, i, in);
        }
        copy.setValueCount(rows);
        batch.setRowCount(rows);
        out.emit(batch);
      });
    }

    @Override
    public BatchStream labels() {
      return BatchStream.exchange(LABEL, LABEL, (input, out, context) -> {
        VarCharVector in = (VarCharVector) input.root().getVector("label");
        VectorSchemaRoot batch = out.newBatch();
        VarCharVector copy = (VarCharVector) batch.getVector("label");
        int rows = input.root().getRowCount();
        copy.allocateNew();
        for (int i = 0; i < rows; i++) {
          copy.copyFromSafe(i, i, in);
        }
        copy.setValueCount(rows);
        batch.setRowCount(rows);
        out.emit(batch);
      });
    }
  }

  private Harness loop;
  private Echo service;
  private final List<AutoCloseable> owned = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    loop = new Loopback(Echo.class, new Impl());
    service = loop.proxy(Echo.class);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : owned) {
      resource.close();
    }
    assertEquals(0, loop.clientBytes(), "client memory");
    loop.close();
  }

  private <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  /** A one-column batch of int16 indices into dictionary {@code id}, null where an index is null. */
  private VectorSchemaRoot indices(String name, long id, Integer... indices) {
    DictionaryEncoding encoding = new DictionaryEncoding(id, false, INT16);
    Field field = new Field(name, new FieldType(true, INT16, encoding), null);
    VectorSchemaRoot root = own(VectorSchemaRoot.create(new Schema(List.of(field)), loop.clientAllocator()));
    SmallIntVector vector = (SmallIntVector) root.getVector(0);
    vector.allocateNew(indices.length);
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] == null) {
        vector.setNull(i);
      } else {
        vector.set(i, indices[i]);
      }
    }
    vector.setValueCount(indices.length);
    root.setRowCount(indices.length);
    return root;
  }

  private Dictionary doubles(long id, double... values) {
    BufferAllocator allocator = loop.clientAllocator();
    Float8Vector vector = own(new Float8Vector("value", allocator));
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    return new Dictionary(vector, new DictionaryEncoding(id, false, INT16));
  }

  private static List<Double> values(VectorSchemaRoot batch) {
    Float8Vector vector = (Float8Vector) batch.getVector("value");
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < batch.getRowCount(); i++) {
      out.add(vector.isNull(i) ? null : vector.get(i));
    }
    return out;
  }

  @Test
  void encodedColumnIsDecodedToTheDeclaredValuesEveryTurn() {
    DictionaryProvider first = new DictionaryProvider.MapDictionaryProvider(doubles(3, 2.5, 7.0));
    try (BatchStream stream = service.values()) {
      VectorSchemaRoot out = stream.exchange(indices("value", 3, 1, 0, null, 1), first);
      assertEquals(VALUE.getFields(), out.getSchema().getFields());
      assertEquals(Arrays.asList(7.0, 2.5, null, 7.0), values(out));
      // a later turn may replace the dictionary
      DictionaryProvider second = new DictionaryProvider.MapDictionaryProvider(doubles(3, -1.0));
      assertEquals(List.of(-1.0, -1.0), values(stream.exchange(indices("value", 3, 0, 0), second)));
    }
  }

  @Test
  void encodedStringsAreDecodedToo() {
    VarCharVector words = own(new VarCharVector("label", loop.clientAllocator()));
    words.allocateNew();
    words.setSafe(0, "alpha".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    words.setSafe(1, "beta".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    words.setValueCount(2);
    Dictionary dictionary = new Dictionary(words, new DictionaryEncoding(9, false, INT16));
    try (BatchStream stream = service.labels()) {
      VectorSchemaRoot out = stream.exchange(indices("label", 9, 1, 1, 0),
          new DictionaryProvider.MapDictionaryProvider(dictionary));
      VarCharVector labels = (VarCharVector) out.getVector("label");
      assertEquals(List.of("beta", "beta", "alpha"),
          List.of(labels.getObject(0).toString(), labels.getObject(1).toString(), labels.getObject(2).toString()));
    }
  }

  @Test
  void anEncodedColumnWithoutItsDictionaryIsRefusedBeforeSending() {
    try (BatchStream stream = service.values()) {
      VectorSchemaRoot input = indices("value", 4, 0);
      IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> stream.exchange(input));
      assertTrue(plain.getMessage().contains("dictionary-encoded"), plain.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> stream.exchange(input, new DictionaryProvider.MapDictionaryProvider()));
      assertTrue(missing.getMessage().contains("dictionary 4"), missing.getMessage());
      assertEquals(List.of(1.5), values(stream.exchange(plainValues(1.5))), "the stream is still usable");
    }
  }

  private VectorSchemaRoot plainValues(double value) {
    VectorSchemaRoot root = own(VectorSchemaRoot.create(VALUE, loop.clientAllocator()));
    Float8Vector vector = (Float8Vector) root.getVector(0);
    vector.allocateNew(1);
    vector.set(0, value);
    vector.setValueCount(1);
    root.setRowCount(1);
    return root;
  }
}
