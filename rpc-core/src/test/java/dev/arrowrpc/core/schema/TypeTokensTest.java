package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
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

/** Every row of WIRE_PROTOCOL.md §14's type-token table. */
class TypeTokensTest {
  private static Field field(String name, boolean nullable, ArrowType type, Field... children) {
    return new Field(name, new FieldType(nullable, type, null), List.of(children));
  }

  private static Field leaf(ArrowType type) {
    return field("x", true, type);
  }

  private static String token(ArrowType type, Field... children) {
    return TypeTokens.of(field("x", false, type, children));
  }

  @Test
  void primitives() {
    assertEquals("null", token(ArrowType.Null.INSTANCE));
    assertEquals("bool", token(ArrowType.Bool.INSTANCE));
    assertEquals("int8", token(new ArrowType.Int(8, true)));
    assertEquals("int16", token(new ArrowType.Int(16, true)));
    assertEquals("int32", token(new ArrowType.Int(32, true)));
    assertEquals("int64", token(new ArrowType.Int(64, true)));
    assertEquals("uint8", token(new ArrowType.Int(8, false)));
    assertEquals("uint16", token(new ArrowType.Int(16, false)));
    assertEquals("uint32", token(new ArrowType.Int(32, false)));
    assertEquals("uint64", token(new ArrowType.Int(64, false)));
    assertEquals("float16", token(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)));
    assertEquals("float32", token(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    assertEquals("float64", token(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    assertEquals("decimal128(38,9)", token(new ArrowType.Decimal(38, 9, 128)));
    assertEquals("decimal256(76,-2)", token(new ArrowType.Decimal(76, -2, 256)));
  }

  @Test
  void stringsAndBinaries() {
    assertEquals("utf8", token(ArrowType.Utf8.INSTANCE));
    assertEquals("large_utf8", token(ArrowType.LargeUtf8.INSTANCE));
    assertEquals("utf8_view", token(ArrowType.Utf8View.INSTANCE));
    assertEquals("binary", token(ArrowType.Binary.INSTANCE));
    assertEquals("large_binary", token(ArrowType.LargeBinary.INSTANCE));
    assertEquals("binary_view", token(ArrowType.BinaryView.INSTANCE));
    assertEquals("fixed_size_binary(16)", token(new ArrowType.FixedSizeBinary(16)));
  }

  @Test
  void temporal() {
    assertEquals("date32", token(new ArrowType.Date(DateUnit.DAY)));
    assertEquals("date64", token(new ArrowType.Date(DateUnit.MILLISECOND)));
    assertEquals("time32(s)", token(new ArrowType.Time(TimeUnit.SECOND, 32)));
    assertEquals("time32(ms)", token(new ArrowType.Time(TimeUnit.MILLISECOND, 32)));
    assertEquals("time64(us)", token(new ArrowType.Time(TimeUnit.MICROSECOND, 64)));
    assertEquals("time64(ns)", token(new ArrowType.Time(TimeUnit.NANOSECOND, 64)));
    assertEquals("timestamp(us)", token(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)));
    assertEquals("timestamp(s,tz=UTC)", token(new ArrowType.Timestamp(TimeUnit.SECOND, "UTC")));
    // verbatim: +00:00 is not UTC
    assertEquals("timestamp(ns,tz=+00:00)", token(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "+00:00")));
    assertEquals("timestamp(ms,tz=Europe/Paris)", token(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "Europe/Paris")));
    assertEquals("duration(ms)", token(new ArrowType.Duration(TimeUnit.MILLISECOND)));
    assertEquals("interval_months", token(new ArrowType.Interval(IntervalUnit.YEAR_MONTH)));
    assertEquals("interval_day_time", token(new ArrowType.Interval(IntervalUnit.DAY_TIME)));
    assertEquals("interval_month_day_nano", token(new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO)));
  }

  @Test
  void listsNormaliseTheirChildNameAndKeepItsNullability() {
    Field element = field("element", true, ArrowType.Utf8.INSTANCE);
    Field strict = field("whatever", false, new ArrowType.Int(64, true));
    assertEquals("list<item?:utf8>", token(ArrowType.List.INSTANCE, element));
    assertEquals("list<item:int64>", token(ArrowType.List.INSTANCE, strict));
    assertEquals("large_list<item?:utf8>", token(ArrowType.LargeList.INSTANCE, element));
    assertEquals("list_view<item?:utf8>", token(ArrowType.ListView.INSTANCE, element));
    assertEquals("large_list_view<item:int64>", token(ArrowType.LargeListView.INSTANCE, strict));
    assertEquals("fixed_size_list(3)<item?:utf8>", token(new ArrowType.FixedSizeList(3), element));
    assertEquals("list<item?:list<item:int64>>",
        token(ArrowType.List.INSTANCE, field("item", true, ArrowType.List.INSTANCE, strict)));
  }

  @Test
  void structsKeepMemberNamesAndNullability() {
    assertEquals("struct<a:int32,b?:utf8>",
        token(ArrowType.Struct.INSTANCE, field("a", false, new ArrowType.Int(32, true)), leafNamed("b")));
    assertEquals("struct<>", token(ArrowType.Struct.INSTANCE));
  }

  private static Field leafNamed(String name) {
    return field(name, true, ArrowType.Utf8.INSTANCE);
  }

  @Test
  void mapsNormaliseEntryNamesAndFlagSortedKeys() {
    Field entries = field("entries", false, ArrowType.Struct.INSTANCE,
        field("k", false, ArrowType.Utf8.INSTANCE), field("v", true, new ArrowType.Int(64, true)));
    assertEquals("map<key:utf8,value?:int64>", token(new ArrowType.Map(false), entries));
    assertEquals("map<key:utf8,value?:int64>,keys_sorted", token(new ArrowType.Map(true), entries));
  }

  @Test
  void unionsSpellTheirTypeCodes() {
    Field a = field("a", true, new ArrowType.Int(32, true));
    Field b = field("b", false, ArrowType.Utf8.INSTANCE);
    assertEquals("dense_union<5=a?:int32,7=b:utf8>", token(new ArrowType.Union(UnionMode.Dense, new int[] {5, 7}), a, b));
    assertEquals("sparse_union<0=a?:int32,1=b:utf8>", token(new ArrowType.Union(UnionMode.Sparse, null), a, b));
  }

  @Test
  void dictionariesSpellIndexValueAndOrder() {
    Field plain = new Field("e", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(0, false, new ArrowType.Int(16, true))), null);
    Field ordered = new Field("e", new FieldType(false, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(1, true, new ArrowType.Int(8, false))), null);
    assertEquals("dictionary<index:int16,value:utf8>", TypeTokens.of(plain));
    assertEquals("dictionary<index:uint8,value:utf8>,ordered", TypeTokens.of(ordered));
    assertEquals("list<item?:dictionary<index:int16,value:utf8>>", token(ArrowType.List.INSTANCE, plain));
    // the IPC default index type is int32
    Field defaulted = new Field("e", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(2, false, null)), null);
    assertEquals("dictionary<index:int32,value:utf8>", TypeTokens.of(defaulted));
  }

  @Test
  void runEndEncodedAndExtensions() {
    assertEquals("run_end_encoded<run_ends:int32,values:utf8>",
        token(ArrowType.RunEndEncoded.INSTANCE, field("run_ends", false, new ArrowType.Int(32, true)),
            leafNamed("values")));
    assertEquals("extension(arrow.uuid)<fixed_size_binary(16)>", token(new Uuid()));
  }

  @Test
  void typesOutsideTheTableAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TypeTokens.of(leaf(new ArrowType.Int(128, true))));
    assertThrows(IllegalArgumentException.class, () -> TypeTokens.of(leaf(new ArrowType.Decimal(9, 2, 64))));
    assertThrows(IllegalArgumentException.class, () -> TypeTokens.of(leaf(ArrowType.List.INSTANCE)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProtocolHash.fields(new Schema(List.of(field("bad", true, new ArrowType.Int(24, false))))));
    assertEquals(true, e.getMessage().contains("no canonical protocol-hash token"));
  }

  @Test
  void topLevelFieldsCarryNameNullabilityAndToken() {
    Schema schema = new Schema(List.of(field("a", false, ArrowType.Utf8.INSTANCE), leafNamed("b")));
    assertEquals(
        List.of(Map.of("name", "a", "nullable", false, "type", "utf8"), Map.of("name", "b", "nullable", true, "type", "utf8")),
        ProtocolHash.fields(schema));
  }

  /** A minimal extension type, for its token. */
  private static final class Uuid extends ArrowType.ExtensionType {
    @Override
    public ArrowType storageType() {
      return new ArrowType.FixedSizeBinary(16);
    }

    @Override
    public String extensionName() {
      return "arrow.uuid";
    }

    @Override
    public boolean extensionEquals(ArrowType.ExtensionType other) {
      return other instanceof Uuid;
    }

    @Override
    public String serialize() {
      return "";
    }

    @Override
    public ArrowType deserialize(ArrowType storageType, String serializedData) {
      return new Uuid();
    }

    @Override
    public org.apache.arrow.vector.FieldVector getNewVector(String name, FieldType fieldType,
        org.apache.arrow.memory.BufferAllocator allocator) {
      throw new UnsupportedOperationException();
    }
  }
}
