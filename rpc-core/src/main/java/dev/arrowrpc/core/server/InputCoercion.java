package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Reconciles an exchange's input batch with its declared input schema, as the reference does: the
 * field names must match as a set; columns are reordered by name; a dictionary-encoded column is
 * decoded to its values where the declared column is not encoded; integer and float32 columns are
 * widened to a declared float64. Anything else is a {@code TypeError}.
 */
final class InputCoercion {
  private InputCoercion() {}

  /**
   * A batch in the declared shape; closing it releases only the columns it had to convert.
   *
   * @param root the batch in declared column order
   * @param converted columns allocated for conversions
   */
  record Coerced(VectorSchemaRoot root, List<FieldVector> converted) implements AutoCloseable {
    static Coerced of(VectorSchemaRoot root) {
      return new Coerced(root, List.of());
    }

    @Override
    public void close() {
      converted.forEach(FieldVector::close);
    }
  }

  /**
   * Coerces an input batch to the declared schema.
   *
   * @param input the received batch (dictionary-encoded columns hold indices)
   * @param declared the declared input schema
   * @param dictionaries the dictionaries the received batch refers to
   * @param memory where converted columns are allocated
   * @return the batch in the declared shape
   * @throws RpcException a {@code TypeError} when the batch cannot be made to fit
   */
  static Coerced coerce(VectorSchemaRoot input, Schema declared, DictionaryProvider dictionaries,
      BufferAllocator memory) {
    if (input.getSchema().getFields().isEmpty() && input.getRowCount() == 0 && !declared.getFields().isEmpty()) {
      throw new RpcException("TypeError", "Input schema mismatch: expected fields "
          + ServerConnection.names(declared) + ", got none");
    }
    String problem = SchemaMatch.describeFieldSetMismatch(declared, input.getSchema());
    if (problem != null) {
      throw new RpcException("TypeError", "Input schema mismatch: " + problem);
    }
    if (SchemaMatch.describeMismatchIgnoringNullability(declared, input.getSchema()) == null) {
      return Coerced.of(input);
    }
    List<FieldVector> vectors = new ArrayList<>();
    List<FieldVector> converted = new ArrayList<>();
    try {
      for (Field want : declared.getFields()) {
        FieldVector have = input.getVector(want.getName());
        if (have.getField().getDictionary() != null && want.getDictionary() == null) {
          have = decode(want, have, dictionaries, memory);
          converted.add(have);
        }
        if (SchemaMatch.sameType(want, have.getField())) {
          vectors.add(have);
        } else if (isDouble(want.getType()) && widensToDouble(have)) {
          Float8Vector widened = toDouble(want, have, memory);
          converted.add(widened);
          vectors.add(widened);
        } else {
          throw new RpcException("TypeError", "Input schema mismatch: field '" + want.getName()
              + "' is " + have.getField().getType() + ", expected " + want.getType());
        }
      }
    } catch (RuntimeException e) {
      converted.forEach(FieldVector::close);
      throw e;
    }
    List<Field> fields = vectors.stream().map(FieldVector::getField).toList();
    return new Coerced(new VectorSchemaRoot(fields, vectors, input.getRowCount()), converted);
  }

  /** The values of a dictionary-encoded column, under the declared column's name. */
  private static FieldVector decode(Field want, FieldVector indices, DictionaryProvider dictionaries,
      BufferAllocator memory) {
    long id = indices.getField().getDictionary().getId();
    Dictionary dictionary = dictionaries.lookup(id);
    if (dictionary == null) {
      throw new RpcException("TypeError", "Input schema mismatch: field '" + want.getName()
          + "' refers to dictionary " + id + ", which the stream did not send");
    }
    FieldVector decoded = (FieldVector) DictionaryEncoder.decode(indices, dictionary, memory);
    if (decoded.getName().equals(want.getName())) {
      return decoded;
    }
    try (decoded) {
      TransferPair rename = decoded.getTransferPair(want.getName(), memory);
      rename.transfer();
      return (FieldVector) rename.getTo();
    }
  }

  private static boolean isDouble(ArrowType type) {
    return type instanceof ArrowType.FloatingPoint fp && fp.getPrecision() == FloatingPointPrecision.DOUBLE;
  }

  private static boolean widensToDouble(FieldVector vector) {
    return vector instanceof BaseIntVector || vector instanceof Float4Vector;
  }

  private static Float8Vector toDouble(Field want, FieldVector have, BufferAllocator memory) {
    Float8Vector out = new Float8Vector(want, memory);
    int rows = have.getValueCount();
    out.allocateNew(Math.max(rows, 1));
    for (int i = 0; i < rows; i++) {
      if (have.isNull(i)) {
        out.setNull(i);
      } else if (have instanceof Float4Vector f) {
        out.set(i, f.get(i));
      } else {
        out.set(i, (double) ((BaseIntVector) have).getValueAsLong(i));
      }
    }
    out.setValueCount(rows);
    return out;
  }
}
