package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Schema derivation: every parameter, result and record schema of {@link TypeZoo} must equal what
 * the Python reference derives for the corresponding annotations (recorded with pyarrow by {@code
 * gen_reference_schemas.py}), field names, types, nullability, children and dictionary encodings
 * alike. A few rules are also asserted by hand so a failure reads as the rule it breaks.
 */
class SchemaDerivationTest {
  private static final Map<String, Schema> REFERENCE = ReferenceSchemas.load();

  private static List<Method> remoteMethods() {
    List<Method> methods = new ArrayList<>();
    for (Method method : TypeZoo.class.getMethods()) {
      if (Modifier.isAbstract(method.getModifiers())) {
        methods.add(method);
      }
    }
    methods.sort((a, b) -> a.getName().compareTo(b.getName()));
    return methods;
  }

  private static final List<Class<?>> RECORDS =
      List.of(
          TypeZoo.Point.class,
          TypeZoo.Inner.class,
          TypeZoo.Middle.class,
          TypeZoo.Outer.class,
          TypeZoo.Scalars.class,
          TypeZoo.Wired.class,
          TypeZoo.Temporal.class,
          TypeZoo.Containers.class);

  private static void assertSameSchema(String key, Schema java) {
    Schema reference = REFERENCE.get(key);
    assertNotNull(reference, "no reference schema recorded for " + key + ": rerun the generator");
    assertEquals(ReferenceSchemas.describe(reference), ReferenceSchemas.describe(java), key);
    assertEquals(
        ReferenceSchemas.withoutDictionaryIds(reference),
        ReferenceSchemas.withoutDictionaryIds(java),
        key);
    List<Long> ids = ReferenceSchemas.dictionaryIds(java);
    assertEquals(ids.size(), new HashSet<>(ids).size(), key + ": dictionary ids must be unique " + ids);
  }

  @TestFactory
  Stream<DynamicTest> parameterSchemasMatchTheReference() {
    return remoteMethods().stream()
        .map(m -> DynamicTest.dynamicTest(m.getName(),
            () -> assertSameSchema("params." + m.getName(), MethodSpec.of(m).params().schema())));
  }

  @TestFactory
  Stream<DynamicTest> resultSchemasMatchTheReference() {
    return remoteMethods().stream()
        .map(m -> DynamicTest.dynamicTest(m.getName(),
            () -> assertSameSchema("result." + m.getName(), MethodSpec.of(m).result().schema())));
  }

  @TestFactory
  Stream<DynamicTest> recordSchemasMatchTheReference() {
    return RECORDS.stream()
        .map(r -> DynamicTest.dynamicTest(r.getSimpleName(),
            () -> assertSameSchema("record." + r.getSimpleName(), new TypeMapper().record(r).schema())));
  }

  @Test
  void theReferenceFileCoversExactlyTheInterface() {
    Set<String> expected = new TreeSet<>();
    for (Method m : remoteMethods()) {
      expected.add("params." + m.getName());
      expected.add("result." + m.getName());
    }
    for (Class<?> r : RECORDS) {
      expected.add("record." + r.getSimpleName());
    }
    assertEquals(expected, new TreeSet<>(REFERENCE.keySet()));
    assertEquals(expected.size() - RECORDS.size(), ServiceSpec.of(TypeZoo.class).methods().size() * 2);
  }

  private static Field param(String method) {
    return spec(method).params().schema().getFields().get(0);
  }

  private static Field result(String method) {
    return spec(method).result().schema().getFields().get(0);
  }

  private static MethodSpec spec(String method) {
    return ServiceSpec.of(TypeZoo.class).methods().get(method);
  }

  @Test
  void listChildIsANullableItem() {
    Field list = param("echoStrings");
    assertEquals(ArrowType.List.INSTANCE, list.getType());
    assertFalse(list.isNullable());
    Field item = list.getChildren().get(0);
    assertEquals("item", item.getName());
    assertTrue(item.isNullable());
    assertEquals(ArrowType.Utf8.INSTANCE, item.getType());
    assertEquals(ArrowType.List.INSTANCE, param("echoLongSet").getType());
  }

