package dev.arrowrpc.core;

import java.util.List;
import java.util.StringJoiner;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Renders an Arrow field's type as text the way pyarrow prints it ({@code int64}, {@code
 * list<item: string>}, {@code timestamp[us, tz=UTC]}, {@code dictionary<values=string,
 * indices=int16, ordered=0>}), so access records name types in the same words as the reference's.
 */
final class ArrowTypeText {
  private ArrowTypeText() {}

  /**
   * Renders a field's type (its dictionary encoding included, its own nullability not).
   *
   * @param field the field
   * @return the type as text
   */
  static String of(Field field) {
    DictionaryEncoding dictionary = field.getDictionary();
    String values = plain(field);
    if (dictionary == null) {
      return values;
    }
    ArrowType.Int index = dictionary.getIndexType() == null ? new ArrowType.Int(32, true) : dictionary.getIndexType();
    return "dictionary<values=" + values + ", indices=" + integer(index) + ", ordered="
        + (dictionary.isOrdered() ? 1 : 0) + ">";
  }

  private static String plain(Field field) {
    ArrowType type = field.getType();
    List<Field> children = field.getChildren();
    return switch (type.getTypeID()) {
      case Null -> "null";
      case Bool -> "bool";
      case Int -> integer((ArrowType.Int) type);
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) type).getPrecision()) {
        case HALF -> "halffloat";
        case SINGLE -> "float";
        case DOUBLE -> "double";
      };
      case Utf8 -> "string";
      case LargeUtf8 -> "large_string";
      case Utf8View -> "string_view";
      case Binary -> "binary";
      case LargeBinary -> "large_binary";
      case BinaryView -> "binary_view";
      case FixedSizeBinary -> "fixed_size_binary[" + ((ArrowType.FixedSizeBinary) type).getByteWidth() + "]";
      case Decimal -> {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        yield "decimal" + decimal.getBitWidth() + "(" + decimal.getPrecision() + ", " + decimal.getScale() + ")";
      }
      case Date -> ((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY
          ? "date32[day]" : "date64[ms]";
      case Time -> {
        ArrowType.Time time = (ArrowType.Time) type;
        yield "time" + time.getBitWidth() + "[" + unit(time.getUnit()) + "]";
      }
      case Timestamp -> {
        ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
        String zone = timestamp.getTimezone();
        yield "timestamp[" + unit(timestamp.getUnit()) + (zone == null ? "" : ", tz=" + zone) + "]";
      }
      case Duration -> "duration[" + unit(((ArrowType.Duration) type).getUnit()) + "]";
      case Interval -> switch (((ArrowType.Interval) type).getUnit()) {
        case YEAR_MONTH -> "month_interval";
        case DAY_TIME -> "day_time_interval";
        case MONTH_DAY_NANO -> "month_day_nano_interval";
      };
      case List -> "list<" + child(children, 0) + ">";
      case LargeList -> "large_list<" + child(children, 0) + ">";
      case ListView -> "list_view<" + child(children, 0) + ">";
      case LargeListView -> "large_list_view<" + child(children, 0) + ">";
      case FixedSizeList ->
          "fixed_size_list<" + child(children, 0) + ">[" + ((ArrowType.FixedSizeList) type).getListSize() + "]";
      case Struct -> {
        StringJoiner members = new StringJoiner(", ", "struct<", ">");
        for (int i = 0; i < children.size(); i++) {
          members.add(child(children, i));
        }
        yield members.toString();
      }
      case Map -> map((ArrowType.Map) type, children);
      case Union -> {
        ArrowType.Union union = (ArrowType.Union) type;
        int[] ids = union.getTypeIds();
        StringJoiner members = new StringJoiner(", ",
            (union.getMode() == org.apache.arrow.vector.types.UnionMode.Dense ? "dense" : "sparse") + "_union<", ">");
        for (int i = 0; i < children.size(); i++) {
          members.add(child(children, i) + "=" + (ids == null ? i : ids[i]));
        }
        yield members.toString();
      }
      case RunEndEncoded -> "run_end_encoded<run_ends: " + of(children.get(0)) + ", values: "
          + of(children.get(1)) + ">";
      default -> type instanceof ArrowType.ExtensionType extension
          ? "extension<" + extension.extensionName() + ">"
          : type.toString();
    };
  }

  /** A nested field as pyarrow prints it: {@code name: type}, with {@code not null} when it is. */
  private static String child(List<Field> children, int index) {
    if (index >= children.size()) {
      return "item: null";
    }
    Field child = children.get(index);
    return child.getName() + ": " + of(child) + (child.isNullable() ? "" : " not null");
  }

  private static String map(ArrowType.Map type, List<Field> children) {
    List<Field> entry = children.isEmpty() ? List.of() : children.get(0).getChildren();
    if (entry.size() != 2) {
      return "map<>";
    }
    StringBuilder text = new StringBuilder("map<");
    text.append(of(entry.get(0)));
    named(text, entry.get(0), "key");
    text.append(", ").append(of(entry.get(1)));
    named(text, entry.get(1), "value");
    if (type.getKeysSorted()) {
      text.append(", keys_sorted");
    }
    named(text, children.get(0), "entries");
    return text.append('>').toString();
  }

  private static void named(StringBuilder text, Field field, String usual) {
    if (!usual.equals(field.getName())) {
      text.append(" ('").append(field.getName()).append("')");
    }
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
