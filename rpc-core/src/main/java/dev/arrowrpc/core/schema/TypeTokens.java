package dev.arrowrpc.core.schema;

import java.util.List;
import java.util.StringJoiner;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The canonical type tokens of the protocol hash preimage (WIRE_PROTOCOL.md §14, "Type tokens"):
 * lowercase ASCII, parameters in parentheses, children in angle brackets as {@code name:token} or
 * {@code name?:token} when nullable. List children are spelled {@code item} and map entries {@code
 * key}/{@code value} whatever the schema names them, since Arrow's type equality ignores those
 * names. The vocabulary is closed: a type outside it is refused rather than spelled some
 * Java-specific way, which would give this port a hash no other port produces.
 */
final class TypeTokens {
  private TypeTokens() {}

  /**
   * Spells the type of a field, including its dictionary encoding if it has one.
   *
   * @param field the field (its name and nullability are not part of the token)
   * @return the token
   * @throws IllegalArgumentException when the type has no token
   */
  static String of(Field field) {
    DictionaryEncoding dictionary = field.getDictionary();
    if (dictionary != null) {
      ArrowType.Int index = dictionary.getIndexType() == null ? new ArrowType.Int(32, true) : dictionary.getIndexType();
      return "dictionary<index:" + type(index, List.of()) + ",value:" + type(field.getType(), field.getChildren())
          + ">" + (dictionary.isOrdered() ? ",ordered" : "");
    }
    return type(field.getType(), field.getChildren());
  }

  /** Spells a child whose name is part of the type: {@code name:T} or {@code name?:T}. */
  private static String named(Field child) {
    return child.getName() + (child.isNullable() ? "?" : "") + ":" + of(child);
  }

  /** Spells a child whose name Arrow ignores, under the fixed name the preimage uses. */
  private static String anonymous(Field child, String name) {
    return name + (child.isNullable() ? "?" : "") + ":" + of(child);
  }

  private static String type(ArrowType type, List<Field> children) {
    if (type instanceof ArrowType.ExtensionType extension) {
      // the extension name and its storage, so a reader without the extension still compares it
      return "extension(" + extension.extensionName() + ")<" + type(extension.storageType(), children) + ">";
    }
    switch (type.getTypeID()) {
      case Null:
        return "null";
      case Bool:
        return "bool";
      case Int: {
        ArrowType.Int integer = (ArrowType.Int) type;
        int width = integer.getBitWidth();
        if (width != 8 && width != 16 && width != 32 && width != 64) {
          throw unsupported(type);
        }
        return (integer.getIsSigned() ? "int" : "uint") + width;
      }
      case FloatingPoint:
        return switch (((ArrowType.FloatingPoint) type).getPrecision()) {
          case HALF -> "float16";
          case SINGLE -> "float32";
          case DOUBLE -> "float64";
        };
      case Decimal: {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        if (decimal.getBitWidth() != 128 && decimal.getBitWidth() != 256) {
          throw unsupported(type);
        }
        return "decimal" + decimal.getBitWidth() + "(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
      }
      case Utf8:
        return "utf8";
      case LargeUtf8:
        return "large_utf8";
      case Utf8View:
        return "utf8_view";
      case Binary:
        return "binary";
      case LargeBinary:
        return "large_binary";
      case BinaryView:
        return "binary_view";
      case FixedSizeBinary:
        return "fixed_size_binary(" + ((ArrowType.FixedSizeBinary) type).getByteWidth() + ")";
      case Date:
        return switch (((ArrowType.Date) type).getUnit()) {
          case DAY -> "date32";
          case MILLISECOND -> "date64";
        };
      case Time: {
        ArrowType.Time time = (ArrowType.Time) type;
        return "time" + time.getBitWidth() + "(" + unit(time.getUnit()) + ")";
      }
      case Timestamp: {
        ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
        // verbatim: "UTC" and "+00:00" are different Arrow types
        String zone = timestamp.getTimezone();
        return "timestamp(" + unit(timestamp.getUnit()) + (zone == null ? "" : ",tz=" + zone) + ")";
      }
      case Duration:
        return "duration(" + unit(((ArrowType.Duration) type).getUnit()) + ")";
      case Interval:
        return switch (((ArrowType.Interval) type).getUnit()) {
          case YEAR_MONTH -> "interval_months";
          case DAY_TIME -> "interval_day_time";
          case MONTH_DAY_NANO -> "interval_month_day_nano";
        };
      case List:
        return "list<" + anonymous(only(type, children), "item") + ">";
      case LargeList:
        return "large_list<" + anonymous(only(type, children), "item") + ">";
      case ListView:
        return "list_view<" + anonymous(only(type, children), "item") + ">";
      case LargeListView:
        return "large_list_view<" + anonymous(only(type, children), "item") + ">";
      case FixedSizeList:
        return "fixed_size_list(" + ((ArrowType.FixedSizeList) type).getListSize() + ")<"
            + anonymous(only(type, children), "item") + ">";
      case Struct: {
        StringJoiner parts = new StringJoiner(",", "struct<", ">");
        children.forEach(child -> parts.add(named(child)));
        return parts.toString();
      }
      case Map: {
        List<Field> entry = only(type, children).getChildren();
        if (entry.size() != 2) {
          throw new IllegalArgumentException("map entries must have a key and a value field: " + children);
        }
        return "map<" + anonymous(entry.get(0), "key") + "," + anonymous(entry.get(1), "value") + ">"
            + (((ArrowType.Map) type).getKeysSorted() ? ",keys_sorted" : "");
      }
      case Union: {
        ArrowType.Union union = (ArrowType.Union) type;
        int[] codes = union.getTypeIds();
        StringJoiner parts =
            new StringJoiner(",", switch (union.getMode()) {
              case Sparse -> "sparse_union<";
              case Dense -> "dense_union<";
            }, ">");
        for (int i = 0; i < children.size(); i++) {
          // type codes are part of the type and need not be 0..n-1
          parts.add((codes == null ? i : codes[i]) + "=" + named(children.get(i)));
        }
        return parts.toString();
      }
      case RunEndEncoded: {
        if (children.size() != 2) {
          throw new IllegalArgumentException("run-end encoded type needs run_ends and values: " + children);
        }
        return "run_end_encoded<run_ends:" + of(children.get(0)) + ",values:" + of(children.get(1)) + ">";
      }
      default:
        throw unsupported(type);
    }
  }

  private static Field only(ArrowType type, List<Field> children) {
    if (children.size() != 1) {
      throw new IllegalArgumentException(type + " must have exactly one child field, has " + children.size());
    }
    return children.get(0);
  }

  private static String unit(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }

  private static IllegalArgumentException unsupported(ArrowType type) {
    return new IllegalArgumentException(
        "Arrow type " + type + " has no canonical protocol-hash token (WIRE_PROTOCOL.md §14); a token"
            + " added by one port alone would change only that port's hash");
  }
}
