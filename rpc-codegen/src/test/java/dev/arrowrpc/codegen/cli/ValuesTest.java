package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrowrpc.core.wire.Batch;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.junit.jupiter.api.Test;

/** JSON into Arrow and back, type family by type family, and the command line's word splitting. */
class ValuesTest {
  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.notNullable(type), List.of(children));
  }

  @Test
  void everyTypeFamilyRoundTrips() {
    Field map = new Field("m", FieldType.notNullable(new ArrowType.Map(false)), List.of(
        new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
            field("key", ArrowType.Utf8.INSTANCE), new Field("value", FieldType.nullable(new ArrowType.Int(64, true)),
                List.of())))));
    Schema schema = new Schema(List.of(
        field("i8", new ArrowType.Int(8, true)),
        field("u64", new ArrowType.Int(64, false)),
        field("f", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        field("s", ArrowType.Utf8.INSTANCE),
        field("b", ArrowType.Binary.INSTANCE),
        field("ok", ArrowType.Bool.INSTANCE),
        field("d", new ArrowType.Decimal(10, 2, 128)),
        field("day", new ArrowType.Date(DateUnit.DAY)),
        field("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
        field("wall", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
        field("t", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
        field("dur", new ArrowType.Duration(TimeUnit.MILLISECOND)),
        field("l", ArrowType.List.INSTANCE, field("item", ArrowType.List.INSTANCE, field("item", new ArrowType.Int(64, true)))),
        map,
        field("st", ArrowType.Struct.INSTANCE, field("x", new ArrowType.Int(32, true)),
            new Field("y", FieldType.nullable(ArrowType.Utf8.INSTANCE), List.of())),
        new Field("opt", FieldType.nullable(ArrowType.Utf8.INSTANCE), List.of()),
        new Field("colour", new FieldType(false, ArrowType.Utf8.INSTANCE,
            new DictionaryEncoding(7, false, new ArrowType.Int(16, true))), List.of())));
    String json = "{\"i8\":-128,\"u64\":18446744073709551615,\"f\":1.5,\"s\":\"hé\",\"b\":\"AAEC\",\"ok\":true,"
        + "\"d\":12.50,\"day\":\"2024-02-29\",\"ts\":\"2024-01-02T03:04:05.123456Z\",\"wall\":\"2024-01-02T03:04:05.123\","
        + "\"t\":\"12:30:00.000001\",\"dur\":\"PT1.5S\",\"l\":[[1,2],[],[3]],\"m\":{\"a\":1,\"b\":null},"
        + "\"st\":{\"x\":3,\"y\":null},\"opt\":null,\"colour\":\"RED\"}";
    JsonNode row = Json.parse(json, "row");
    try (BufferAllocator memory = new RootAllocator()) {
      try (Batch batch = Values.rows(schema, List.of(row, row), memory)) {
        assertEquals(2, batch.root().getRowCount());
        assertEquals(1, batch.dictionaries().get(7L).getRowCount(), "one distinct dictionary value");
        DictionaryProvider dictionaries = new DictionaryProvider.MapDictionaryProvider(
            new org.apache.arrow.vector.dictionary.Dictionary(batch.dictionaries().get(7L).getVector(0),
                schema.findField("colour").getDictionary()));
        List<com.fasterxml.jackson.databind.node.ObjectNode> back = Rows.of(batch.root(), dictionaries, memory);
        assertEquals(json, Json.text(back.get(0)), "read back as written (decimals keep their scale)");
        assertEquals(json, Json.text(back.get(1)));
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  @Test
  void valuesThatDoNotFitSayWhereAndWhy() {
    Schema schema = new Schema(List.of(field("n", new ArrowType.Int(8, true)),
        field("l", ArrowType.List.INSTANCE, field("item", new ArrowType.Int(64, true)))));
    try (BufferAllocator memory = new RootAllocator()) {
      UsageException range = assertThrows(UsageException.class,
          () -> Values.request(schema, Map.of("n", Json.parse("300", "n"), "l", Json.parse("[]", "l")), memory));
      assertEquals("n: 300 is out of range for int8", range.getMessage());
      UsageException item = assertThrows(UsageException.class,
          () -> Values.request(schema, Map.of("n", Json.parse("1", "n"), "l", Json.parse("[1, \"x\"]", "l")), memory));
      assertTrue(item.getMessage().startsWith("l[1]: \"x\" does not fit int64"), item.getMessage());
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  @Test
  void commandLineValuesAreStringsForStringColumnsAndJsonOtherwise() {
    Field text = field("s", ArrowType.Utf8.INSTANCE);
    assertEquals("42", Values.parse("42", text).textValue());
    assertEquals("quoted", Values.parse("\"quoted\"", text).textValue());
    assertTrue(Values.parse("42", field("n", new ArrowType.Int(64, true))).isIntegralNumber());
    assertEquals("2024-01-01", Values.parse("2024-01-01", field("d", new ArrowType.Date(DateUnit.DAY))).textValue());
  }

  @Test
  void commandsSplitLikeAShellOrRunThroughOne() {
    assertEquals(List.of("java", "-jar", "my worker.jar", "it's"), Shell.split("java -jar 'my worker.jar' it\\'s"));
    assertEquals(List.of("a", "b c", "d\"e"), Shell.split("a \"b c\" \"d\\\"e\""));
    assertEquals(List.of("sh", "-c", "worker | tee log"), Shell.split("worker | tee log"));
    assertEquals(List.of("sh", "-c", "$HOME/worker"), Shell.split("$HOME/worker"));
    assertThrows(UsageException.class, () -> Shell.split("a 'b"));
    assertThrows(UsageException.class, () -> Shell.split("   "));
  }
}
