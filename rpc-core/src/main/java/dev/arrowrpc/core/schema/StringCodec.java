package dev.arrowrpc.core.schema;

import dev.arrowrpc.core.wire.MarshalException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
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
      return decodeUtf8(v.get(index));
    }
    if (vector instanceof LargeVarCharVector v) {
      Vectors.requireArraySized(v, index);
      return decodeUtf8(v.get(index));
    }
    if (vector.getField().getDictionary() != null) {
      return DictionaryStringCodec.lookup(vector, index, context);
    }
    throw new MarshalException(
        "the column holds " + vector.getMinorType() + ", expected a string");
  }

  /**
   * Decodes a string cell's bytes strictly: bytes that are not well-formed UTF-8 are refused, never
   * replaced by U+FFFD, so a value is never silently changed on its way in.
   */
  static String decodeUtf8(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(in)
          .toString();
    } catch (CharacterCodingException e) {
      throw new MarshalException(
          "the string is not valid UTF-8 (malformed byte sequence at byte " + in.position()
              + " of " + bytes.length + ")");
    }
  }

  @Override
  Optional<CellLane> lane() {
    if (large) {
      return Optional.empty();
    }
    return Optional.of(new CellLane.Bytes(this, value -> ((String) value).getBytes(StandardCharsets.UTF_8),
        StringCodec::decodeUtf8, true));
  }
}
