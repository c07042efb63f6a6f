package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.wire.MetadataKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a state reads off an input batch: the application's metadata, never the transport's. */
class InputBatchTest {
  @Test
  void transportBookkeepingIsRemovedAndOrderKept() {
    Map<String, String> received = new LinkedHashMap<>();
    received.put("z.app", "1");
    received.put(MetadataKeys.STREAM_STATE, "cursor");
    received.put(MetadataKeys.CALL_STATE, "call");
    received.put(MetadataKeys.CANCEL, "1");
    received.put("a.app", "2");
    received.put("vgi_rpc.other", "kept");
    InputBatch batch = new InputBatch(null, received, null);
    assertEquals(List.of("z.app", "a.app", "vgi_rpc.other"), List.copyOf(batch.metadata().keySet()));
    assertEquals("2", batch.metadata().get("a.app"));
    received.put("late", "x");
    assertEquals(3, batch.metadata().size(), "the batch keeps its own copy");
    assertThrows(UnsupportedOperationException.class, () -> batch.metadata().put("k", "v"));
  }

  @Test
  void emptyMetadataStaysEmpty() {
    assertEquals(Map.of(), new InputBatch(null, Map.of(), null).metadata());
  }
}
