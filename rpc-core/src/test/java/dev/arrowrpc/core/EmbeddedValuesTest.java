package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.TypeMapper;
import dev.arrowrpc.core.testing.Loopback;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Schemas and record batches carried inside records, and fields declared non-nullable that hold nulls. */
class EmbeddedValuesTest {
  /** Like the reference's EmbeddedArrow: a batch and a schema as nested IPC binaries. */
  public record Embedded(VectorSchemaRoot batch, Schema schema) {}

  /** Like the reference's Annotated[date | None, ArrowType(pa.date32())] fields. */
  public record Quirky(@Nullable(declared = false) @Wire(Wire.Type.DATE32) LocalDate day, long n) {}

  @RpcService
  public interface Carrier {
    Embedded echoEmbedded(Embedded data);

    Quirky echoQuirky(Quirky data);

    long dropEmbedded(Embedded data);
  }

  public static final class Impl implements Carrier {
    @Override
    public Embedded echoEmbedded(Embedded data) {
      return data;
    }

    @Override
    public Quirky echoQuirky(Quirky data) {
      return data;
    }

    @Override
    public long dropEmbedded(Embedded data) {
      return data.batch().getRowCount();
    }
  }

  private static final Schema SCHEMA = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  @Test
  void quirkyFieldIsDeclaredNonNullableButCarriesNull() throws Exception {
    Schema schema = new TypeMapper().record(Quirky.class).schema();
    assertFalse(schema.findField("day").isNullable());
    try (Loopback loop = new Loopback(Carrier.class, new Impl())) {
      Carrier carrier = loop.proxy(Carrier.class);
      assertEquals(new Quirky(null, 1), carrier.echoQuirky(new Quirky(null, 1)));
      assertEquals(new Quirky(LocalDate.of(2024, 2, 29), 2), carrier.echoQuirky(new Quirky(LocalDate.of(2024, 2, 29), 2)));
      assertEquals(0, loop.serverBytes());
      assertEquals(0, loop.clientBytes());
    }
  }

  @Test
  void batchesAndSchemasTravelInsideRecordsAndAreReleased() throws Exception {
    MethodSpec spec = MethodSpec.of(Carrier.class.getMethod("echoEmbedded", Embedded.class));
    assertEquals(new ArrowType.Binary(), spec.params().schema().findField("data").getType());
    try (Loopback loop = new Loopback(Carrier.class, new Impl());
        VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, loop.clientAllocator())) {
      BigIntVector n = (BigIntVector) batch.getVector(0);
      n.allocateNew(3);
      n.set(0, 7);
      n.setNull(1);
      n.set(2, -7);
      batch.setRowCount(3);
      Carrier carrier = loop.proxy(Carrier.class);
      Embedded back = carrier.echoEmbedded(new Embedded(batch, SCHEMA));
      try (VectorSchemaRoot returned = back.batch()) {
        assertEquals(SCHEMA, back.schema());
        assertEquals(3, returned.getRowCount());
        assertEquals(7L, ((BigIntVector) returned.getVector(0)).get(0));
        assertTrue(returned.getVector(0).isNull(1));
      }
      assertEquals(3, carrier.dropEmbedded(new Embedded(batch, SCHEMA)));
      assertEquals(0, loop.serverBytes(), "the server released the roots inside the records");
      assertNull(loop.serverFailure());
    }
  }

  @Test
  void nonNullableFieldsStillRefuseNull() throws Exception {
    try (Loopback loop = new Loopback(Carrier.class, new Impl())) {
      RpcException e = assertThrows(RpcException.class,
          () -> loop.proxy(Carrier.class).echoEmbedded(new Embedded(null, SCHEMA)));
      assertEquals("TypeError", e.errorType());
    }
  }
}
