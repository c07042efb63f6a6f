package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Type names in access records read as pyarrow prints them (the strings below are pyarrow's). */
class ArrowTypeTextTest {
  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), List.of(children));
  }

  private static Field required(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.notNullable(type), List.of(children));
  }

  private static void renders(String expected, ArrowType type, Field... children) {
    assertEquals(expected, ArrowTypeText.of(field("f", type, children)));
  }

  @Test
  void primitives() {
    renders("null", ArrowType.Null.INSTANCE);
    renders("bool", ArrowType.Bool.INSTANCE);
    renders("int8", new ArrowType.Int(8, true));
    renders("uint64", new ArrowType.Int(64, false));
    renders("halffloat", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF));
    renders("float", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    renders("double", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
    renders("string", ArrowType.Utf8.INSTANCE);
    renders("large_string", ArrowType.LargeUtf8.INSTANCE);
    renders("string_view", ArrowType.Utf8View.INSTANCE);
    renders("binary", ArrowType.Binary.INSTANCE);
    renders("large_binary", ArrowType.LargeBinary.INSTANCE);
    renders("binary_view", ArrowType.BinaryView.INSTANCE);
    renders("fixed_size_binary[16]", new ArrowType.FixedSizeBinary(16));
    renders("decimal128(10, 2)", new ArrowType.Decimal(10, 2, 128));
    renders("decimal256(40, 5)", new ArrowType.Decimal(40, 5, 256));
  }

  @Test
  void temporal() {
    renders("date32[day]", new ArrowType.Date(DateUnit.DAY));
    renders("date64[ms]", new ArrowType.Date(DateUnit.MILLISECOND));
    renders("time32[s]", new ArrowType.Time(TimeUnit.SECOND, 32));
    renders("time64[us]", new ArrowType.Time(TimeUnit.MICROSECOND, 64));
    renders("timestamp[s]", new ArrowType.Timestamp(TimeUnit.SECOND, null));
    renders("timestamp[us, tz=UTC]", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    renders("timestamp[ns, tz=America/New_York]", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "America/New_York"));
    renders("duration[ms]", new ArrowType.Duration(TimeUnit.MILLISECOND));
    renders("month_day_nano_interval", new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO));
  }

  @Test
  void nested() {
    ArrowType int64 = new ArrowType.Int(64, true);
    renders("list<item: int64>", ArrowType.List.INSTANCE, field("item", int64));
    renders("list<x: string not null>", ArrowType.List.INSTANCE, required("x", ArrowType.Utf8.INSTANCE));
    renders("large_list<item: int32>", ArrowType.LargeList.INSTANCE, field("item", new ArrowType.Int(32, true)));
    renders("fixed_size_list<item: int8>[3]", new ArrowType.FixedSizeList(3), field("item", new ArrowType.Int(8, true)));
    renders("struct<a: int64, b: string not null>", ArrowType.Struct.INSTANCE, field("a", int64),
        required("b", ArrowType.Utf8.INSTANCE));
    renders("struct<>", ArrowType.Struct.INSTANCE);
    renders("map<string, int64>", new ArrowType.Map(false), required("entries", ArrowType.Struct.INSTANCE,
        required("key", ArrowType.Utf8.INSTANCE), field("value", int64)));
    renders("map<string, list<item: int64>>", new ArrowType.Map(false), required("entries", ArrowType.Struct.INSTANCE,
        required("key", ArrowType.Utf8.INSTANCE), field("value", ArrowType.List.INSTANCE, field("item", int64))));
    renders("map<string, int64 ('v'), keys_sorted>", new ArrowType.Map(true), required("entries",
        ArrowType.Struct.INSTANCE, required("key", ArrowType.Utf8.INSTANCE), field("v", int64)));
    renders("dense_union<i: int64=0, s: string=1>", new ArrowType.Union(UnionMode.Dense, new int[] {0, 1}),
        field("i", int64), field("s", ArrowType.Utf8.INSTANCE));
    renders("sparse_union<i: int64=0>", new ArrowType.Union(UnionMode.Sparse, new int[] {0}), field("i", int64));
  }

  @Test
  void dictionaries() {
    Field encoded = new Field("e", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(0, false, new ArrowType.Int(16, true))), List.of());
    assertEquals("dictionary<values=string, indices=int16, ordered=0>", ArrowTypeText.of(encoded));
    Field ordered = new Field("e", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(1, true, new ArrowType.Int(32, true))), List.of());
    assertEquals("dictionary<values=string, indices=int32, ordered=1>", ArrowTypeText.of(ordered));
    assertEquals("struct<a: dictionary<values=string, indices=int16, ordered=0>>",
        ArrowTypeText.of(field("s", ArrowType.Struct.INSTANCE, new Field("a", encoded.getFieldType(), List.of()))));
  }

  @Test
  void aShapeNamesEveryParameterInOrderAndTopLevelNullabilityIsNotPartOfTheType() {
    Schema schema = new Schema(List.of(required("name", ArrowType.Utf8.INSTANCE),
        field("n", new ArrowType.Int(64, true))));
    assertEquals(new RequestShape(List.of(new RequestShape.Param("name", "string"),
        new RequestShape.Param("n", "int64")), 1), RequestShape.of(schema, 1));
  }
}
