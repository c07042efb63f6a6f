package dev.arrowrpc.reliability;

import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads one answer (one IPC stream) the way a strict client would, and classifies it. */
final class Answers {
  private Answers() {}

  /**
   * Reads one IPC stream: log batches, then a result or an EXCEPTION batch, then the end marker.
   * Returns {@code CLOSED} when the input ends before its first byte, {@code GARBLED} when what came
   * is not a well-formed answer.
   */
  static Answer read(InputStream in, BufferAllocator memory) {
    Optional<IpcStreamReader> opened;
    try {
      opened = IpcStreamReader.open(in, memory);
    } catch (IOException | RuntimeException e) {
      return Answer.of(Answer.Kind.GARBLED, "unreadable answer: " + e);
    }
    if (opened.isEmpty()) {
      return Answer.of(Answer.Kind.CLOSED, "the input ended before an answer");
    }
    try (IpcStreamReader reader = opened.get()) {
      Answer answer = null;
      while (reader.next()) {
        Map<String, String> metadata = reader.metadata();
        String level = metadata.get(MetadataKeys.LOG_LEVEL);
        if ("EXCEPTION".equals(level)) {
          answer = Answer.of(Answer.Kind.TYPED_ERROR, metadata.getOrDefault(MetadataKeys.ERROR_KIND, "?") + ": "
              + metadata.getOrDefault(MetadataKeys.LOG_MESSAGE, ""));
        } else if (level == null && answer == null) {
          answer = new Answer(Answer.Kind.ACCEPTED, "ok", firstLong(reader.root()));
        }
      }
      if (!reader.ended()) {
        return Answer.of(Answer.Kind.GARBLED, "the answer broke off before its end-of-stream marker");
      }
      return answer != null ? answer : Answer.of(Answer.Kind.GARBLED, "an answer stream without a result or error");
    } catch (IOException | RuntimeException e) {
      return Answer.of(Answer.Kind.GARBLED, "answer broke off: " + e);
    }
  }

  private static OptionalLong firstLong(VectorSchemaRoot root) {
    if (root.getRowCount() > 0 && !root.getFieldVectors().isEmpty()
        && root.getVector(0) instanceof BigIntVector ints && !ints.isNull(0)) {
      return OptionalLong.of(ints.get(0));
    }
    return OptionalLong.empty();
  }
}
