package dev.arrowrpc.conformance.nativeclient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The schemas {@link ClientConformanceService} declares are exactly the reference's: {@code
 * TYPED_EXCHANGE_SCHEMA} for the exchange's input and output, {@code PRODUCER_SCHEMA} for every
 * producer (field order, names, nullability, list item names, the dictionary's int16 index). The
 * HTTP lanes prove the same against the reference worker, which refuses any other schema on {@code
 * typed_exchange}; the raw lanes' server casts, so this pins the declaration without a worker.
 */
class DeclaredSchemaTest {
  private static final ServiceSpec SPEC = ServiceSpec.of(ClientConformanceService.class);

  /** The reference's {@code TYPED_EXCHANGE_SCHEMA}, written out by hand. */
  static final Schema TYPED_EXCHANGE_SCHEMA = new Schema(List.of(
      nullable("nullable_float", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(nullable("item", ArrowType.Utf8.INSTANCE))),
      new Field("category", new FieldType(true, ArrowType.Utf8.INSTANCE,
          new DictionaryEncoding(0, false, new ArrowType.Int(16, true))), List.of()),
      nullable("event_time", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
      nullable("amount", new ArrowType.Decimal(18, 4, 128)),
      new Field("nested", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(
          nullable("name", ArrowType.Utf8.INSTANCE),
          new Field("scores", FieldType.nullable(ArrowType.List.INSTANCE),
              List.of(nullable("item", new ArrowType.Int(32, true))))))));

  /** The reference's {@code PRODUCER_SCHEMA}. */
  static final Schema PRODUCER_SCHEMA = new Schema(List.of(
      new Field("index", FieldType.notNullable(new ArrowType.Int(64, true)), List.of()),
      new Field("payload", FieldType.notNullable(ArrowType.Binary.INSTANCE), List.of())));

  private static Field nullable(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), List.of());
  }

  @Test
  void typedExchangeDeclaresTheReferenceSchemaBothWays() {
    MethodSpec method = SPEC.methods().get("typed_exchange");
    assertEquals(TYPED_EXCHANGE_SCHEMA.toString(), method.input().orElseThrow().schema().toString());
    assertEquals(TYPED_EXCHANGE_SCHEMA.toString(), method.output().orElseThrow().schema().toString());
    // toString names a dictionary by id only: the index type and ordering are checked here
    for (Schema declared : List.of(method.input().orElseThrow().schema(), method.output().orElseThrow().schema())) {
      DictionaryEncoding encoding = declared.findField("category").getDictionary();
      assertEquals(new ArrowType.Int(16, true), encoding.getIndexType());
      assertEquals(false, encoding.isOrdered());
    }
  }

  @Test
  void producersDeclareTheReferenceSchema() {
    for (String name : List.of("producer_sequence", "producer_zero_row_then_value", "producer_emit_and_finish",
        "producer_empty")) {
      MethodSpec method = SPEC.methods().get(name);
      assertEquals(PRODUCER_SCHEMA, method.output().orElseThrow().schema(), name);
      assertEquals(method.input(), java.util.Optional.empty(), name);
    }
  }

  @Test
  void theProtocolIsTheReferencesUnversionedClientConformanceService() {
    assertEquals("ClientConformanceService", SPEC.protocolName());
    assertEquals(java.util.Optional.empty(), SPEC.protocolVersion());
  }
}
