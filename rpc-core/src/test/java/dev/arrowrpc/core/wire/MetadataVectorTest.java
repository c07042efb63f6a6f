package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.junit.jupiter.api.Test;

/** The whole-vector reading of batch metadata ({@link MetadataText#vector}) against the flatbuffer decode. */
class MetadataVectorTest {
  /** A record-batch message whose custom metadata holds the given entries (a null text is absent). */
  private static ByteBuffer message(List<String[]> entries) {
    return message(entries, 1, 0);
  }

  /** As {@link #message(List)}, for a batch of {@code rows}, starting {@code at} bytes into its array. */
  private static ByteBuffer message(List<String[]> entries, long rows, int at) {
    FlatBufferBuilder builder = new FlatBufferBuilder(256);
    int[] tables = new int[entries.size()];
    for (int i = 0; i < tables.length; i++) {
      String[] entry = entries.get(i);
      int key = entry[0] == null ? 0 : builder.createString(entry[0]);
      int value = entry[1] == null ? 0 : builder.createString(entry[1]);
      KeyValue.startKeyValue(builder);
      if (entry[0] != null) {
        KeyValue.addKey(builder, key);
      }
      if (entry[1] != null) {
        KeyValue.addValue(builder, value);
      }
      tables[i] = KeyValue.endKeyValue(builder);
    }
    int vector = Message.createCustomMetadataVector(builder, tables);
    RecordBatch.startRecordBatch(builder);
    RecordBatch.addLength(builder, rows);
    int header = RecordBatch.endRecordBatch(builder);
    Message.startMessage(builder);
    Message.addVersion(builder, MetadataVersion.V5);
    Message.addHeaderType(builder, MessageHeader.RecordBatch);
    Message.addHeader(builder, header);
    Message.addCustomMetadata(builder, vector);
    builder.finish(Message.endMessage(builder));
    // as a reader holds it: a heap buffer from the message's first byte, in a larger array
    ByteBuffer bytes = builder.dataBuffer();
    byte[] array = new byte[at + bytes.remaining() + 64];
    bytes.duplicate().get(array, at, bytes.remaining());
    return ByteBuffer.wrap(array, at, bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer message(Map<String, String> entries) {
    List<String[]> list = new ArrayList<>();
    entries.forEach((k, v) -> list.add(new String[] {k, v}));
    return message(list);
  }

  private static Map<String, String> fresh(ByteBuffer message) throws WireFormatException {
    return IpcStreamReader.decodeMetadata(Message.getRootAsMessage(message.duplicate().order(ByteOrder.LITTLE_ENDIAN)));
  }

  private static Map<String, String> request(String method) {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(MetadataKeys.METHOD, method);
    entries.put(MetadataKeys.PROTOCOL, "bench.CallCost");
    entries.put(MetadataKeys.REQUEST_VERSION, MetadataKeys.REQUEST_VERSION_VALUE);
    return entries;
  }

  @Test
  void aVectorReadAgainGivesTheMapAFreshDecodeGives() throws Exception {
    MetadataText texts = new MetadataText();
    ByteBuffer message = message(request("noop"));
    Map<String, String> first = texts.vector(message);
    assertEquals(fresh(message), first);
    assertEquals(List.copyOf(fresh(message).entrySet()), List.copyOf(first.entrySet()), "wire order");
    Map<String, String> again = texts.vector(message(request("noop")));
    assertSame(first, again, "the same bytes in another message: the map read before");
    assertEquals(request("noop"), again);
    // keys come back as the constants they spell (looked up by identity)
    assertSame(MetadataKeys.METHOD, again.keySet().iterator().next());
  }

  @Test
  void theSameVectorInAnotherBatchOrPlaceIsRecognised() throws Exception {
    MetadataText texts = new MetadataText();
    List<String[]> entries = List.of(new String[] {MetadataKeys.METHOD, "mixed"}, new String[] {"k", "v"});
    Map<String, String> first = texts.vector(message(entries, 1, 0));
    assertSame(first, texts.vector(message(entries, 1_000_000, 0)), "another row count");
    ByteBuffer shifted = message(entries, 7, 13);
    assertEquals(13, shifted.position());
    assertEquals(fresh(shifted), texts.vector(shifted));
    assertSame(first, texts.vector(shifted), "further into its buffer");
  }

  @Test
  void aChangedTextIsReadAnew() throws Exception {
    MetadataText texts = new MetadataText();
    Map<String, String> noop = texts.vector(message(request("noop")));
    // the same lengths, one byte apart
    ByteBuffer other = message(request("nooq"));
    Map<String, String> nooq = texts.vector(other);
    assertNotSame(noop, nooq);
    assertEquals(fresh(other), nooq);
    assertEquals("nooq", nooq.get(MetadataKeys.METHOD));
    // a value moved from one text to the next: the same bytes altogether, other lengths
    Map<String, String> split = texts.vector(message(List.of(new String[] {"ab", "c"}, new String[] {"d", "e"})));
    Map<String, String> moved = texts.vector(message(List.of(new String[] {"a", "bc"}, new String[] {"d", "e"})));
    assertEquals(Map.of("ab", "c", "d", "e"), split);
    assertEquals(Map.of("a", "bc", "d", "e"), moved);
    // and the first is still remembered
    assertSame(noop, texts.vector(message(request("noop"))));
  }

  @Test
  void absentTextsRepeatedKeysAndBadUtf8ReadAsTheDecodeReadsThem() throws Exception {
    MetadataText texts = new MetadataText();
    List<String[]> entries = List.of(new String[] {"k", "1"}, new String[] {null, "v"},
        new String[] {"e", null}, new String[] {"k", "2"}, new String[] {"", ""});
    ByteBuffer message = message(entries);
    Map<String, String> read = texts.vector(message);
    assertEquals(List.copyOf(fresh(message).entrySet()), List.copyOf(read.entrySet()));
    assertEquals("2", read.get("k"));
    assertSame(read, texts.vector(message(entries)));
    ByteBuffer bad = message(request("n\u00e9op"));
    byte[] array = bad.array();
    for (int i = 0; i < bad.limit() - 1; i++) {
      if (array[i] == (byte) 0xc3 && array[i + 1] == (byte) 0xa9) {
        array[i + 1] = (byte) 0xff; // no longer UTF-8
      }
    }
    assertEquals("n\uFFFD\uFFFDop", texts.vector(bad).get(MetadataKeys.METHOD));
    assertEquals(fresh(bad), texts.vector(bad));
  }

  @Test
  void rememberedVectorsAreBounded() throws Exception {
    MetadataText texts = new MetadataText();
    Map<String, String> zeroth = texts.vector(message(request("m0")));
    assertSame(zeroth, texts.vector(message(request("m0"))));
    for (int i = 1; i < MetadataText.VECTORS; i++) {
      texts.vector(message(request("m" + i)));
    }
    assertSame(zeroth, texts.vector(message(request("m0"))), "as many as it holds: still there");
    texts.vector(message(request("m" + MetadataText.VECTORS)));
    Map<String, String> later = texts.vector(message(request("m0")));
    assertNotSame(zeroth, later, "one more: the oldest was replaced");
    assertEquals(zeroth, later);
    // a vector whose texts are larger than remembered is read, never kept
    Map<String, String> large = new LinkedHashMap<>();
    for (int i = 0; i < MetadataText.VECTOR_ENTRIES; i++) {
      large.put("key" + i, "v".repeat(MetadataText.VECTOR_BYTES / MetadataText.VECTOR_ENTRIES));
    }
    Map<String, String> once = texts.vector(message(large));
    assertEquals(large, once);
    assertNotSame(once, texts.vector(message(large)));
    // and so is one with a text longer than a text remembered (a token new with every message)
    Map<String, String> token = Map.of("k", "t".repeat(200));
    Map<String, String> first = texts.vector(message(token));
    assertEquals(token, first);
    assertNotSame(first, texts.vector(message(token)));
  }

  @Test
  void vectorsItCannotReadWholeAreLeftToTheDecode() throws Exception {
    MetadataText texts = new MetadataText();
    assertNull(texts.vector(message(List.of())), "empty");
    List<String[]> many = new ArrayList<>();
    for (int i = 0; i <= MetadataText.VECTOR_ENTRIES; i++) {
      many.add(new String[] {"k" + i, "v"});
    }
    assertNull(texts.vector(message(many)), "more entries than remembered");
    ByteBuffer message = message(request("noop"));
    assertNotNull(texts.vector(message));
    // a text that ends past the message: cut the message short before its last text's end
    int lastText = lastTextEnd(message);
    ByteBuffer cut = message.duplicate().limit(lastText - 1).order(ByteOrder.LITTLE_ENDIAN);
    assertNull(texts.vector(cut));
    // a vector that declares more entries than the message holds: the decode's error, unchanged
    ByteBuffer bomb = message(request("noop"));
    int count = countAt(bomb);
    bomb.putInt(count, 0x40000000);
    assertNull(texts.vector(bomb));
    WireFormatException refused = assertThrows(WireFormatException.class, () -> fresh(bomb));
    assertEquals("record batch custom metadata declares 1073741824 entries, more than its message's "
        + bomb.limit() + " bytes of metadata hold", refused.getMessage());
  }

  /** Where the vector's entry count lies in a message made by {@link #message}. */
  private static int countAt(ByteBuffer message) {
    Message root = Message.getRootAsMessage(message.duplicate());
    int count = root.customMetadataLength();
    for (int at = 0; at < message.limit() - 4; at++) {
      if (message.getInt(at) == count) {
        ByteBuffer probe = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        probe.putInt(at, count + 1000);
        boolean moved = Message.getRootAsMessage(probe).customMetadataLength() == count + 1000;
        probe.putInt(at, count);
        if (moved) {
          return at;
        }
      }
    }
    throw new AssertionError("no count");
  }

  private static int lastTextEnd(ByteBuffer message) {
    Message root = Message.getRootAsMessage(message.duplicate());
    int end = 0;
    for (int i = 0; i < root.customMetadataLength(); i++) {
      KeyValue entry = root.customMetadata(i);
      for (ByteBuffer text : new ByteBuffer[] {
          entry.keyInByteBuffer(message.duplicate()), entry.valueInByteBuffer(message.duplicate())}) {
        end = Math.max(end, text.limit());
      }
    }
    return end;
  }
}
