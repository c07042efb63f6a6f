package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The schemas of the conformance streams and the batches they emit. Fields are nullable, as the
 * reference's stream schemas are.
 */
final class Batches {
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

  /** {@code index: int64, value: int64}: the counter batches of most producers. */
  static final Schema COUNTER = schema(Field.nullable("index", INT64), Field.nullable("value", INT64));

  /** {@code value: float64}: input and output of the scaling and echoing exchanges. */
  static final Schema SCALE = schema(Field.nullable("value", FLOAT64));

  /** {@code running_sum: float64, exchange_count: int64}: output of the accumulating exchange. */
  static final Schema ACCUMULATE =
      schema(Field.nullable("running_sum", FLOAT64), Field.nullable("exchange_count", INT64));

  /** {@code value: int64}: output of the sticky-session counter streams. */
  static final Schema SESSION_COUNTER = schema(Field.nullable("value", INT64));

  /** {@code by: int64}: input of the sticky-session counter exchange. */
  static final Schema SESSION_INPUT = schema(Field.nullable("by", INT64));

  /** {@code index: int64, seen: utf8}: output of the tick-metadata producer. */
  static final Schema TICK_METADATA =
      schema(Field.nullable("index", INT64), Field.nullable("seen", ArrowType.Utf8.INSTANCE));

  /** {@code value: int64}: output of the producer of annotated batches. */
  static final Schema ANNOTATED = schema(Field.nullable("value", INT64));

  /** {@code seen: utf8, keys: utf8}: output of the input-metadata exchange. */
  static final Schema INPUT_METADATA =
      schema(Field.nullable("seen", ArrowType.Utf8.INSTANCE), Field.nullable("keys", ArrowType.Utf8.INSTANCE));

  /** The schema with no fields. */
  static final Schema EMPTY = new Schema(List.of());

  private Batches() {}

  private static Schema schema(Field... fields) {
    return new Schema(List.of(fields));
  }

  /**
   * The output schema of the dynamic-schema producer: {@code index: int64}, then {@code label:
   * utf8} and {@code score: float64} when asked for.
   */
  static Schema dynamic(boolean includeStrings, boolean includeFloats) {
    List<Field> fields = new ArrayList<>();
    fields.add(Field.nullable("index", INT64));
    if (includeStrings) {
      fields.add(Field.nullable("label", ArrowType.Utf8.INSTANCE));
    }
    if (includeFloats) {
      fields.add(Field.nullable("score", FLOAT64));
    }
    return new Schema(fields);
  }

  /**
   * A counter batch on {@link #COUNTER}: rows {@code index = first .. first + rows - 1}, {@code
   * value = index * 10}.
   */
  static VectorSchemaRoot counter(BatchOutput out, long first, int rows) {
    VectorSchemaRoot root = out.newBatch();
    fill((BigIntVector) root.getVector("index"), rows, i -> first + i);
    fill((BigIntVector) root.getVector("value"), rows, i -> (first + i) * 10);
    root.setRowCount(rows);
    return root;
  }

  /** A one-row batch with the given int64 values, in the output schema's column order. */
  static VectorSchemaRoot longs(BatchOutput out, long... values) {
    VectorSchemaRoot root = out.newBatch();
    for (int i = 0; i < values.length; i++) {
      long value = values[i];
      fill((BigIntVector) root.getVector(i), 1, row -> value);
    }
    root.setRowCount(1);
    return root;
  }

  /** One row of the dynamic-schema producer: {@code index = i}, {@code label = "row-i"}, {@code score = i * 1.5}. */
  static VectorSchemaRoot dynamicRow(BatchOutput out, long index) {
    VectorSchemaRoot root = out.newBatch();
    fill((BigIntVector) root.getVector("index"), 1, row -> index);
    if (root.getVector("label") instanceof VarCharVector label) {
      label.allocateNew(1);
      label.setSafe(0, ("row-" + index).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      label.setValueCount(1);
    }
    if (root.getVector("score") instanceof Float8Vector score) {
      score.allocateNew(1);
      score.set(0, index * 1.5);
      score.setValueCount(1);
    }
    root.setRowCount(1);
    return root;
  }

  /** A one-row batch with the given strings, in the output schema's column order. */
  static VectorSchemaRoot strings(BatchOutput out, String... values) {
    VectorSchemaRoot root = out.newBatch();
    for (int i = 0; i < values.length; i++) {
      VarCharVector column = (VarCharVector) root.getVector(i);
      column.allocateNew(1);
      column.setSafe(0, values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      column.setValueCount(1);
    }
    root.setRowCount(1);
    return root;
  }

  /** One tick-metadata row: {@code index} and the metadata value seen. */
  static VectorSchemaRoot tickSeen(BatchOutput out, long index, String seen) {
    VectorSchemaRoot root = out.newBatch();
    fill((BigIntVector) root.getVector("index"), 1, row -> index);
    VarCharVector column = (VarCharVector) root.getVector("seen");
    column.allocateNew(1);
    column.setSafe(0, seen.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    column.setValueCount(1);
    root.setRowCount(1);
    return root;
  }

  /** {@code rows} consecutive int64 values from {@code first}, on a one-column output schema. */
  static VectorSchemaRoot values(BatchOutput out, long first, int rows) {
    VectorSchemaRoot root = out.newBatch();
    fill((BigIntVector) root.getVector(0), rows, i -> first + i);
    root.setRowCount(rows);
    return root;
  }

  /** The running sum and turn count of the accumulating exchange, as one row. */
  static VectorSchemaRoot accumulated(BatchOutput out, double runningSum, long exchangeCount) {
    VectorSchemaRoot root = out.newBatch();
    Float8Vector sum = (Float8Vector) root.getVector("running_sum");
    sum.allocateNew(1);
    sum.set(0, runningSum);
    sum.setValueCount(1);
    fill((BigIntVector) root.getVector("exchange_count"), 1, row -> exchangeCount);
    root.setRowCount(1);
    return root;
  }

  /** The {@code value} column times {@code factor}, nulls kept, on the output schema. */
  static VectorSchemaRoot scaled(Float8Vector values, double factor, BatchOutput out) {
    VectorSchemaRoot root = out.newBatch();
    Float8Vector result = (Float8Vector) root.getVector("value");
    int rows = values.getValueCount();
    result.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (values.isNull(i)) {
        result.setNull(i);
      } else {
        result.set(i, values.get(i) * factor);
      }
    }
    result.setValueCount(rows);
    root.setRowCount(rows);
    return root;
  }

  /** A copy of an input batch on the output schema (same column names and types). */
  static VectorSchemaRoot copy(VectorSchemaRoot input, BatchOutput out) {
    VectorSchemaRoot root = out.newBatch();
    int rows = input.getRowCount();
    for (FieldVector target : root.getFieldVectors()) {
      FieldVector source = input.getVector(target.getName());
      target.allocateNew();
      for (int i = 0; i < rows; i++) {
        target.copyFromSafe(i, i, source);
      }
      target.setValueCount(rows);
    }
    root.setRowCount(rows);
    return root;
  }

  /** The sum of a numeric column's non-null values. */
  static double sum(Float8Vector values) {
    double total = 0;
    for (int i = 0; i < values.getValueCount(); i++) {
      if (!values.isNull(i)) {
        total += values.get(i);
      }
    }
    return total;
  }

  private static void fill(BigIntVector vector, int rows, LongUnaryOperator value) {
    vector.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      vector.set(i, value.applyAsLong(i));
    }
    vector.setValueCount(rows);
  }
}
