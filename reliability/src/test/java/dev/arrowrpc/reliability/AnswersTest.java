package dev.arrowrpc.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.wire.LogBatches;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** The harness's judge of answers: what it calls an error, a result, a close and garbage. */
class AnswersTest {
  private static Answer read(byte[] bytes) {
    try (RootAllocator memory = new RootAllocator()) {
      Answer answer = Answers.read(new ByteArrayInputStream(bytes), memory);
      assertEquals(0, memory.getAllocatedMemory(), "the answer's buffers are released");
      return answer;
    }
  }

  private static byte[] result(long value) {
    Schema schema = new Schema(List.of(Requests.field("result", new ArrowType.Int(64, true))));
    return Requests.write(schema, java.util.Map.of(), 1, root -> ((BigIntVector) root.getVector(0)).setSafe(0, value));
  }

  @Test
  void aResultIsAcceptedWithItsValue() {
    Answer answer = read(result(42));
    assertEquals(Answer.Kind.ACCEPTED, answer.kind());
    assertEquals(OptionalLong.of(42), answer.value());
  }

  @Test
  void anExceptionBatchIsATypedError() {
    byte[] error = Requests.write(new Schema(List.of()),
        LogBatches.error(new RpcException("ValueError", "no such thing"), "server", "request"), 0, root -> { });
    Answer answer = read(error);
    assertEquals(Answer.Kind.TYPED_ERROR, answer.kind());
    assertTrue(answer.detail().contains("no such thing"), answer.detail());
  }

  @Test
  void nothingIsAClose() {
    assertEquals(Answer.Kind.CLOSED, read(new byte[0]).kind());
  }

  @Test
  void bytesThatAreNoAnswerAreGarbled() {
    assertEquals(Answer.Kind.GARBLED, read("HTTP/1.1 500 oops".getBytes()).kind());
    byte[] whole = result(7);
    // cut before the end-of-stream marker: a stream that broke off is no answer
    assertEquals(Answer.Kind.GARBLED, read(Arrays.copyOf(whole, whole.length - 8)).kind());
  }

  @Test
  void theSameSeedMakesTheSameCases() {
    for (CaseSource source : Malformed.sources()) {
      List<Case> first = source.cases(new java.util.Random(5), 20);
      List<Case> second = source.cases(new java.util.Random(5), 20);
      for (int i = 0; i < first.size(); i++) {
        assertEquals(first.get(i).label(), second.get(i).label(), source.category());
        assertTrue(Arrays.equals(first.get(i).bytes(), second.get(i).bytes()), source.category());
      }
    }
  }
}
