package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Wire;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks the {@link TypeCatalog} against the declarations {@link TypeMappingExpectationsTest} recorded:
 * every entry and every override it lists is exercised there, the Arrow types it states are the
 * ones the mapper produces, and looking a produced field up by Arrow type leads back to the
 * declaration.
 */
class TypeCatalogTest {
  private static final TypeCatalog CATALOG = TypeCatalog.standard();

  /** A recorded declaration the mapper accepts, with what it maps to. */
  private record Mapped(RecordComponent component, Class<?> raw, Optional<WireOverride> wire, Column column) {}

  private static List<Mapped> accepted(TypeMapper.Position position) {
    List<Mapped> out = new ArrayList<>();
    for (RecordComponent component : TypeMappingExpectationsTest.components()) {
      AnnotatedType annotated = component.getAnnotatedType();
      Column column;
      try {
        column = new TypeMapper().column(component.getName(), annotated, position);
      } catch (IllegalArgumentException refused) {
        continue;
      }
      out.add(new Mapped(component, TypeMapper.rawClass(annotated.getType()), wire(annotated), column));
    }
    return out;
  }

  /** The {@code @Wire} on a declaration (for {@code byte[]}, written before the type, it lands on {@code byte}). */
  private static Optional<WireOverride> wire(AnnotatedType annotated) {
    Wire wire = annotated.getAnnotation(Wire.class);
    if (wire == null && annotated instanceof AnnotatedArrayType array) {
      wire = array.getAnnotatedGenericComponentType().getAnnotation(Wire.class);
    }
    return Optional.ofNullable(wire).map(WireOverride::of);
  }

  @TestFactory
  Stream<DynamicTest> everyEntryAndEveryOverrideItAnswersToIsRecorded() {
    List<Mapped> nested = accepted(TypeMapper.Position.NESTED);
    return CATALOG.entries().stream().map(entry -> DynamicTest.dynamicTest(entry.javaType(), () -> {
      List<Class<?>> classes = entry.classes().isEmpty() ? List.of(Object.class) : entry.classes();
      for (Class<?> type : classes) {
        boolean exact = !entry.classes().isEmpty();
        if (entry.hasDefault()) {
          assertTrue(nested.stream().anyMatch(m -> m.wire().isEmpty()
                  && (exact ? m.raw() == type : entry.matches(m.raw()))),
              () -> "no recorded declaration of " + type + " for " + entry);
        }
        for (Wire.Type override : entry.overrides()) {
          assertTrue(nested.stream().anyMatch(m -> m.raw() == type
                  && m.wire().map(WireOverride::type).equals(Optional.of(override))),
              () -> "no recorded declaration of @Wire(" + override + ") " + type.getSimpleName());
        }
      }
    }));
  }

  @Test
  void theArrowTypesTheCatalogStatesAreTheOnesProduced() {
    for (Mapped m : accepted(TypeMapper.Position.NESTED)) {
      if (m.raw() == Optional.class) {
        continue; // the type argument carries the override; one on the Optional itself is not read
      }
      Field field = m.column().field();
      Optional<WireOverride> stated = m.wire().or(() ->
          CATALOG.forJavaType(m.raw()).flatMap(TypeCatalog.Entry::defaultWire));
      stated.ifPresent(wire -> {
        assertEquals(wire.arrowType(), field.getType(), m.component().getName());
        assertEquals(wire.dictionaryEncoded(), field.getDictionary() != null, m.component().getName());
      });
    }
  }

  @TestFactory
  Stream<DynamicTest> aProducedFieldLeadsBackToItsDeclaration() {
    return Stream.of(TypeMapper.Position.NESTED, TypeMapper.Position.PARAMETER)
        .flatMap(position -> accepted(position).stream()
            .filter(m -> m.raw() != Optional.class)
            .map(m -> DynamicTest.dynamicTest(m.component().getName() + " " + position, () -> {
              TypeCatalog.Entry entry = CATALOG.forJavaType(m.raw()).orElseThrow();
              Optional<WireOverride> needed = m.wire().filter(w -> !entry.defaultWire().equals(Optional.of(w)));
              List<TypeCatalog.Spelling> spellings = CATALOG.javaTypesFor(m.column().field());
              assertTrue(spellings.contains(new TypeCatalog.Spelling(entry, needed)),
                  () -> m.column().field() + " should be spelled " + new TypeCatalog.Spelling(entry, needed)
                      + ", got " + spellings);
            })));
  }

  @Test
  void theFirstSpellingOfAnArrowTypeIsTheDefaultOne() {
    assertEquals("long, Long", first(new WireOverride(Wire.Type.INT64, 38, 18, 0)));
    assertEquals("@Wire(UINT32) long, Long", first(WireOverride.of(Wire.Type.UINT32)));
    assertEquals("String", first(WireOverride.of(Wire.Type.UTF8)));
    assertEquals("enum", first(WireOverride.of(Wire.Type.DICTIONARY_UTF8)));
    assertEquals("byte[]", first(WireOverride.of(Wire.Type.BINARY)));
    assertEquals("@Wire(value = FIXED_SIZE_BINARY, byteWidth = 16) byte[]",
        first(new WireOverride(Wire.Type.FIXED_SIZE_BINARY, 0, 0, 16)));
    assertEquals("BigDecimal", first(WireOverride.of(Wire.Type.DECIMAL128)));
    assertEquals("@Wire(value = DECIMAL128, precision = 20, scale = 4) BigDecimal",
        first(new WireOverride(Wire.Type.DECIMAL128, 20, 4, 0)));
  }

  private static String first(WireOverride wire) {
    Field field = new Field("f", new org.apache.arrow.vector.types.pojo.FieldType(true, wire.arrowType(),
        wire.dictionaryEncoded()
            ? new org.apache.arrow.vector.types.pojo.DictionaryEncoding(0, false, DictionaryStringCodec.INDEX_TYPE)
            : null), null);
    return CATALOG.javaTypesFor(field).get(0).toString();
  }

  @Test
  void everyOverrideReadsBackFromItsArrowType() {
    for (Wire.Type type : Wire.Type.values()) {
      WireOverride wire = type == Wire.Type.FIXED_SIZE_BINARY
          ? new WireOverride(type, 38, 18, 16)
          : type == Wire.Type.DECIMAL128 ? new WireOverride(type, 20, 4, 0) : WireOverride.of(type);
      Field field = new Field("f", new org.apache.arrow.vector.types.pojo.FieldType(true, wire.arrowType(),
          wire.dictionaryEncoded()
              ? new org.apache.arrow.vector.types.pojo.DictionaryEncoding(0, false, DictionaryStringCodec.INDEX_TYPE)
              : null), null);
      assertEquals(Optional.of(wire), WireOverride.ofField(field), type.name());
      assertFalse(CATALOG.answering(type).isEmpty(), () -> "no Java type answers to " + type);
    }
  }

  @Test
  void unmappableTypesHaveNoEntry() {
    assertEquals(Optional.empty(), CATALOG.forJavaType(Object.class));
    assertEquals(Optional.empty(), CATALOG.forJavaType(int[].class));
    assertEquals(Optional.empty(), CATALOG.forJavaType(java.util.Collection.class));
  }

  @Test
  void attributesAnOverrideDoesNotUseDoNotTellOverridesApart() {
    assertEquals(WireOverride.of(Wire.Type.INT8), new WireOverride(Wire.Type.INT8, 3, 1, 7));
    assertEquals("@Wire(INT8)", new WireOverride(Wire.Type.INT8, 3, 1, 7).toString());
  }
}
