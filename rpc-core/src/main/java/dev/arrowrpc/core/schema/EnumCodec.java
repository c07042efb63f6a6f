package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import org.apache.arrow.vector.FieldVector;

/**
 * An enum as dictionary&lt;int16, utf8&gt; holding the constant's name, as the reference encodes
 * enums. Reading looks the constant up by name.
 */
final class EnumCodec extends DictionaryStringCodec {
  private final Class<? extends Enum<?>> type;

  EnumCodec(long id, Class<? extends Enum<?>> type) {
    super(id);
    this.type = type;
  }

  @Override
  protected void set(FieldVector vector, int index, Object value, WriteContext context) {
    super.set(vector, index, ((Enum<?>) value).name(), context);
  }

  @Override
  protected Object get(FieldVector vector, int index, ReadContext context) {
    String name = (String) super.get(vector, index, context);
    for (Enum<?> constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return constant;
      }
    }
    throw new MarshalException(
        "the column holds '" + name + "', which is not a constant of "
            + type.getSimpleName());
  }
}
