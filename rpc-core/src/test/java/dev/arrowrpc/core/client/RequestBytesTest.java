package dev.arrowrpc.core.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RequestBytes}: whatever the mix of writes, the exact bytes in order, in one exact array. */
class RequestBytesTest {
  @Test
  void writesOfEveryKindComeBackInOrderAcrossManyChunks() throws Exception {
    Random random = new Random(16);
    RequestBytes body = new RequestBytes();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    while (expected.size() < 3 * 1024 * 1024 + 17) {
      byte[] piece = new byte[random.nextInt(random.nextBoolean() ? 40 : 200_000)];
      random.nextBytes(piece);
      switch (random.nextInt(4)) {
        case 0 -> {
          for (byte b : piece) {
            body.write(b);
          }
        }
        case 1 -> {
          // a slice of a larger array
          byte[] padded = new byte[piece.length + 10];
          System.arraycopy(piece, 0, padded, 3, piece.length);
          body.write(padded, 3, piece.length);
        }
        case 2 -> {
          ByteBuffer direct = ByteBuffer.allocateDirect(piece.length);
          direct.put(piece).flip();
          assertEquals(piece.length, body.write(direct));
          assertEquals(0, direct.remaining(), "the channel write takes the whole buffer");
        }
        default -> assertEquals(piece.length, body.write(ByteBuffer.wrap(piece)));
      }
      expected.write(piece);
      assertEquals(expected.size(), body.size());
    }
    assertArrayEquals(expected.toByteArray(), body.toByteArray());
  }

  @Test
  void anEmptyBodyAndOneThatEndsOnAChunkBoundaryAreExact() throws Exception {
    assertEquals(0, new RequestBytes().toByteArray().length);
    RequestBytes body = new RequestBytes();
    byte[] first = new byte[8 * 1024];
    java.util.Arrays.fill(first, (byte) 7);
    body.write(first);
    assertArrayEquals(first, body.toByteArray());
    body.write(9);
    byte[] all = body.toByteArray();
    assertEquals(first.length + 1, all.length);
    assertEquals(9, all[first.length]);
  }
}
