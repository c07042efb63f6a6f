package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;

/**
 * {@code String} as dictionary&lt;int16, utf8&gt;: the dictionary is built per batch from the
 * values written. Reads dictionary-encoded and plain string columns alike.
 */
class DictionaryStringCodec extends Codec {
  static final ArrowType.Int INDEX_TYPE = new ArrowType.Int(16, true);

  private final long id;

  DictionaryStringCodec(long id) {
    this.id = id;
  }

  @Override
  protected ArrowType arrowType() {
    return ArrowType.Utf8.INSTANCE;
  }

  @Override
  protected DictionaryEncoding dictionary() {
    return new DictionaryEncoding(id, false, INDEX_TYPE);
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    setIndex(vector, index, context.indexOf(id, (String) value));
  }

  /** Stores a dictionary index, refusing dictionaries larger than the index type holds. */
  static void setIndex(FieldVector vector, int index, int dictionaryIndex) {
    if (dictionaryIndex > Short.MAX_VALUE) {
      throw new MarshalException(
          "the column has more distinct values than an int16 dictionary holds");
    }
    ((BaseIntVector) vector).setWithPossibleTruncate(index, dictionaryIndex);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    return StringCodec.readString(vector, index, context);
  }

  /** Resolves the string a dictionary-encoded cell refers to. */
  static String lookup(FieldVector vector, int index, ReadContext context) {
    if (!(vector instanceof BaseIntVector indices)) {
      throw new MarshalException("the column has non-integer dictionary indices");
    }
    Dictionary dictionary = context.dictionary(vector.getField().getDictionary().getId());
    long position = indices.getValueAsLong(index);
    FieldVector values = dictionary.getVector();
    if (position < 0 || position >= values.getValueCount()) {
      throw new MarshalException(
          "the column has dictionary index " + position + " outside the "
              + values.getValueCount() + "-entry dictionary");
    }
    int at = (int) position;
    if (values instanceof VarCharVector v) {
      return StringCodec.decodeUtf8(v.get(at));
    }
    if (values instanceof LargeVarCharVector v) {
      return StringCodec.decodeUtf8(v.get(at));
    }
    throw new MarshalException("the column has a non-string dictionary");
  }
}
