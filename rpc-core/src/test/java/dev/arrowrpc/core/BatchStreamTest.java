package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.core.testing.Loopback;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streams of whole batches on run-time schemas. */
class BatchStreamTest {
  /** Connects a client to a server of the implementation; subclasses use other transports. */
  protected <T> Harness open(Class<T> service, T implementation) throws Exception {
    return new Loopback(service, implementation);
  }

  public record Info(String note) {}

  @RpcService
  public interface Columns {
    BatchStream numbers(long count, String columnName);

    BatchStream scale(double factor);

    @StreamHeader(Info.class)
    BatchStream noColumns();

    long cancels();
  }

  static final Schema VALUE = new Schema(List.of(Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

  public static final class Impl implements Columns {
    final AtomicInteger cancels = new AtomicInteger();

    @Override
    public BatchStream numbers(long count, String columnName) {
      Schema schema = new Schema(List.of(Field.notNullable(columnName, new ArrowType.Int(64, true))));
      long[] next = {0};
      return BatchStream.producer(schema, new BatchState() {
        @Override
        public void process(InputBatch input, BatchOutput out, CallContext context) {
          if (next[0] >= count) {
            out.finish();
            return;
          }
          VectorSchemaRoot batch = out.newBatch();
          BigIntVector v = (BigIntVector) batch.getVector(0);
          v.allocateNew(2);
          v.set(0, next[0]);
          v.set(1, next[0] * 100);
          batch.setRowCount(2);
          out.emit(batch, Map.of("turn", Long.toString(next[0]++)));
        }

        @Override
        public void onCancel(CallContext context) {
          cancels.incrementAndGet();
        }
      });
    }

    @Override
    public BatchStream scale(double factor) {
      return BatchStream.exchange(VALUE, VALUE, (input, out, context) -> {
        Float8Vector in = (Float8Vector) input.root().getVector("value");
        VectorSchemaRoot batch = out.newBatch();
        Float8Vector o = (Float8Vector) batch.getVector(0);
        int rows = input.root().getRowCount();
        o.allocateNew(Math.max(rows, 1));
        for (int i = 0; i < rows; i++) {
          o.set(i, in.get(i) * factor);
        }
        batch.setRowCount(rows);
        out.emit(batch);
      });
    }

    @Override
    public BatchStream noColumns() {
      return BatchStream.producer(new Schema(List.of()), (input, out, context) -> out.emit(out.newBatch()))
          .withHeader(new Info("zero columns"));
    }

    @Override
    public long cancels() {
      return cancels.get();
    }
  }

  private Harness loop;
  private Columns service;

  @BeforeEach
  void start() throws Exception {
    loop = open(Columns.class, new Impl());
    service = loop.proxy(Columns.class);
  }

  @AfterEach
  void stop() throws Exception {
    assertEquals(0, service.cancels() - service.cancels(), "connection still usable");
    assertEquals(0, loop.clientBytes());
    assertEquals(0, loop.serverBytes());
    loop.close();
  }

  @Test
  void producerWithARunTimeSchema() {
    List<Long> values = new ArrayList<>();
    List<String> turns = new ArrayList<>();
    try (BatchStream stream = service.numbers(3, "n")) {
      Optional<VectorSchemaRoot> batch;
      while ((batch = stream.tick()).isPresent()) {
        VectorSchemaRoot root = batch.get();
        assertEquals("n", root.getSchema().getFields().get(0).getName());
        BigIntVector v = (BigIntVector) root.getVector(0);
        for (int i = 0; i < root.getRowCount(); i++) {
          values.add(v.get(i));
        }
        turns.add(stream.lastMetadata().get("turn"));
      }
    }
    assertEquals(List.of(0L, 0L, 1L, 100L, 2L, 200L), values);
    assertEquals(List.of("0", "1", "2"), turns);
  }

  @Test
  void closingAProducerEndsItWithoutCancelling() {
    BatchStream stream = service.numbers(100, "n");
    assertTrue(stream.tick().isPresent());
    stream.close();
    assertEquals(0, service.cancels());
  }

  @Test
  void cancellingAProducer() {
    BatchStream stream = service.numbers(100, "n");
    assertTrue(stream.tick().isPresent());
    stream.cancel();
    assertEquals(1, service.cancels());
    assertEquals(Optional.empty(), stream.tick());
  }

  @Test
  void exchangeWidensIntegerInputToTheDeclaredDouble() {
    try (BatchStream stream = service.scale(2.5);
        VectorSchemaRoot ints = VectorSchemaRoot.create(
            new Schema(List.of(Field.nullable("value", new ArrowType.Int(32, true)))), loop.clientAllocator())) {
      IntVector v = (IntVector) ints.getVector(0);
      v.allocateNew(2);
      v.set(0, 2);
      v.set(1, 4);
      ints.setRowCount(2);
      VectorSchemaRoot out = stream.exchange(ints);
      assertEquals(2, out.getRowCount());
      assertEquals(5.0, ((Float8Vector) out.getVector(0)).get(0));
      assertEquals(10.0, ((Float8Vector) out.getVector(0)).get(1));
    }
  }

  @Test
  void exchangeRefusesAnInputWithOtherColumns() {
    BatchStream stream = service.scale(1);
    try (VectorSchemaRoot wrong = VectorSchemaRoot.create(
        new Schema(List.of(Field.nullable("other", ArrowType.Utf8.INSTANCE))), loop.clientAllocator())) {
      ((VarCharVector) wrong.getVector(0)).allocateNew(1);
      wrong.setRowCount(0);
      RpcException e = assertThrows(RpcException.class, () -> stream.exchange(wrong));
      assertEquals("TypeError", e.errorType());
      assertTrue(e.errorMessage().contains("Input schema mismatch"), e.errorMessage());
    }
    stream.close();
  }

  @Test
  void zeroColumnBatchesWithAHeader() {
    try (BatchStream stream = service.noColumns()) {
      assertEquals(new Info("zero columns"), stream.header(Info.class));
      VectorSchemaRoot batch = stream.tick().orElseThrow();
      assertEquals(0, batch.getSchema().getFields().size());
    }
  }

  @Test
  void describeLeavesTheKindOfRunTimeStreamsOpen() {
    ServiceDescription d = loop.client().describe();
    assertEquals("unknown", d.method("numbers").orElseThrow().streamKind());
    assertEquals("stream", d.method("scale").orElseThrow().methodType());
    assertTrue(d.method("noColumns").orElseThrow().headerSchema().isPresent());
  }
}
