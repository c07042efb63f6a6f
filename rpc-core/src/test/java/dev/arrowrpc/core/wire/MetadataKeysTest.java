package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A stream turn's tokens put on and taken off a batch's metadata. */
class MetadataKeysTest {
  @Test
  void tokensFollowTheBatchsOwnMetadataAndOverrideIt() {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("app.note", "hi");
    own.put(MetadataKeys.STREAM_STATE, "forged");
    Map<String, String> turn = MetadataKeys.withTokens(own, "cursor", Optional.of("call"), true);
    assertEquals(List.of("app.note", MetadataKeys.STREAM_STATE, MetadataKeys.CANCEL, MetadataKeys.CALL_STATE),
        List.copyOf(turn.keySet()));
    assertEquals("cursor", turn.get(MetadataKeys.STREAM_STATE));
    assertEquals("call", turn.get(MetadataKeys.CALL_STATE));
    assertEquals("1", turn.get(MetadataKeys.CANCEL));
    assertEquals(Map.of("app.note", "hi", MetadataKeys.STREAM_STATE, "cursor"),
        MetadataKeys.withTokens(Map.of("app.note", "hi"), "cursor", Optional.empty(), false));
    assertThrows(NullPointerException.class, () -> MetadataKeys.withTokens(Map.of(), null, Optional.empty(), false));
  }

  @Test
  void takingTokensOffKeepsTheRestInOrder() {
    Map<String, String> plain = Map.of("a", "1");
    assertSame(plain, MetadataKeys.withoutTokens(plain), "nothing to take off: the same map");
    Map<String, String> received = new LinkedHashMap<>();
    received.put("z", "1");
    received.put(MetadataKeys.CALL_STATE, "call");
    received.put("a", "2");
    received.put(MetadataKeys.STREAM_STATE, "cursor");
    Map<String, String> own = MetadataKeys.withoutTokens(received);
    assertEquals(List.of("z", "a"), List.copyOf(own.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> own.put("b", "3"));
    assertEquals(4, received.size(), "the received map is left as it was");
  }
}
