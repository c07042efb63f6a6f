package dev.arrowrpc.core.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** Arrow IPC values held in byte arrays: binary cells that carry a stream, serialized schemas. */
public final class IpcBytes {
  private IpcBytes() {}

  /**
   * Serializes one batch as a complete IPC stream (schema, dictionaries, batch, end marker).
   *
   * @param schema the schema in message format
   * @param batch the batch
   * @return the stream's bytes
   */
  public static byte[] stream(Schema schema, Batch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
      writer.write(batch, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Serializes a schema as one encapsulated schema message (what pyarrow's {@code
   * Schema.serialize()} returns): continuation marker, length, flatbuffer, no end marker.
   *
   * @param schema the schema in message format
   * @return the message bytes
   */
  public static byte[] schema(Schema schema) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(StreamChannels.writable(out)), schema, IpcOption.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads the single batch of an IPC stream held in bytes into a new root the caller owns.
   *
   * @param bytes the stream
   * @param allocator where the root is allocated
   * @return a reader positioned on the first batch; close it to release the batch
   * @throws WireFormatException when the bytes are not a stream with at least one batch
   */
  public static IpcStreamReader readSingle(byte[] bytes, BufferAllocator allocator)
      throws WireFormatException {
    try {
      IpcStreamReader reader =
          IpcStreamReader.open(new ByteArrayInputStream(bytes), allocator)
              .orElseThrow(() -> new WireFormatException("empty IPC stream in a binary cell"));
      try {
        if (!reader.next()) {
          throw new WireFormatException("IPC stream in a binary cell has no batch");
        }
        return reader;
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    } catch (WireFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new WireFormatException(e.getMessage(), e);
    }
  }

  /**
   * Copies a root into a new root owned by the caller.
   *
   * @param source the root to copy
   * @param allocator where the copy is allocated
   * @return the copy
   */
  public static VectorSchemaRoot copy(VectorSchemaRoot source, BufferAllocator allocator) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), allocator);
    for (int i = 0; i < source.getFieldVectors().size(); i++) {
      source.getVector(i).makeTransferPair(copy.getVector(i)).splitAndTransfer(0, source.getRowCount());
    }
    copy.setRowCount(source.getRowCount());
    return copy;
  }
}
