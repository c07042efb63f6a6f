package dev.arrowrpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.wire.IpcBytes;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptions a Java interface cannot declare are refused, naming the protocol, method and field. */
class UnmappableSchemaTest {
  private static final String HASH = "0".repeat(64);

  @TempDir Path dir;

  private static Field field(String name, boolean nullable, ArrowType type, Field... children) {
    return new Field(name, new FieldType(nullable, type, null), List.of(children));
  }

  private static ServiceDescription unary(String method, Field... params) {
    MethodInfo info = new MethodInfo(method, "unary", false, false, MethodInfo.NOT_A_STREAM,
        IpcBytes.schema(new Schema(List.of(params))), new byte[0], new byte[0], MethodInfo.IDEMPOTENCY_UNKNOWN,
        false, "");
    return new ServiceDescription("odd.proto", "", HASH, false, "", List.of(), List.of(info));
  }

  @Test
  void anArrowTypeTheCatalogLacksIsRefusedNamingWhereItIs() {
    Field half = field("h", false, new ArrowType.FloatingPoint(FloatingPointPrecision.HALF));
    UnmappableSchemaException e = assertThrows(UnmappableSchemaException.class,
        () -> InterfaceGenerator.generate(unary("measure", field("s", false, ArrowType.Struct.INSTANCE, half)), "x"));
    assertEquals("odd.proto", e.protocol());
    assertEquals("measure", e.method());
    assertEquals("params.s.h", e.field());
    assertTrue(e.getMessage().startsWith("protocol odd.proto, method measure, field params.s.h: the Arrow type"),
        e.getMessage());
  }

  @Test
  void aListWithNonNullableItemsIsRefused() {
    Field list = field("xs", false, ArrowType.List.INSTANCE, field("item", false, new ArrowType.Int(64, true)));
    UnmappableSchemaException e = assertThrows(UnmappableSchemaException.class,
        () -> InterfaceGenerator.generate(unary("sum", list), "x"));
    assertEquals("params.xs", e.field());
  }

  @Test
  void namesThatAreNotJavaIdentifiersAreRefused() {
    UnmappableSchemaException keyword = assertThrows(UnmappableSchemaException.class,
        () -> InterfaceGenerator.generate(unary("class"), "x"));
    assertEquals("class", keyword.method());
    UnmappableSchemaException column = assertThrows(UnmappableSchemaException.class,
        () -> InterfaceGenerator.generate(unary("ok", field("two words", false, ArrowType.Utf8.INSTANCE)), "x"));
    assertEquals("params.two words", column.field());
  }

  @Test
  void recordNamesNeverShadowTheTypesTheInterfaceUses() throws Exception {
    Field list = field("lists", false, ArrowType.List.INSTANCE,
        field("item", true, ArrowType.Struct.INSTANCE, field("a", false, new ArrowType.Int(32, true))));
    Field wire = field("wire", false, ArrowType.Struct.INSTANCE, field("b", true, ArrowType.Utf8.INSTANCE));
    GeneratedInterface generated = InterfaceGenerator.generate(unary("take", list, wire), "gen.odd");
    assertEquals("OddProto", generated.simpleName());
    String source = generated.source();
    assertTrue(source.contains("void take(List<List2> lists, Wire2 wire);"), source);
    assertTrue(source.contains("record List2(int a) {}"), source);
    assertTrue(source.contains("record Wire2(@Nullable String b) {}"), source);
    Compiled.compile(dir, List.of(generated)).loadClass(generated.qualifiedName());
  }
}
