package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The builder is right: the honest variants of the structured cases, written field by field with
 * {@link RawIpc}, decode with rpc-core's reader into the values they were built from. (That the
 * worker accepts them is checked by {@code HonestCheck} against a running worker.)
 */
class RawIpcTest {
  private final BufferAllocator memory = new RootAllocator();

  @AfterEach
  void allocatorIsEmpty() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  private void decode(byte[] bytes, String method, Consumer<IpcStreamReader> check) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try (IpcStreamReader reader = IpcStreamReader.open(in, memory).orElseThrow()) {
      assertTrue(reader.next());
      if (method != null) {
        assertEquals(method, reader.metadata().get(MetadataKeys.METHOD));
        assertEquals(Requests.CONFORMANCE, reader.metadata().get(MetadataKeys.PROTOCOL));
      }
      assertEquals(1, reader.root().getRowCount());
      check.accept(reader);
      assertFalse(reader.next());
    }
    assertEquals(0, in.available(), "the stream ends at its end marker");
  }

  private static byte[] cell(VectorSchemaRoot root, int column) {
    return ((VarBinaryVector) root.getVector(column)).get(0);
  }

  @Test
  void scalarRequestsDecode() throws IOException {
    decode(Structured.echoInt(-42), "echo_int", r -> assertEquals(-42, ((BigIntVector) r.root().getVector(0)).get(0)));
    decode(Structured.echoString("héllo"), "echo_string",
        r -> assertEquals("héllo", new String(((VarCharVector) r.root().getVector(0)).get(0), StandardCharsets.UTF_8)));
    decode(Structured.echoBytes(new byte[] {1, 2, 3}), "echo_bytes",
        r -> assertArrayEquals(new byte[] {1, 2, 3}, cell(r.root(), 0)));
  }

  @Test
  void nestedListDecodesAtAnyDepth() throws IOException {
    decode(Structured.echoNestedList(2), "echo_nested_list",
        r -> assertEquals(List.of(List.of(7L)), ((ListVector) r.root().getVector(0)).getObject(0)));
    decode(RawIpc.stream(List.of(Structured.nestedList("m", 5)),
        RawIpc.recordBatch(Structured.nestedListRow(5), java.util.Map.of())), null,
        r -> assertEquals(List.of(List.of(List.of(List.of(List.of(7L))))),
            ((ListVector) r.root().getVector(0)).getObject(0)));
  }

  @Test
  void nestedStructDecodes() throws IOException {
    decode(Structured.nestedStruct("echo_int", "value", 3), "echo_int",
        r -> assertEquals("{\"s1\":{\"s0\":{\"leaf\":7}}}", r.root().getVector(0).getObject(0).toString()));
  }

  @Test
  void dictionaryEncodedStringDecodes() throws IOException {
    decode(Structured.echoDictString(1), "echo_dict_encoded_string", r -> {
      assertEquals(1, ((SmallIntVector) r.root().getVector(0)).get(0));
      Dictionary dictionary = r.lookup(0);
      VarCharVector values = (VarCharVector) dictionary.getVector();
      assertEquals(2, values.getValueCount());
      assertEquals("bc", new String(values.get(1), StandardCharsets.UTF_8));
    });
  }

  @Test
  void dataclassCellsDecode() throws IOException {
    decode(Structured.echoPoint(Structured.point(1.5, -2)), "echo_point", r -> {
      try {
        decode(cell(r.root(), 0), null, inner -> {
          assertEquals(1.5, ((Float8Vector) inner.root().getVector("x")).get(0));
          assertEquals(-2, ((Float8Vector) inner.root().getVector("y")).get(0));
        });
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    decode(Structured.honestEmbedded(5), "echo_embedded_arrow", r -> {
      try {
        decode(cell(r.root(), 0), null, data -> {
          try {
            decode(cell(data.root(), 0), null, batch -> assertEquals(5, ((BigIntVector) batch.root().getVector(0)).get(0)));
            byte[] schema = cell(data.root(), 1);
            assertArrayEquals(RawIpc.schema(List.of(RawIpc.Col.of("n", RawIpc.Kind.int64()))), schema);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aLieIsCaughtByTheReader() {
    // one changed number: the buffer's offset past the body
    RawIpc.Batch lying = RawIpc.int64Row(1).withBuffers(List.of(new RawIpc.Buf(0, 0), new RawIpc.Buf(1L << 40, 8)));
    byte[] bytes = Structured.request("echo_int", List.of(Structured.VALUE_INT), lying);
    assertThrows(Exception.class, () -> {
      try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(bytes), memory).orElseThrow()) {
        reader.next();
      }
    });
  }
}
