package dev.arrowrpc.core.schema;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** {@code String} as utf8 or large_utf8. Reads either width, and dictionary-encoded strings. */
final class StringCodec extends Codec {
  private final boolean large;

  StringCodec(boolean large) {
    this.large = large;
  }

  @Override
  protected ArrowType arrowType() {
    return large ? ArrowType.LargeUtf8.INSTANCE : ArrowType.Utf8.INSTANCE;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
    if (vector instanceof VarCharVector v) {
      v.setSafe(index, bytes);
    } else {
      ((LargeVarCharVector) vector).setSafe(index, bytes);
    }
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    return readString(vector, index, context);
  }

  /** Reads a string cell of any string layout, resolving dictionary indices. */
  static String readString(FieldVector vector, int index, ReadContext context) {
    if (vector instanceof VarCharVector v) {
      return new String(v.get(index), StandardCharsets.UTF_8);
    }
    if (vector instanceof LargeVarCharVector v) {
      Vectors.requireArraySized(v, index);
      return new String(v.get(index), StandardCharsets.UTF_8);
    }
    if (vector.getField().getDictionary() != null) {
      return DictionaryStringCodec.lookup(vector, index, context);
    }
    throw new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected a string");
  }
}
