package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.auth.StreamTokens;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The call token's payload: the sealed response limit, and tokens written before it was sealed. */
class StreamCheckpointTest {
  private static StreamCheckpoint.Call call(OptionalLong limit) {
    byte[] id = new byte[16];
    Arrays.fill(id, (byte) 7);
    return new StreamCheckpoint.Call(id, id.clone(), "P", "m", new byte[] {1, 2, 3}, new byte[] {4, 5}, limit);
  }

  @Test
  void theResponseLimitRoundTrips() throws Exception {
    for (OptionalLong limit : new OptionalLong[] {OptionalLong.empty(), OptionalLong.of(65_536),
        OptionalLong.of((1L << 53) - 1)}) {
      byte[] payload = StreamCheckpoint.call(call(limit));
      assertEquals(3, payload[1], "the format version");
      StreamCheckpoint.Call read = StreamCheckpoint.readCall(payload);
      assertEquals(limit, read.responseLimit());
      assertEquals("P", read.protocol());
      assertEquals("m", read.method());
      assertArrayEquals(new byte[] {4, 5}, read.inputSchema());
    }
  }

  @Test
  void aVersionTwoTokenReadsAsOneWithoutALimit() throws Exception {
    byte[] current = StreamCheckpoint.call(call(OptionalLong.of(70_000)));
    byte[] older = Arrays.copyOf(current, current.length - 8); // no limit field
    older[1] = 2;
    StreamCheckpoint.Call read = StreamCheckpoint.readCall(older);
    assertEquals(OptionalLong.empty(), read.responseLimit());
    assertEquals("m", read.method());
  }

  @Test
  void aLimitFieldThatDoesNotFitIsRefused() {
    byte[] current = StreamCheckpoint.call(call(OptionalLong.of(70_000)));
    byte[] truncated = Arrays.copyOf(current, current.length - 3);
    assertThrows(StreamTokens.InvalidTokenException.class, () -> StreamCheckpoint.readCall(truncated));
    byte[] negative = current.clone();
    negative[negative.length - 8] = (byte) 0x80;
    assertThrows(StreamTokens.InvalidTokenException.class, () -> StreamCheckpoint.readCall(negative));
    byte[] versionTwoWithLimit = current.clone();
    versionTwoWithLimit[1] = 2; // eight bytes too many for version 2
    assertThrows(StreamTokens.InvalidTokenException.class, () -> StreamCheckpoint.readCall(versionTwoWithLimit));
    byte[] cursorVersion = StreamCheckpoint.cursor(new StreamCheckpoint.Cursor(new byte[16], new byte[] {1}));
    cursorVersion[1] = 3; // a cursor has no version 3
    assertThrows(StreamTokens.InvalidTokenException.class, () -> StreamCheckpoint.readCursor(cursorVersion));
  }
}