  @Test
  void mapHasNonNullEntriesAndKeyAndNullableValue() {
    Field map = param("echoMap");
    assertEquals(new ArrowType.Map(false), map.getType());
    Field entries = map.getChildren().get(0);
    assertEquals("entries", entries.getName());
    assertFalse(entries.isNullable());
    assertEquals("key", entries.getChildren().get(0).getName());
    assertFalse(entries.getChildren().get(0).isNullable());
    assertEquals("value", entries.getChildren().get(1).getName());
    assertTrue(entries.getChildren().get(1).isNullable());
  }

  @Test
  void enumIsAnUnorderedInt16DictionaryOfStrings() {
    Field color = param("echoColor");
    assertEquals(ArrowType.Utf8.INSTANCE, color.getType());
    assertEquals(new ArrowType.Int(16, true), color.getDictionary().getIndexType());
    assertFalse(color.getDictionary().isOrdered());
  }

  @Test
  void recordNullabilityFollowsTheReference() {
    assertEquals(ArrowType.Binary.INSTANCE, param("echoPoint").getType());
    assertFalse(param("echoPoint").isNullable());
    assertTrue(param("echoOptPoint").isNullable());
    assertEquals(ArrowType.Binary.INSTANCE, param("echoOptPoint").getType());
    assertTrue(param("echoNullablePoint").isNullable());
    // a record result is a binary cell, nullable exactly when the result is optional (0.52.2)
    assertEquals(ArrowType.Binary.INSTANCE, result("echoPoint").getType());
    assertFalse(result("echoPoint").isNullable());
    assertEquals(ArrowType.Binary.INSTANCE, result("echoOptPoint").getType());
    assertTrue(result("echoOptPoint").isNullable());
    assertEquals(ArrowType.Binary.INSTANCE, result("echoNullablePoint").getType());
    assertTrue(result("echoNullablePoint").isNullable());
  }

  @Test
  void nestedRecordsAreStructsKeepingChildNullability() {
    Schema middle = new TypeMapper().record(TypeZoo.Middle.class).schema();
    Field inner = middle.findField("inner");
    assertEquals(ArrowType.Struct.INSTANCE, inner.getType());
    assertFalse(inner.isNullable());
    assertTrue(middle.findField("spare").isNullable());
    assertFalse(inner.getChildren().get(0).isNullable());
    assertTrue(inner.getChildren().get(1).isNullable());
  }

  @Test
  void wireOverridesOnByteArraysApplyInEitherPosition() {
    assertEquals(new ArrowType.FixedSizeBinary(8), param("echoFixed8").getType());
    assertEquals(new ArrowType.FixedSizeBinary(8), result("echoFixed8").getType());
    assertEquals(new ArrowType.FixedSizeBinary(4), param("echoFixed4ArrayForm").getType());
    assertEquals(ArrowType.LargeBinary.INSTANCE, param("echoLargeBytes").getType());
    assertTrue(param("echoNullableBytes").isNullable());
    assertTrue(param("echoNullableBytesArrayForm").isNullable());
  }

  @Test
  void temporalAndDecimalDefaults() {
    assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), param("echoInstant").getType());
    assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), param("echoLocalDateTime").getType());
    assertEquals(new ArrowType.Date(DateUnit.DAY), param("echoLocalDate").getType());
    assertEquals(new ArrowType.Time(TimeUnit.MICROSECOND, 64), param("echoLocalTime").getType());
    assertEquals(new ArrowType.Duration(TimeUnit.MICROSECOND), param("echoDuration").getType());
    assertEquals(new ArrowType.Decimal(38, 18, 128), param("echoBigDecimal").getType());
    assertEquals(new ArrowType.Decimal(20, 4, 128), param("echoDecimal").getType());
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), param("echoFloat").getType());
  }

  @Test
  void voidResultIsTheEmptySchemaAndRootsAreBinary() {
    assertTrue(spec("nothing").result().schema().getFields().isEmpty());
    assertFalse(spec("nothing").hasReturn());
    assertEquals(ArrowType.Binary.INSTANCE, param("echoRoot").getType());
    assertFalse(param("echoRoot").isNullable());
    assertEquals(ArrowType.Binary.INSTANCE, result("echoRoot").getType());
    assertNull(result("echoRoot").getDictionary());
  }
}
