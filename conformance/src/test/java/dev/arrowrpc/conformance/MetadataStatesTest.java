package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchOutput;
import dev.arrowrpc.core.BatchState;
import dev.arrowrpc.core.InputBatch;
import dev.arrowrpc.core.LogLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The states that read their input's custom metadata, driven directly with metadata attached (the
 * Java client sends none): what a tick or an input batch carried is what they report, and the
 * transport's bookkeeping never shows.
 */
class MetadataStatesTest {
  /** A turn's output, captured. */
  private static final class Captured implements BatchOutput {
    private final Schema schema;
    private final BufferAllocator allocator;
    private final List<VectorSchemaRoot> batches = new ArrayList<>();
    private boolean finished;

    Captured(Schema schema, BufferAllocator allocator) {
      this.schema = schema;
      this.allocator = allocator;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public BufferAllocator allocator() {
      return allocator;
    }

    @Override
    public void emit(VectorSchemaRoot batch, Map<String, String> metadata) {
      batches.add(batch);
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public void log(LogLevel level, String message, Map<String, String> extra) {}

    String text(int batch, String column) {
      return ((VarCharVector) batches.get(batch).getVector(column)).getObject(0).toString();
    }

    void close() {
      batches.forEach(VectorSchemaRoot::close);
    }
  }

  private static Map<String, String> metadata(String... keysAndValues) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      metadata.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return metadata;
  }

  private static void turn(BatchState state, VectorSchemaRoot input, Map<String, String> metadata, Captured out)
      throws Exception {
    state.process(new InputBatch(input, metadata, null), out, null);
  }

  @Test
  void tickMetadataReachesEachTick() throws Exception {
    try (BufferAllocator memory = new RootAllocator();
        VectorSchemaRoot tick = VectorSchemaRoot.create(Batches.EMPTY, memory)) {
      Captured out = new Captured(Batches.TICK_METADATA, memory);
      BatchState state = new ProducerStates.TickMetadata(2);
      turn(state, tick, metadata("vgi.conformance.tick", "updated", "vgi_rpc.stream_state#b64", "cursor"), out);
      turn(state, tick, metadata(), out);
      turn(state, tick, metadata("vgi.conformance.tick", "late"), out);
      assertEquals(2, out.batches.size());
      assertEquals("updated", out.text(0, "seen"));
      assertEquals("", out.text(1, "seen"));
      assertEquals(1, ((BigIntVector) out.batches.get(1).getVector("index")).get(0));
      assertTrue(out.finished);
      out.close();
    }
  }

  @Test
  void inputMetadataIsReportedPerTurnWithoutTransportKeys() throws Exception {
    try (BufferAllocator memory = new RootAllocator();
        VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, memory)) {
      Captured out = new Captured(Batches.INPUT_METADATA, memory);
      BatchState state = new ExchangeStates.InputMetadata();
      turn(state, input, metadata("vgi.conformance.input", "first", "vgi_rpc.stream_state#b64", "cursor",
          "vgi_rpc.call_state#b64", "call", "b", "x"), out);
      turn(state, input, metadata("vgi.conformance.input", "second"), out);
      turn(state, input, metadata(), out);
      assertEquals(List.of("first", "second", ""), List.of(out.text(0, "seen"), out.text(1, "seen"), out.text(2, "seen")));
      assertEquals("b,vgi.conformance.input", out.text(0, "keys"));
      assertEquals("vgi.conformance.input", out.text(1, "keys"));
      assertEquals("", out.text(2, "keys"));
      out.close();
    }
  }

  @Test
  void keysSortByCodePoint() {
    // U+FFFF sorts before U+1F600 by code point, after it by UTF-16 unit
    List<String> keys = new ArrayList<>(List.of("\uD83D\uDE00", "\uFFFF", "a", "ab", ""));
    keys.sort(ExchangeStates::compareCodePoints);
    assertEquals(List.of("", "a", "ab", "\uFFFF", "\uD83D\uDE00"), keys);
  }
}
