package dev.arrowrpc.conformance.driver;

import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One {@code *_b64} payload of the control protocol, read: a base64 Arrow IPC stream holding
 * exactly one batch and its custom metadata. Nothing is decoded beyond the IPC framing: the batch
 * is handed to the client as it arrived (with its dictionaries). Closing releases the batch.
 */
final class IpcPayload implements AutoCloseable {
  private final IpcStreamReader reader;
  private final Map<Long, VectorSchemaRoot> dictionaries;

  private IpcPayload(IpcStreamReader reader) {
    this.reader = reader;
    Map<Long, VectorSchemaRoot> values = new LinkedHashMap<>();
    for (long id : reader.getDictionaryIds()) {
      Dictionary dictionary = reader.lookup(id);
      FieldVector vector = dictionary.getVector();
      values.put(id, new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount()));
    }
    this.dictionaries = values;
  }

  /**
   * Reads a payload.
   *
   * @param base64 standard base64 text
   * @param allocator where the batch is allocated
   * @return the payload
   * @throws DriverException when the text is not base64 or not an IPC stream with one batch
   */
  static IpcPayload read(String base64, BufferAllocator allocator) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new DriverException("payload is not standard base64: " + e.getMessage());
    }
    IpcStreamReader reader;
    try {
      reader = IpcStreamReader.open(new ByteArrayInputStream(bytes), allocator)
          .orElseThrow(() -> new DriverException("payload holds no Arrow IPC stream"));
    } catch (IOException e) {
      throw new DriverException("payload is not an Arrow IPC stream: " + e.getMessage());
    }
    try {
      if (!reader.next()) {
        throw new DriverException("payload's Arrow IPC stream holds no batch");
      }
      return new IpcPayload(reader);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e instanceof DriverException d ? d
          : new DriverException("payload's Arrow IPC stream is unreadable: " + e.getMessage());
    }
  }

  /** The stream's schema, message format. */
  Schema schema() {
    return reader.schema();
  }

  /** The batch with the dictionaries it refers to (owned by this payload). */
  Batch batch() {
    return new Batch(reader.root(), dictionaries);
  }

  /** The batch's custom metadata, whole. */
  Map<String, String> metadata() {
    return reader.metadata();
  }

  @Override
  public void close() {
    reader.close();
  }
}
