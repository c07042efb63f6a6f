package dev.arrowrpc.codegen.cli;

import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/** Short names of Arrow types for people: {@code int64}, {@code list<string>}, {@code map<string, int64>}. */
final class TypeText {
  private TypeText() {}

  /**
   * Names a field's type, its dictionary encoding included.
   *
   * @param field the field
   * @return the name
   */
  static String of(Field field) {
    String values = plain(field);
    DictionaryEncoding dictionary = field.getDictionary();
    if (dictionary == null) {
      return values;
    }
    ArrowType.Int index = dictionary.getIndexType() == null ? new ArrowType.Int(32, true) : dictionary.getIndexType();
    return "dictionary<" + values + ", " + integer(index) + ">";
  }

  private static String plain(Field field) {
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Int -> integer((ArrowType.Int) type);
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) type).getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
      case Utf8 -> "string";
      case LargeUtf8 -> "large_string";
      case Utf8View -> "string_view";
      case Binary -> "binary";
      case LargeBinary -> "large_binary";
      case BinaryView -> "binary_view";
      case FixedSizeBinary -> "fixed_size_binary[" + ((ArrowType.FixedSizeBinary) type).getByteWidth() + "]";
      case Bool -> "bool";
      case Null -> "null";
      case Decimal -> {
        ArrowType.Decimal d = (ArrowType.Decimal) type;
        yield "decimal" + d.getBitWidth() + "(" + d.getPrecision() + ", " + d.getScale() + ")";
      }
      case Date -> ((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "date32" : "date64";
      case Time -> "time" + ((ArrowType.Time) type).getBitWidth() + "[" + unit(((ArrowType.Time) type).getUnit()) + "]";
      case Timestamp -> {
        ArrowType.Timestamp t = (ArrowType.Timestamp) type;
        yield "timestamp[" + unit(t.getUnit()) + (t.getTimezone() == null ? "" : ", tz=" + t.getTimezone()) + "]";
      }
      case Duration -> "duration[" + unit(((ArrowType.Duration) type).getUnit()) + "]";
      case Interval -> "interval";
      case List -> "list<" + of(field.getChildren().get(0)) + ">";
      case LargeList -> "large_list<" + of(field.getChildren().get(0)) + ">";
      case FixedSizeList -> "fixed_size_list<" + of(field.getChildren().get(0)) + ", "
          + ((ArrowType.FixedSizeList) type).getListSize() + ">";
      case Map -> {
        Field entries = field.getChildren().get(0);
        yield "map<" + of(entries.getChildren().get(0)) + ", " + of(entries.getChildren().get(1)) + ">";
      }
      case Struct -> field.getChildren().stream()
          .map(child -> child.getName() + ": " + of(child) + (child.isNullable() ? "?" : ""))
          .collect(Collectors.joining(", ", "struct<", ">"));
      default -> type.toString();
    };
  }

  private static String integer(ArrowType.Int type) {
    return (type.getIsSigned() ? "int" : "uint") + type.getBitWidth();
  }

  private static String unit(org.apache.arrow.vector.types.TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }
}
