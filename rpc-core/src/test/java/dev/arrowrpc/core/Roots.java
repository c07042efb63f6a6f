package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Builds and compares the record batches the {@code VectorSchemaRoot} tests send. */
public final class Roots {
  /** The sample schema: int64 {@code i}, float64 {@code f}, utf8 {@code s}, all nullable. */
  public static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.nullable("i", new ArrowType.Int(64, true)),
              Field.nullable("f", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              Field.nullable("s", ArrowType.Utf8.INSTANCE)));

  private Roots() {}

  /**
   * Builds a sample batch; every 97th row holds nulls.
   *
   * @param allocator where the batch lives (the caller closes it)
   * @param rows the row count
   * @return the batch
   */
  public static VectorSchemaRoot sample(BufferAllocator allocator, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    BigIntVector i = (BigIntVector) root.getVector("i");
    Float8Vector f = (Float8Vector) root.getVector("f");
    VarCharVector s = (VarCharVector) root.getVector("s");
    root.allocateNew();
    for (int row = 0; row < rows; row++) {
      if (row % 97 == 96) {
        i.setNull(row);
        f.setNull(row);
        s.setNull(row);
      } else {
        i.setSafe(row, row * 1_000_003L - 5);
        f.setSafe(row, row * 0.5);
        s.setSafe(row, ("row " + row + (row % 3 == 0 ? " é" : "")).getBytes(StandardCharsets.UTF_8));
      }
    }
    root.setRowCount(rows);
    return root;
  }

  /** Sum of column {@code f} of {@link #sample} with the given row count. */
  public static double sampleSum(int rows) {
    double sum = 0;
    for (int row = 0; row < rows; row++) {
      if (row % 97 != 96) {
        sum += row * 0.5;
      }
    }
    return sum;
  }

  /** Asserts two batches have equal schemas and cell values. */
  public static void assertSameContent(VectorSchemaRoot expected, VectorSchemaRoot actual) {
    assertEquals(expected.getSchema(), actual.getSchema());
    assertEquals(expected.getRowCount(), actual.getRowCount());
    for (int c = 0; c < expected.getFieldVectors().size(); c++) {
      for (int row = 0; row < expected.getRowCount(); row++) {
        assertEquals(
            expected.getVector(c).getObject(row),
            actual.getVector(c).getObject(row),
            "column " + c + " row " + row);
      }
    }
  }
}
