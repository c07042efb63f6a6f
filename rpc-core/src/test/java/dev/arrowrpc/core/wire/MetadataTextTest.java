package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetadataTextTest {
  private static ByteBuffer text(String s) {
    byte[] bytes = ("xx" + s + "yy").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.wrap(bytes, 2, bytes.length - 4).slice();
  }

  @Test
  void decodesTextsOfEveryLengthAndRemembersTheRecentOnes() {
    for (int length = 0; length < 40; length++) {
      String s = "k".repeat(length);
      String first = MetadataText.decode(text(s));
      assertEquals(s, first);
      assertSame(first, MetadataText.decode(text(s)), "length " + length);
    }
  }

  @Test
  void anyTwoTextsDecodedInTurnAreBothRemembered() {
    // whichever slots they hash to, two texts alternating never evict each other
    for (int i = 0; i < 200; i++) {
      String a = "vgi_rpc.key_" + i;
      String b = "v" + (i * 7919);
      String firstA = MetadataText.decode(text(a));
      String firstB = MetadataText.decode(text(b));
      assertEquals(a, firstA);
      assertEquals(b, firstB);
      assertSame(firstA, MetadataText.decode(text(a)), a + " / " + b);
      assertSame(firstB, MetadataText.decode(text(b)), a + " / " + b);
    }
  }

  @Test
  void bytesThatAreNotUtf8BecomeReplacementCharacters() {
    ByteBuffer bad = ByteBuffer.wrap(new byte[] {'a', (byte) 0xff, 'b'});
    assertEquals("a\uFFFDb", MetadataText.decode(bad));
    assertEquals("", MetadataText.decode(null));
  }
}
